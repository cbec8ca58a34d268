import { errorCodeSpec } from './registry.js';

/** Advice by HTTP status, for codes whose registry entry has no `action` of its own. */
const BY_STATUS: Readonly<Record<number, string>> = {
  400: 'Fix the request: the message names the field or value that is wrong.',
  401: 'Pass a valid admin token (`--token` or `CHASSIS_TOKEN`).',
  403: 'Use a principal whose role allows the action, or ask an admin.',
  404: 'Check the id or path; list what exists (`chassis drivers list`, `chassis resources list`).',
  409: 'Something else holds this object or it is in another state: wait for it to finish, change the state first, then retry.',
  410: 'The object is gone; create it again if you still need it.',
  413: 'Send a smaller file, or raise the configured limit.',
  422: 'Fix the input the message and `details` name (driver.yaml, configuration, CAR), then retry.',
  423: 'Another process holds the lock named in the message; stop it or wait.',
  429: 'Slow down and retry.',
  499: 'The caller cancelled the operation; retry if that was not intended.',
  500: 'An unexpected condition: rerun with `--debug` and report it with the server log.',
  502: 'A driver or remote service failed: read the cause in `details` and the driver log; upgrades were rolled back.',
  503: 'Temporarily unavailable: retry later, or restart the failed driver (`chassis drivers restart`).',
  504: 'It took too long: check the device or service, or raise the timeout.',
};

/** What an operator should do about `code`: its own `action`, else the advice for its status. */
export function adviceFor(code: string): string {
  const spec = errorCodeSpec(code);
  return (
    spec.action ??
    BY_STATUS[spec.status] ??
    BY_STATUS[Math.floor(spec.status / 100) * 100] ??
    BY_STATUS[500]!
  );
}
