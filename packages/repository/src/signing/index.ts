/** CAR signing and install-time trust verification. */
export { type SignerCheck, type SignerIdentity, verifySignerCertificate } from './chain.js';
