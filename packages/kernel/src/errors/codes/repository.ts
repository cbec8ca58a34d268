import { defineCodes } from './spec.js';

/** Codes owned by `@chassis/repository`: TUF metadata, signatures, certificates, mirrors. */
export const repositoryCodes = defineCodes({
  CHASSIS_E_REPO_NOT_FOUND: { status: 404, summary: 'No repository at that location' },
  CHASSIS_E_REPO_EXISTS: { status: 409, summary: 'A repository already exists there' },
  CHASSIS_E_REPO_METADATA_INVALID: {
    status: 502,
    summary: 'Repository metadata failed TUF verification',
  },
  CHASSIS_E_REPO_ROLLBACK: {
    status: 502,
    summary: 'Repository metadata is older than what we already trust',
  },
  CHASSIS_E_REPO_FREEZE: {
    status: 502,
    summary: 'Repository metadata has expired (freeze attack or stale mirror)',
  },
  CHASSIS_E_REPO_MIX_AND_MATCH: {
    status: 502,
    summary: 'Snapshot and targets metadata do not agree',
  },
  CHASSIS_E_REPO_TARGET_INVALID: {
    status: 502,
    summary: 'A downloaded CAR does not match its metadata',
  },
  CHASSIS_E_REPO_TARGET_TOO_LARGE: {
    status: 413,
    summary: 'A download exceeded the length in metadata',
  },
  CHASSIS_E_REPO_DRIVER_NOT_FOUND: {
    status: 404,
    summary: 'No such driver/version in the repository',
  },
  CHASSIS_E_REPO_MIRROR_INCOMPLETE: { status: 502, summary: 'A mirror is half-synced or stale' },
  CHASSIS_E_REPO_BUNDLE_INVALID: { status: 400, summary: 'An export bundle is corrupt' },
  CHASSIS_E_SIG_UNSIGNED: {
    status: 403,
    summary: 'The CAR is unsigned and its driver id is not allowed unsigned',
  },
  CHASSIS_E_SIG_INVALID: { status: 403, summary: 'The signature does not verify over MANIFEST.MF' },
  CHASSIS_E_CERT_UNTRUSTED: {
    status: 403,
    summary: 'The certificate does not chain to the project CA',
  },
  CHASSIS_E_CERT_NOT_CA: { status: 403, summary: 'The issuer certificate is not a CA' },
  CHASSIS_E_CERT_KEY_USAGE: { status: 403, summary: 'The certificate is not for code signing' },
  CHASSIS_E_CERT_EXPIRED: {
    status: 403,
    summary: 'The certificate was not valid at signing/publish time',
  },
  CHASSIS_E_CERT_REVOKED: { status: 403, summary: 'The certificate is revoked' },
  CHASSIS_E_CERT_ID_PREFIX: {
    status: 403,
    summary: "The driver id is outside the vendor's allowed prefix",
  },
  CHASSIS_E_CA_EXISTS: { status: 409, summary: 'A CA already exists in that folder' },
  CHASSIS_E_CA_NOT_FOUND: { status: 404, summary: 'No CA in that folder' },
  CHASSIS_E_LOCK_MISMATCH: { status: 409, summary: 'Installed drivers differ from the lock file' },
  CHASSIS_E_LOCK_INVALID: { status: 400, summary: 'The install lock file is malformed' },
  CHASSIS_E_REPO_KEYS_NOT_FOUND: {
    status: 404,
    summary: 'The repository signing keys are missing from the keys folder',
  },
  CHASSIS_E_REPO_KEYS_INSIDE: {
    status: 400,
    summary: 'The keys folder must not be inside the published repository',
  },
  CHASSIS_E_REPO_URL_INVALID: { status: 400, summary: 'The repository URL is not supported' },
  CHASSIS_E_REPO_TRANSPORT: { status: 502, summary: 'The repository could not be reached' },
  CHASSIS_E_REPO_DUPLICATE_DRIVER: {
    status: 409,
    summary: 'The driver version is already in the repository with another digest',
  },
  // Project CA and CAR signing (src/ca, src/signing).
  CHASSIS_E_CA_REQUEST_INVALID: {
    status: 400,
    summary: 'A CA request (vendor name, driver-id prefix, validity, reason) is malformed',
  },
  CHASSIS_E_CA_REVOCATIONS_INVALID: {
    status: 502,
    summary: 'The revocation list is malformed or not signed by the project CA',
  },
  CHASSIS_E_CERT_MALFORMED: { status: 400, summary: 'A certificate or key PEM cannot be parsed' },
  CHASSIS_E_SIG_KEY_MISMATCH: {
    status: 400,
    summary: 'The signing key does not belong to the signing certificate',
  },
  CHASSIS_E_REPO_KEYS_UNREADABLE: {
    status: 400,
    summary: 'A repository signing key file exists but cannot be read or parsed',
  },
  CHASSIS_E_REPO_S3_SDK_MISSING: {
    status: 501,
    summary: 'An s3:// repository needs the optional peer dependency @aws-sdk/client-s3 installed',
  },
  CHASSIS_E_REPO_STATE_UNREADABLE: {
    status: 500,
    summary:
      'A repository or CA folder or file exists but cannot be read (permissions, I/O); it is not treated as absent',
  },
});
