import { defineCodes } from './spec.js';

/** Codes owned by `@chassis/admin` and `@chassis/cli`. */
export const adminCodes = defineCodes({
  CHASSIS_E_AUTH_REQUIRED: { status: 401, summary: 'A bearer token is required' },
  CHASSIS_E_AUTH_INVALID: { status: 401, summary: 'The bearer token is not valid' },
  CHASSIS_E_AUTH_DENIED: { status: 403, summary: 'The principal may not perform that action' },
  CHASSIS_E_ADMIN_BAD_REQUEST: { status: 400, summary: 'The request body or query is invalid' },
  CHASSIS_E_ADMIN_NOT_FOUND: { status: 404, summary: 'No such route or object' },
  CHASSIS_E_ADMIN_PAYLOAD_TOO_LARGE: {
    status: 413,
    summary: 'The request body is over the size cap',
  },
  CHASSIS_E_ADMIN_URL_TOO_LONG: {
    status: 414,
    summary: 'A path segment of the request URL is over the length cap',
  },
  CHASSIS_E_ADMIN_HEADERS_TOO_LARGE: {
    status: 431,
    summary: 'The request line and headers are over the size cap',
  },
  CHASSIS_E_ADMIN_PORT_IN_USE: {
    status: 500,
    summary: 'The admin address is already in use by another process',
  },
  CHASSIS_E_CLI_USAGE: {
    status: 400,
    summary: 'The command line is invalid',
    action: 'Read the message, then `chassis <command> --help` for the arguments and options.',
  },
  CHASSIS_E_CLI_UNREACHABLE: {
    status: 502,
    summary: 'The admin API could not be reached',
    action: 'Check `--url` / `CHASSIS_URL` and that the management server runs and listens there.',
  },
  CHASSIS_E_CLI_WAIT_TIMEOUT: {
    status: 504,
    summary:
      'The CLI stopped following an accepted upgrade or rollback at its --wait-timeout; the action goes on on the server',
    action: 'Follow it with `chassis upgrades show <id> --wait` (the id is in the message).',
  },
});
