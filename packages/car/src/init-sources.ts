import type { ScaffoldPoint } from './init-operations.js';
import type { ScaffoldProperty } from './init-properties.js';
import type { ScaffoldInput } from './init-templates.js';

const TS_TYPE = { string: 'string', number: 'number', boolean: 'boolean' } as const;

/**
 * The TypeScript of a new driver: `src/properties.ts` (the bag's type, after `driver.yaml`),
 * `src/index.ts` (every operation of the point with its contract types, `satisfies` the
 * contract) and `src/index.spec.ts` (one operation run through `@chassis/kernel/testing`).
 */
export function driverSourceFiles(
  input: ScaffoldInput,
  point: ScaffoldPoint | undefined,
  props: readonly ScaffoldProperty[],
  typeNames: (p: ScaffoldPoint) => string[],
): Map<string, string> {
  const q = (s: string) => JSON.stringify(s);
  const files = new Map<string, string>();
  files.set(
    'src/properties.ts',
    [
      '/** The validated configuration of one resource (see `properties` in driver.yaml). */',
      'export type Properties = {',
      ...props.map(
        (p) =>
          `  readonly ${p.key}${p.required || p.default !== undefined ? '' : '?'}: ${TS_TYPE[p.type]};`,
      ),
      '};',
      '',
    ].join('\n'),
  );
  const ops = point?.operations ?? [];
  const imports = point
    ? [
        `import type {\n${[point.contractType, ...typeNames(point)].map((t) => `  ${t},`).join('\n')}\n} from ${q(point.contractPackage)};`,
      ]
    : [];
  files.set(
    'src/index.ts',
    [
      "import type { DriverContext, DriverDefinition, OperationContext } from '@chassis/kernel';",
      ...imports,
      "import type { Properties } from './properties.js';",
      '',
      'type Ctx = OperationContext<Properties>;',
      '',
      '/** What an operation not written yet throws (the server reports it as a driver failure). */',
      'function notImplemented(operation: string): never {',
      "  throw new Error(operation + ' is not implemented yet');",
      '}',
      '',
      `/** \`${input.point}\`: every operation of the contract. */`,
      'const impl = {',
      ...ops.flatMap((o) => [
        `  async ${o.name}(${['ctx: Ctx', ...o.params.map(([n, t]) => `${n}: ${t}`)].join(', ')}): Promise<${o.returns}> {`,
        ...(o.body
          ? [`    ${o.body}`]
          : [
              ...(o.params.length > 0
                ? [`    void [ctx, ${o.params.map(([n]) => n.replace('?', '')).join(', ')}];`]
                : ['    void ctx;']),
              `    return notImplemented(${q(o.name)});`,
            ]),
        '  },',
      ]),
      point ? `} satisfies ${point.contractType}<Properties>;` : '};',
      '',
      `/** ${input.name}. Chassis loads this default export. */`,
      'export default {',
      '  async start(ctx: DriverContext) {',
      "    ctx.logger.info('driver started');",
      '  },',
      `  provides: { ${q(input.point)}: impl },`,
      '} satisfies DriverDefinition;',
      '',
    ].join('\n'),
  );
  const sample = point?.sample;
  const bag = `{\n${props.map((p) => `  ${p.key}: ${JSON.stringify(p.sample)},`).join('\n')}\n}`;
  files.set(
    'src/index.spec.ts',
    [
      "import { fakeContext } from '@chassis/kernel/testing';",
      "import { describe, expect, it } from 'vitest';",
      "import driver from './index.js';",
      "import type { Properties } from './properties.js';",
      '',
      `const properties: Properties = ${bag};`,
      '',
      `describe(${q(input.name)}, () => {`,
      ...(sample
        ? [
            `  it('answers ${sample.operation}', async () => {`,
            '    const ctx = fakeContext(properties);',
            `    const result = await driver.provides[${q(input.point)}].${sample.operation}(ctx${sample.args});`,
            `    expect(result).${sample.expect};`,
            '  });',
            '',
            "  it('reports an operation not written yet', async () => {",
            '    const ctx = fakeContext(properties);',
            `    const impl = driver.provides[${q(input.point)}];`,
            `    await expect(impl.${ops.find((o) => !o.body)!.name}(ctx${ops
              .find((o) => !o.body)!
              .params.map(() => ', undefined as never')
              .join('')})).rejects.toThrow('not implemented');`,
            '  });',
          ]
        : [
            `  it('provides ${input.point}', () => {`,
            `    expect(driver.provides[${q(input.point)}]).toBeTypeOf('object');`,
            '  });',
          ]),
      '});',
      '',
    ].join('\n'),
  );
  return files;
}
