import { defineCodes } from './spec.js';

/** Codes owned by the kernel: lifecycle, ordering, resources, extension points, config. */
export const kernelCodes = defineCodes({
  CHASSIS_E_INTERNAL: { status: 500, summary: 'An unexpected internal error' },
  CHASSIS_E_UNKNOWN: { status: 500, summary: 'An error without a Chassis code crossed a boundary' },
  CHASSIS_E_LIFECYCLE_ILLEGAL_TRANSITION: {
    status: 409,
    summary: 'A driver was asked to move between two lifecycle states that are not connected',
  },
  CHASSIS_E_LIFECYCLE_UNKNOWN_DRIVER: {
    status: 404,
    summary: 'No driver with that id/version is known to the lifecycle',
  },
  CHASSIS_E_LIFECYCLE_STEP_TIMEOUT: {
    status: 504,
    summary: 'A lifecycle step (start, stop) did not finish in time',
  },
  CHASSIS_E_LIFECYCLE_STEP_FAILED: { status: 500, summary: 'A lifecycle step (start, stop) threw' },
  CHASSIS_E_LIFECYCLE_RESTARTS_EXHAUSTED: {
    status: 503,
    summary:
      'A faulting driver was restarted restartLimits.maxAttempts times without staying healthy; it stays Failed until an operator restarts it',
  },
  CHASSIS_E_ORDER_CYCLE: { status: 422, summary: 'Drivers require each other in a cycle' },
  CHASSIS_E_ORDER_MISSING_DEP: {
    status: 422,
    summary: 'A required driver is not present or no version matches',
  },
  CHASSIS_E_ORDER_CROSS_CATEGORY: {
    status: 422,
    summary: 'A driver requires a driver of another category; requires must stay within a category',
  },
  CHASSIS_E_ORDER_UNKNOWN_CATEGORY: {
    status: 422,
    summary: 'A driver declares a category that has no rank',
  },
  CHASSIS_E_ORDER_DUPLICATE: {
    status: 422,
    summary: 'The same driver id appears twice in one ordering input',
  },
  CHASSIS_E_RESOURCE_SUSPEND_TIMEOUT: {
    status: 503,
    summary: 'An operation waited too long for a suspended resource to resume',
  },
  CHASSIS_E_RESOURCE_NOT_SUSPENDED: {
    status: 409,
    summary: 'A resource must be suspended for this step (rebind)',
  },
  CHASSIS_E_RESOURCE_CLOSED: { status: 410, summary: 'The resource compartment is closed' },
  CHASSIS_E_RESOURCE_NOT_FOUND: { status: 404, summary: 'No resource with that id' },
  CHASSIS_E_RESOURCE_DUPLICATE: { status: 409, summary: 'A resource with that id already exists' },
  CHASSIS_E_RESOURCE_BUSY: {
    status: 409,
    summary:
      'A resource still has operations running or queued; wait for them, or delete with force',
    action: 'Wait until `chassis resources show` reports 0 queued, or delete with `--force`.',
  },
  CHASSIS_E_RESOURCE_OP_NOT_SAFE: {
    status: 422,
    summary:
      'A resource test may run only the health check or an operation its contract marks read-only',
    action:
      'Run the test without `--operation`, or with one of the operations listed in `details.allowed`.',
  },
  CHASSIS_E_RESOURCE_OP_TIMEOUT: {
    status: 504,
    summary: 'A resource operation did not finish in time',
  },
  CHASSIS_E_RESOURCE_OP_ABORTED: {
    status: 499,
    summary: 'A resource operation was aborted by its caller',
  },
  CHASSIS_E_RESOURCE_INVALID: {
    status: 400,
    summary: 'A resource, its binding or a compartment option is malformed',
  },
  CHASSIS_E_EXT_INVALID_POINT: {
    status: 400,
    summary: 'An extension point id or contract version is malformed',
  },
  CHASSIS_E_EXT_VERSION_MISMATCH: {
    status: 422,
    summary: "A provider's declared contract range does not include the extension point's version",
  },
  CHASSIS_E_EXT_UNKNOWN_POINT: {
    status: 404,
    summary: 'No extension point with that id is registered',
  },
  CHASSIS_E_EXT_DUPLICATE_PROVIDER: {
    status: 409,
    summary: 'The same driver already provides that extension point',
  },
  CHASSIS_E_EXT_DUPLICATE_POINT: {
    status: 409,
    summary: 'An extension point id is already registered with another contract version',
  },
  CHASSIS_E_EXT_NO_PROVIDER: {
    status: 404,
    summary: 'No provider is bound to that extension point',
  },
  CHASSIS_E_CONFIG_INVALID: {
    status: 400,
    summary: 'Kernel configuration does not match its schema',
  },
  CHASSIS_E_SERVER_CONFIG_INVALID: {
    status: 400,
    summary:
      'The chassis-server configuration (file, flags, environment) is invalid; details.problems lists every problem',
  },
  CHASSIS_E_CONFIG_PARSE: {
    status: 400,
    summary: 'Kernel configuration could not be parsed (YAML/JSON)',
  },
  CHASSIS_E_CONTAINER_NOT_EXPORTED: {
    status: 403,
    summary: 'A driver asked its container for a service the kernel does not export',
  },
  CHASSIS_E_CONTAINER_KERNEL_TOKEN: {
    status: 403,
    summary: 'A driver tried to bind, rebind or unbind a service the kernel exports',
  },
  CHASSIS_E_STATE_CONFLICT: {
    status: 409,
    summary: 'A state record changed since it was read (compare-and-set)',
  },
  CHASSIS_E_STATE_IO: { status: 500, summary: 'The state store could not read or write a record' },
  CHASSIS_E_STATE_CORRUPT: { status: 500, summary: 'A state record could not be decoded' },
  CHASSIS_E_STATE_DIR_LOCKED: {
    status: 409,
    summary: 'Another server holds the data directory; stop it or use another directory',
  },
});
