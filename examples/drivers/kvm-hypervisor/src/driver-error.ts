/**
 * An error the driver raises on purpose. Drivers import nothing from Chassis at run time, so
 * they throw plain errors with a stable `code`; the facade keeps it as `details.driverCode`.
 */
export class DriverError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DriverError';
  }
}
