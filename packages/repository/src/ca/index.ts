/** The project CA: vendor code-signing certificates and the signed revocation list. */
export { CA_FILES } from './files.js';
export {
  DEFAULT_CA_NAME,
  type InitCaOptions,
  type InitCaResult,
  initCa,
  type LoadedCa,
  loadCa,
  loadCaCertificatePem,
} from './init.js';
export {
  type IssuedVendorCertificate,
  type IssueVendorOptions,
  issueFromCa,
  issueVendorCertificate,
} from './issue.js';
export {
  parseCertificateChainPem,
  parseCertificatePem,
  readPemFile,
  splitPemCertificates,
} from './pem.js';
export { ID_PREFIX_URI, idPrefixesOf, idWithinPrefix, normalizeIdPrefix } from './profile.js';
export { loadRevocations, type RevokeOptions, type RevokeResult, revoke } from './revocation.js';
export {
  findRevocation,
  REVOCATION_REASONS,
  type RevocationList,
  type RevocationReason,
  type RevokedCertificate,
  type SignedRevocationList,
  signRevocationList,
  type VerifyRevocationOptions,
  verifyRevocationList,
} from './revocation-format.js';
export { CODE_SIGNING_OID, normalizeSerial } from './x509.js';
