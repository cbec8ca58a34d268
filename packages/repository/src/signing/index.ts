/** CAR signing and install-time trust verification. */
export { type SignerCheck, type SignerIdentity, verifySignerCertificate } from './chain.js';
export { type SignCarOptions, type SignCarResult, signCar, signEntries } from './sign.js';
export { type CarTrust, type CarTrustOptions, verifyCarTrust } from './verify.js';
