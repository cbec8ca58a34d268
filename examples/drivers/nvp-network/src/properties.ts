/** The validated configuration of one NVP controller cluster (see driver.yaml). */
export type NvpProperties = {
  readonly hostname: string;
  readonly username: string;
  readonly password: string;
  readonly transportZoneUuid: string;
  readonly l3GatewayServiceUuid?: string;
  readonly l2GatewayServiceUuid?: string;
};
