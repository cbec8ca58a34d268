import { defineCodes } from './spec.js';

/** Codes owned by `chassis dev` (`@chassis/cli`): the local driver harness. */
export const devCodes = defineCodes({
  CHASSIS_E_DEV_PROPERTIES_UNREADABLE: {
    status: 400,
    summary: 'The dev properties file cannot be read or is not a JSON object',
    action:
      'Write the resource configuration as one JSON object (`dev.properties.json`, or the file `--properties` names).',
  },
  CHASSIS_E_DEV_BUILD_FAILED: {
    status: 422,
    summary: "The driver project's build command failed",
    action: 'Fix the build errors printed above; `chassis dev` swaps the driver once it builds.',
  },
  CHASSIS_E_DEV_SESSION_RUNNING: {
    status: 409,
    summary: 'A `chassis dev` session already runs for this driver project',
    action: 'Use that session (`chassis dev call`), or stop it before starting another.',
  },
  CHASSIS_E_DEV_NOT_RUNNING: {
    status: 503,
    summary: 'No `chassis dev` session runs for this driver project',
    action: 'Start one with `chassis dev` in the project folder (or pass `--dir`).',
  },
  CHASSIS_E_DEV_SERVER_MISSING: {
    status: 500,
    summary: '`chassis dev` needs `@chassis/server`, which is not installed',
    action: 'Install it next to the CLI: `npm install --save-dev @chassis/server`.',
  },
  CHASSIS_E_DEV_DRIVER_CHANGED: {
    status: 409,
    summary: 'driver.yaml changed what a running dev session cannot swap (the driver id)',
    action: 'Stop `chassis dev` and start it again.',
  },
});
