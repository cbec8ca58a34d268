/**
 * Service ids bound in every CAR's child container. `Symbol.for` so that another copy of this
 * package (e.g. a test build) resolves the same bindings.
 */
export const LoaderTokens = {
  /** The driver's `DriverDescriptor`. */
  Descriptor: Symbol.for('chassis.loader.DriverDescriptor'),
  /** The driver's `ManagedDriverHandle`. */
  Handle: Symbol.for('chassis.loader.DriverHandle'),
  /** The CAR's message catalog (locale → key → text). */
  Messages: Symbol.for('chassis.loader.Messages'),
  /** A logger bound to the driver (`driver`, `version`). */
  Logger: Symbol.for('chassis.loader.Logger'),
} as const;
