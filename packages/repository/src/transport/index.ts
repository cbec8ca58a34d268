export { FileTransport } from './file.js';
export { HttpTransport } from './http.js';
export {
  openRepositoryLocation,
  type RepositoryLocation,
  type TransportOptions,
} from './open.js';
export { parseS3Url, S3Transport, type S3TransportOptions } from './s3.js';
export { isNotFound, notFound, Transport } from './transport.js';
