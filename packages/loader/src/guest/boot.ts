import { type GuestEndpoint, reportFatalErrors, serveGuest } from './guest-server.js';

/**
 * The last step of both bootstraps (`worker-main`, `process-main`): serves the protocol on
 * `endpoint` with the size cap the host passed, and ends the environment on an uncaught
 * exception or unhandled rejection, after what was answered has been sent.
 */
export function bootGuest(endpoint: GuestEndpoint, maxMessageBytes: number | undefined): void {
  const served = serveGuest(endpoint, maxMessageBytes ? { maxMessageBytes } : {});
  reportFatalErrors(endpoint, (code) => process.exit(code), served);
}
