import { ChassisError } from '../errors/chassis-error.js';

/** Errors raised by compartments and the resource registry; one place for their wording. */
export const resourceErrors = {
  closed(resourceId: string, name: string): ChassisError {
    return new ChassisError(
      'CHASSIS_E_RESOURCE_CLOSED',
      `Resource "${name}" is closed (removed or shutting down); look the resource up again before submitting work`,
      { details: { resourceId, compartment: name } },
    );
  },

  notSuspended(resourceId: string, name: string, state: string): ChassisError {
    return new ChassisError(
      'CHASSIS_E_RESOURCE_NOT_SUSPENDED',
      `Resource "${name}" is ${state}; suspend() (and drain()) it before rebinding it to a new driver instance`,
      { details: { resourceId, compartment: name, state } },
    );
  },

  suspendTimeout(resourceId: string, name: string, suspendTimeoutMs: number): ChassisError {
    return new ChassisError(
      'CHASSIS_E_RESOURCE_SUSPEND_TIMEOUT',
      `Operation on resource "${name}" waited ${suspendTimeoutMs} ms while the resource was suspended (a driver upgrade or maintenance is in progress) and was not run; retry later or raise suspendTimeoutMs`,
      { details: { resourceId, compartment: name, suspendTimeoutMs } },
    );
  },

  aborted(resourceId: string, name: string, reason: unknown): ChassisError {
    return new ChassisError(
      'CHASSIS_E_RESOURCE_OP_ABORTED',
      `Operation on resource "${name}" was aborted by its caller before it started and was not run`,
      { details: { resourceId, compartment: name }, cause: reason },
    );
  },

  opTimeout(resourceId: string, name: string, timeoutMs: number): ChassisError {
    return new ChassisError(
      'CHASSIS_E_RESOURCE_OP_TIMEOUT',
      `Operation on resource "${name}" ran longer than ${timeoutMs} ms; its signal was aborted and the resource's queue waits for it to settle`,
      { details: { resourceId, compartment: name, timeoutMs } },
    );
  },

  invalidOption(resourceId: string, name: string, option: string, value: unknown): ChassisError {
    return new ChassisError(
      'CHASSIS_E_RESOURCE_INVALID',
      `Operation on resource "${name}": ${option} must be a finite number ≥ 0, got ${String(value)}`,
      { details: { resourceId, compartment: name, option, value: String(value) } },
    );
  },

  invalid(
    resourceId: string,
    problem: string,
    details: Record<string, unknown> = {},
  ): ChassisError {
    return new ChassisError('CHASSIS_E_RESOURCE_INVALID', `Resource "${resourceId}": ${problem}`, {
      details: { resourceId, ...details },
    });
  },

  notFound(resourceId: string): ChassisError {
    return new ChassisError(
      'CHASSIS_E_RESOURCE_NOT_FOUND',
      `No resource with id "${resourceId}" is registered; list() shows the known ones`,
      { details: { resourceId } },
    );
  },

  duplicate(resourceId: string, existingDriverId: string): ChassisError {
    return new ChassisError(
      'CHASSIS_E_RESOURCE_DUPLICATE',
      `Resource "${resourceId}" is already registered (served by driver "${existingDriverId}"); resource ids must be unique — remove() the old one first`,
      { details: { resourceId, existingDriverId } },
    );
  },
};
