import { ChassisError } from '@chassis/kernel';

/** The part of `@aws-sdk/client-s3` the S3 transport uses. */
export type S3Sdk = typeof import('@aws-sdk/client-s3');

let sdk: Promise<S3Sdk> | undefined;

/**
 * Loads `@aws-sdk/client-s3` on first use. It is an optional peer dependency, so a vendor or a
 * server that reads repositories only from files or HTTP never installs it; an `s3://` repository without it
 * fails with a typed error that says what to install.
 */
export function loadS3Sdk(): Promise<S3Sdk> {
  sdk ??= import('@aws-sdk/client-s3').catch((cause: unknown) => {
    sdk = undefined; // let a later call retry once the operator installed the package
    const code = (cause as { code?: string } | undefined)?.code;
    if (
      (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
      String((cause as Error).message).includes('@aws-sdk/client-s3')
    ) {
      throw new ChassisError(
        'CHASSIS_E_REPO_S3_SDK_MISSING',
        's3:// repositories need @aws-sdk/client-s3: install it next to @chassis/repository (npm install @aws-sdk/client-s3)',
        { details: { package: '@aws-sdk/client-s3' }, cause },
      );
    }
    throw cause;
  });
  return sdk;
}
