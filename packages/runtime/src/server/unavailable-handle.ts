import { ChassisError, type DriverHandle } from '@chassis/kernel';

/**
 * Stands in for a driver version that could not be loaded at boot, so its resources stay
 * registered (and visible to operators) while every call fails with a clear, typed error.
 */
export function unavailableHandle(id: string, version: string): DriverHandle {
  const fail = async (): Promise<never> => {
    throw new ChassisError(
      'CHASSIS_E_FACADE_NO_DRIVER',
      `${id}@${version} is not loaded; check its state and restart or reinstall it`,
      {
        details: { driver: id, version },
      },
    );
  };
  return {
    id,
    version,
    tier: 'in-process',
    start: fail,
    stop: fail,
    health: fail,
    migrate: fail,
    invoke: fail,
    dispose: async () => {},
  };
}
