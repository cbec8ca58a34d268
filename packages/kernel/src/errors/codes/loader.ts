import { defineCodes } from './spec.js';

/** Codes owned by `@chassis/loader`: sources, cache, isolation tiers, executors, faults. */
export const loaderCodes = defineCodes({
  CHASSIS_E_LOADER_SOURCE_UNSUPPORTED: {
    status: 400,
    summary: 'The source URL scheme is not supported',
  },
  CHASSIS_E_LOADER_SOURCE_UNREACHABLE: {
    status: 502,
    summary: 'The source could not be listed or read',
  },
  CHASSIS_E_LOADER_DOWNLOAD_TOO_LARGE: { status: 413, summary: 'A download exceeded its size cap' },
  CHASSIS_E_LOADER_DOWNLOAD_TIMEOUT: { status: 504, summary: 'A download did not finish in time' },
  CHASSIS_E_LOADER_DOWNLOAD_DIGEST_MISMATCH: {
    status: 502,
    summary: 'A downloaded CAR does not have the SHA-256 its source listed',
  },
  CHASSIS_E_LOADER_CACHE_IO: { status: 500, summary: 'The extraction cache could not be written' },
  CHASSIS_E_LOADER_ENTRY_INVALID: {
    status: 422,
    summary: 'The driver entry module does not export a driver definition',
  },
  CHASSIS_E_LOADER_LOAD_FAILED: { status: 500, summary: 'The driver threw while being loaded' },
  CHASSIS_E_LOADER_ISOLATION_UNSUPPORTED: { status: 400, summary: 'Unknown isolation tier' },
  CHASSIS_E_LOADER_DRIVER_CRASHED: {
    status: 502,
    summary: 'The driver environment died (exit, out of memory, unhandled rejection)',
  },
  CHASSIS_E_LOADER_DRIVER_UNRESPONSIVE: {
    status: 504,
    summary: 'The driver environment stopped answering',
  },
  CHASSIS_E_LOADER_DISPOSED: {
    status: 410,
    summary: 'The driver environment was already disposed',
  },
  CHASSIS_E_LOADER_NO_METHOD: {
    status: 404,
    summary: 'The driver does not implement that operation',
  },
  CHASSIS_E_EXEC_OVERLOADED: { status: 429, summary: "The driver executor's queue is full" },
  CHASSIS_E_EXEC_TIMEOUT: { status: 504, summary: 'A driver call did not finish in time' },
  CHASSIS_E_EXEC_ABORTED: { status: 499, summary: 'A driver call was aborted' },
  CHASSIS_E_DRIVER_OPERATION_FAILED: {
    status: 502,
    summary: 'The driver operation threw a non-Chassis error',
  },
  CHASSIS_E_LOADER_PERMISSION_NOT_GRANTED: {
    status: 403,
    summary: "The driver's permissions: block asks for something the operator has not granted",
  },
  CHASSIS_E_LOADER_CACHE_TAMPERED: {
    status: 500,
    summary: 'A cached extraction no longer matches its CAR manifest (it is re-extracted)',
  },
  CHASSIS_E_LOADER_MESSAGE_TOO_LARGE: {
    status: 413,
    summary: 'A call argument list, result or log record is over the size cap',
  },
  CHASSIS_E_LOADER_OUTPUT_SUPPRESSED: {
    status: 429,
    summary: 'Driver stdout/stderr lines were dropped by the per-driver rate limit',
  },
  CHASSIS_E_LOADER_S3_SDK_MISSING: {
    status: 501,
    summary: 'An s3:// source needs the optional peer dependency @aws-sdk/client-s3 installed',
  },
  CHASSIS_E_LOADER_FILE_UNREADABLE: {
    status: 500,
    summary:
      'A file or folder of a driver directory or CAR source exists but cannot be read (permissions, I/O); it is not treated as absent',
  },
});
