import { ChassisError } from '@chassis/kernel/errors';

/**
 * Which extension point and method `chassis dev call <operation>` means: `method` when the
 * driver provides one point, else `point.method` of a provided point (method names never hold a
 * dot, so a dotted name must start with a provided point). Pure; a name it cannot place is
 * `CHASSIS_E_CLI_USAGE` listing the points.
 */
export function resolveOperation(
  operation: string,
  provided: readonly string[],
  driver: string,
): { point: string; method: string } {
  const dot = operation.lastIndexOf('.');
  if (dot > 0 && provided.includes(operation.slice(0, dot)))
    return { point: operation.slice(0, dot), method: operation.slice(dot + 1) };
  if (dot < 0 && provided.length === 1 && operation !== '')
    return { point: provided[0]!, method: operation };
  const method = operation.slice(dot + 1) || '<method>';
  throw new ChassisError(
    'CHASSIS_E_CLI_USAGE',
    `${driver} provides ${provided.join(', ') || 'no extension point'}: name the operation as <method> or <point>.<method> of one of them (e.g. ${provided[0] ?? '<point>'}.${method})`,
    { details: { operation, provided } },
  );
}
