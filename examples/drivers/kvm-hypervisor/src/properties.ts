/** The validated configuration of one KVM cluster (see driver.yaml). */
export type KvmProperties = {
  readonly url: string;
  readonly username: string;
  readonly password: string;
};
