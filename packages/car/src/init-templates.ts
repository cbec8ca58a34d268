import { SCAFFOLD_POINTS, type ScaffoldPoint, typeNames } from './init-operations.js';
import { SCAFFOLD_PROPERTIES, type ScaffoldProperty } from './init-properties.js';
import { driverSourceFiles } from './init-sources.js';

/** What the scaffold templates need. */
export interface ScaffoldInput {
  readonly id: string;
  readonly name: string;
  readonly vendor: string;
  readonly category: 'network' | 'storage' | 'hypervisor';
  readonly point: string;
  /** The range of the `@chassis/*` packages the project depends on, e.g. `^0.1.0`. */
  readonly chassisRange: string;
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/** Every file of a new driver project, path → text. Deterministic for the same input. */
export function scaffoldFiles(input: ScaffoldInput): Map<string, string> {
  const prefix = input.id.split('.').pop()!;
  const point: ScaffoldPoint | undefined = SCAFFOLD_POINTS[input.point];
  const props = SCAFFOLD_PROPERTIES[input.category];
  const files = new Map<string, string>();
  const contract = point?.contractPackage ?? `@chassis/${input.category}`;
  files.set(
    'package.json',
    json({
      name: input.id,
      version: '0.1.0',
      private: true,
      type: 'module',
      license: 'Apache-2.0',
      scripts: {
        build: 'tsc -p tsconfig.build.json',
        typecheck: 'tsc -p tsconfig.json',
        test: 'vitest run',
        pack: 'tsc -p tsconfig.build.json && chassis car pack . --bundle-deps',
        dev: 'chassis dev',
      },
      dependencies: {},
      devDependencies: {
        '@chassis/cli': input.chassisRange,
        '@chassis/kernel': input.chassisRange,
        // `chassis dev` runs the driver in a throwaway local server from this package.
        '@chassis/server': input.chassisRange,
        [contract]: input.chassisRange,
        typescript: '~5.9.3',
        vitest: '^4.1.12',
      },
    }),
  );
  files.set(
    'tsconfig.json',
    json({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        skipLibCheck: true,
        noEmit: true,
        types: [],
      },
      include: ['src'],
    }),
  );
  files.set(
    'tsconfig.build.json',
    json({
      extends: './tsconfig.json',
      compilerOptions: { noEmit: false, rootDir: 'src', outDir: 'classes' },
      exclude: ['src/**/*.spec.ts'],
    }),
  );
  files.set('.gitignore', 'node_modules/\nclasses/\n*.car\n.chassis-dev/\n');
  files.set(
    'LICENSE',
    `Copyright the ${input.vendor} authors.\n\nLicensed under the Apache License, Version 2.0 (the "License");\nyou may not use this file except in compliance with the License.\nYou may obtain a copy of the License at\n\n    http://www.apache.org/licenses/LICENSE-2.0\n`,
  );
  files.set('driver.yaml', descriptor(input, prefix, props));
  for (const locale of ['en', 'fr'] as const) {
    files.set(`resources/messages/${locale}.json`, json(messages(prefix, props, locale)));
  }
  files.set(
    'dev.properties.json',
    json(Object.fromEntries(props.map((p) => [p.key, p.sample] as const))),
  );
  for (const [rel, text] of driverSourceFiles(input, point, props, typeNames)) {
    files.set(rel, text);
  }
  files.set('README.md', readme(input, point));
  return files;
}

function descriptor(input: ScaffoldInput, prefix: string, props: readonly ScaffoldProperty[]) {
  const q = (s: string) => JSON.stringify(s);
  return [
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
    ...props.flatMap((p) => [
      `  - key: ${p.key}`,
      `    labelKey: ${prefix}.${p.key.toLowerCase()}.label`,
      `    descriptionKey: ${prefix}.${p.key.toLowerCase()}.description`,
      `    type: ${p.type}`,
      ...(p.required ? ['    required: true'] : []),
      ...(p.default === undefined ? [] : [`    default: ${JSON.stringify(p.default)}`]),
      ...(p.secret ? ['    secret: true'] : p.type === 'string' ? ['    maxLength: 255'] : []),
    ]),
    '',
  ].join('\n');
}

function messages(prefix: string, props: readonly ScaffoldProperty[], locale: 'en' | 'fr') {
  const out: Record<string, string> = {};
  for (const p of props) {
    const [label, description] = p[locale];
    out[`${prefix}.${p.key.toLowerCase()}.label`] = label;
    out[`${prefix}.${p.key.toLowerCase()}.description`] = description;
  }
  return out;
}

function readme(input: ScaffoldInput, point: ScaffoldPoint | undefined): string {
  return [
    `# ${input.name}`,
    '',
    `A Chassis driver (\`${input.id}\`, category \`${input.category}\`) implementing`,
    `\`${input.point}\`${point ? ` (\`${point.contractType}\` from \`${point.contractPackage}\`)` : ''}.`,
    '',
    '## Develop',
    '',
    '```sh',
    'npm install',
    'npm test           # unit tests: operations called through @chassis/kernel/testing',
    'npm run typecheck  # sources and specs',
    'npm run build      # compiles src/ to classes/',
    'npm run pack       # builds and writes the CAR (chassis car pack)',
    'npm run dev        # runs the driver in a local server, hot-swapped on every change',
    '```',
    '',
    '## Run it locally',
    '',
    '`npm run dev` (`chassis dev`) builds the driver, loads it in the tier `driver.yaml` declares',
    'into a throwaway local server, creates resource `dev-1` from `dev.properties.json` (checked',
    "against `driver.yaml`, every problem listed) and prints the driver's logs. Each time you save",
    'a source, it rebuilds and swaps the new build in through the real upgrade path, printing how',
    'long the resource was paused. From another terminal (or at its `dev>` prompt):',
    '',
    '```sh',
    `npx chassis dev call ${point?.sample.operation ?? '<operation>'}`,
    "npx chassis dev call <operation> '[arg1, arg2]'   # JSON: the argument list, or the one argument",
    '```',
    '',
    'The dev CAR is unsigned: only this throwaway server accepts it.',
    '',
    '- `src/index.ts`: the driver. Each operation not written yet throws; the contract type',
    "  (`satisfies`) makes the compiler check every signature against Chassis's.",
    '- `driver.yaml`: id, version, isolation tier, the extension point and the properties an',
    '  operator fills in. Labels and descriptions are in `resources/messages/{en,fr}.json`.',
    '- `dev.properties.json`: a configuration for local runs.',
    '',
    '## Sign and ship',
    '',
    'Sign the CAR with the certificate the project CA issued you (`chassis car sign`), check it as',
    'a server will (`chassis car verify <car> --ca <ca.pem>`), then publish it to a repository',
    '(`chassis repo add`).',
    '',
  ].join('\n');
}
