import { optionalPeer } from '@chassis/kernel/errors';

/** The part of `@aws-sdk/client-s3` the S3 transport uses. */
export type S3Sdk = typeof import('@aws-sdk/client-s3');

/**
 * Loads `@aws-sdk/client-s3` on first use. It is an optional peer dependency, so a vendor or a
 * server that reads repositories only from files or HTTP never installs it; an `s3://`
 * repository without it fails with a typed error that says what to install.
 */
export const loadS3Sdk: () => Promise<S3Sdk> = optionalPeer(() => import('@aws-sdk/client-s3'), {
  package: '@aws-sdk/client-s3',
  code: 'CHASSIS_E_REPO_S3_SDK_MISSING',
  message:
    's3:// repositories need @aws-sdk/client-s3: install it next to @chassis/repository (npm install @aws-sdk/client-s3)',
});
