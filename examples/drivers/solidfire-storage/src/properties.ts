/** The validated configuration of one SolidFire cluster (see driver.yaml). */
export type SolidFireProperties = {
  readonly mVip: string;
  readonly mPort: number;
  readonly sVip: string;
  readonly sPort: number;
  readonly clusterAdminUsername: string;
  readonly clusterAdminPassword: string;
  readonly minIops: number;
  readonly maxIops: number;
};
