import type { CarInspection } from '@chassis/car';
import { type Command, Option } from 'commander';
import { car as loadCar } from './lazy.js';

/**
 * The `chassis car` command, created on first use. Other areas add their own sub-commands
 * (e.g. `car sign`) through this function, in their own files, in any order.
 */
export function carCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'car') ??
    program
      .command('car')
      .description('Build, inspect and verify CAR driver archives (Chassis ARchive)')
  );
}

/** Writes to the stdout `runCli` configured on the root command (subcommands do not inherit it). */
function print(cmd: Command, text: string): void {
  let root = cmd;
  while (root.parent) root = root.parent;
  const write = root.configureOutput().writeOut ?? ((s: string) => process.stdout.write(s));
  write(text.endsWith('\n') ? text : `${text}\n`);
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Registers `chassis car pack|inspect|verify|init`. */
export function registerCarCommands(program: Command): void {
  const car = carCommand(program);

  car
    .command('pack')
    .description('Validate a driver project folder, write MANIFEST.MF and pack a reproducible CAR')
    .argument('<dir>', 'driver project folder (driver.yaml, LICENSE, classes/, resources/, lib/)')
    .option('-o, --out <file>', 'output file (default: <dir>/<id>-<version>.car)')
    .option('--bundle-deps', "copy package.json's production dependencies into lib/")
    .option('--json', 'print the result as JSON')
    .action(
      async (
        dir: string,
        opts: { out?: string; bundleDeps?: boolean; json?: boolean },
        cmd: Command,
      ) => {
        const { packCar } = await loadCar();
        const result = await packCar(dir, {
          ...(opts.out ? { out: opts.out } : {}),
          bundleDependencies: opts.bundleDeps === true,
        });
        const { id, version } = result.descriptor;
        print(
          cmd,
          opts.json
            ? json({ file: result.file, id, version, sha256: result.sha256 })
            : `Packed ${id}@${version} → ${result.file}\nsha256 ${result.sha256}`,
        );
      },
    );

  car
    .command('inspect')
    .description(
      'Show metadata, provides/requires, properties, files and signature status of a CAR',
    )
    .argument('<file>', 'CAR file')
    .option('--json', 'print the inspection as JSON')
    .action(async (file: string, opts: { json?: boolean }, cmd: Command) => {
      const { formatInspection, inspectCar } = await loadCar();
      const inspection: CarInspection = await inspectCar(file);
      print(cmd, opts.json ? json(inspection) : formatInspection(inspection));
    });

  car
    .command('verify')
    .description(
      'Check a CAR completely (zip safety, MANIFEST.MF digests, driver.yaml); exit 0 when sound',
    )
    .argument('<file>', 'CAR file')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, opts: { json?: boolean }, cmd: Command) => {
      const { verifyCar } = await loadCar();
      const archive = await verifyCar(file);
      const { id, version } = archive.descriptor;
      const signature = archive.signature ? 'signed (not verified here)' : 'unsigned';
      print(
        cmd,
        opts.json
          ? json({
              ok: true,
              file: archive.file,
              id,
              version,
              sha256: archive.sha256,
              files: archive.entries.length,
              signature,
            })
          : `OK ${id}@${version}: ${archive.entries.length} files, sha256 ${archive.sha256}, ${signature}`,
      );
    });

  car
    .command('init')
    .description(
      'Scaffold a new driver project (package.json, tsconfig, driver.yaml, messages, typed stub, test)',
    )
    .argument('<dir>', 'folder to create (must be empty or absent)')
    .requiredOption('--id <id>', 'reverse-DNS driver id, e.g. com.example.flashy')
    .addOption(
      new Option('--category <category>', 'driver category')
        .choices(['network', 'storage', 'hypervisor'])
        .makeOptionMandatory(),
    )
    .option('--name <name>', 'display name')
    .option('--vendor <vendor>', 'vendor name')
    .option('--point <point>', "extension point to implement (default: the category's main one)")
    .action(
      async (
        dir: string,
        opts: {
          id: string;
          category: 'network' | 'storage' | 'hypervisor';
          name?: string;
          vendor?: string;
          point?: string;
        },
        cmd: Command,
      ) => {
        const { initDriverProject } = await loadCar();
        await initDriverProject(dir, {
          id: opts.id,
          category: opts.category,
          ...(opts.name ? { name: opts.name } : {}),
          ...(opts.vendor ? { vendor: opts.vendor } : {}),
          ...(opts.point ? { point: opts.point } : {}),
        });
        print(
          cmd,
          `Created driver project ${opts.id} in ${dir}\nNext: cd ${dir} && pnpm install && pnpm run pack`,
        );
      },
    );
}
