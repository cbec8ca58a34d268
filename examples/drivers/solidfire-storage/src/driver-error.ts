/**
 * An error the driver raises on purpose. Drivers import nothing from Chassis at run time, so
 * they throw plain errors with a stable `code`; the handle's one wrap keeps it as `details.errorCode`.
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
