import { optionalPeer } from '@chassis/kernel/errors';

/** The part of `@aws-sdk/client-s3` the S3 source uses. */
export type S3Sdk = typeof import('@aws-sdk/client-s3');

/**
 * Loads `@aws-sdk/client-s3` on first use. It is an optional peer dependency, so a vendor or a
 * server that reads CARs only from files or HTTP never installs it; an `s3://` source without it
 * fails with a typed error that says what to install.
 */
export const loadS3Sdk: () => Promise<S3Sdk> = optionalPeer(() => import('@aws-sdk/client-s3'), {
  package: '@aws-sdk/client-s3',
  code: 'CHASSIS_E_LOADER_S3_SDK_MISSING',
  message:
    's3:// CAR sources need @aws-sdk/client-s3: install it next to @chassis/loader (npm install @aws-sdk/client-s3)',
});
