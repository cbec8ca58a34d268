/** What the scaffold templates need. */
export interface ScaffoldInput {
  readonly id: string;
  readonly name: string;
  readonly vendor: string;
  readonly category: 'network' | 'storage' | 'hypervisor';
  readonly point: string;
}

/** Stub operations per category, after the CloudStack-style contracts in the design notes. */
const STUB_METHODS: Record<ScaffoldInput['category'], ReadonlyArray<readonly [string, string]>> = {
  storage: [
    ['capabilities', 'return { snapshots: false, resize: false };'],
    ['createVolume', "throw new Error('createVolume is not implemented yet');"],
    ['deleteVolume', "throw new Error('deleteVolume is not implemented yet');"],
  ],
  network: [
    ['capabilities', 'return { services: [] };'],
    ['implement', "throw new Error('implement is not implemented yet');"],
    ['shutdown', "throw new Error('shutdown is not implemented yet');"],
  ],
  hypervisor: [
    ['discoverHosts', 'return [];'],
    ['startVm', "throw new Error('startVm is not implemented yet');"],
    ['stopVm', "throw new Error('stopVm is not implemented yet');"],
  ],
};

/** Every file of a new driver project, path → text. Deterministic for the same input. */
export function scaffoldFiles(input: ScaffoldInput): Map<string, string> {
  const prefix = input.id.split('.').pop()!;
  const q = (s: string) => JSON.stringify(s);
  const methods = STUB_METHODS[input.category];
  const files = new Map<string, string>();
  files.set(
    'package.json',
    `${JSON.stringify(
      {
        name: input.id,
        version: '0.1.0',
        private: true,
        type: 'module',
        license: 'Apache-2.0',
        scripts: {
          build: 'tsc -p tsconfig.json',
          test: 'vitest run',
          pack: 'tsc -p tsconfig.json && chassis car pack . --bundle-deps',
        },
        dependencies: {},
        devDependencies: { '@chassis/kernel': '^0.1.0', typescript: '~5.9.3', vitest: '^4.1.12' },
      },
      null,
      2,
    )}\n`,
  );
  files.set(
    'tsconfig.json',
    `${JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: true,
          rootDir: 'src',
          outDir: 'classes',
          types: [],
        },
        include: ['src'],
        exclude: ['src/**/*.spec.ts'],
      },
      null,
      2,
    )}\n`,
  );
  files.set('.gitignore', 'node_modules/\nclasses/\n*.car\n');
  files.set(
    'LICENSE',
    `Copyright the ${input.vendor} authors.\n\nLicensed under the Apache License, Version 2.0 (the "License");\nyou may not use this file except in compliance with the License.\nYou may obtain a copy of the License at\n\n    http://www.apache.org/licenses/LICENSE-2.0\n`,
  );
  files.set(
    'driver.yaml',
    [
      `id: ${q(input.id)}`,
      `name: ${q(input.name)}`,
      'version: 0.1.0',
      `vendor: ${q(input.vendor)}`,
      'license: Apache-2.0',
      `category: ${input.category}`,
      'entry: classes/index.js',
      'engines: { chassis: "^1.0.0" }',
      'isolation: worker            # in-process | worker | process',
      'provides:',
      `  - point: ${q(input.point)}`,
      '    version: "^1.0.0"',
      'requires: []',
      'properties:',
      ...(
        [
          ['url', 'string', true, false],
          ['username', 'string', true, false],
          ['password', 'string', true, true],
        ] as const
      ).flatMap(([key, type, required, secret]) => [
        `  - key: ${key}`,
        `    labelKey: ${prefix}.${key}.label`,
        `    descriptionKey: ${prefix}.${key}.description`,
        `    type: ${type}`,
        `    required: ${required}`,
        ...(secret ? ['    secret: true'] : ['    maxLength: 255']),
      ]),
      '',
    ].join('\n'),
  );
  files.set(
    'resources/messages/en.json',
    `${JSON.stringify(
      {
        [`${prefix}.url.label`]: 'Management URL',
        [`${prefix}.url.description`]:
          'Address of the device management API, e.g. https://10.0.0.10',
        [`${prefix}.username.label`]: 'User name',
        [`${prefix}.username.description`]: 'Account the driver signs in with',
        [`${prefix}.password.label`]: 'Password',
        [`${prefix}.password.description`]: 'Password of that account (stored encrypted)',
      },
      null,
      2,
    )}\n`,
  );
  files.set(
    'src/index.ts',
    [
      "import type { DriverContext, DriverDefinition, OperationContext } from '@chassis/kernel';",
      '',
      `/** ${input.name}: implements \`${input.point}\`. Chassis loads this default export. */`,
      'export default {',
      '  async start(ctx: DriverContext) {',
      "    ctx.logger.info('driver started');",
      '  },',
      '  provides: {',
      `    ${q(input.point)}: {`,
      ...methods.flatMap(([name, body]) => [
        `      async ${name}(ctx: OperationContext, ..._args: unknown[]): Promise<unknown> {`,
        '        void ctx;',
        `        ${body}`,
        '      },',
      ]),
      '    },',
      '  },',
      '} satisfies DriverDefinition;',
      '',
    ].join('\n'),
  );
  files.set(
    'src/index.spec.ts',
    [
      "import { describe, expect, it } from 'vitest';",
      "import driver from './index.js';",
      '',
      `describe(${q(input.name)}, () => {`,
      `  it('implements ${input.point}', () => {`,
      `    const impl = driver.provides[${q(input.point)}];`,
      ...methods.map(([name]) => `    expect(typeof impl.${name}).toBe('function');`),
      '  });',
      '});',
      '',
    ].join('\n'),
  );
  return files;
}
