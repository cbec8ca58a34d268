/**
 * What the registry records for every error code: the HTTP status an API maps it to, and a
 * one-line summary operators see in docs. The message of a concrete error says more.
 */
export interface ErrorCodeSpec {
  /** HTTP status the admin API answers with for this code. */
  readonly status: number;
  /** One line: what went wrong, in general terms. */
  readonly summary: string;
  /** What an operator should do; absent: the advice for its HTTP status (see `adviceFor`). */
  readonly action?: string;
  /** Set when the code is no longer raised: what replaced it. The code keeps its meaning. */
  readonly deprecated?: string;
}

/** Helper that keeps literal keys while checking every entry against {@link ErrorCodeSpec}. */
export function defineCodes<const T extends Record<`CHASSIS_E_${string}`, ErrorCodeSpec>>(
  codes: T,
): T {
  return codes;
}
