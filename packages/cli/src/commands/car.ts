import type { CarArchive, CarInspection } from '@chassis/car';
import { ChassisError } from '@chassis/kernel/errors';
import { type Command, Option } from 'commander';
import { canPrompt, promptInit } from './car-init-prompt.js';
import { car as loadCar, repository } from './lazy.js';

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

/** What `car verify --ca` decided: the server's verdict, with who signed. */
interface TrustVerdict {
  readonly subject: string;
  readonly vendor: string;
  readonly serial: string;
  readonly notAfter: string;
  /** "not revoked (list v3)" or "revocations not checked (no --revocations)". */
  readonly revocations: string;
}

/**
 * The server's trust decision for a CAR (`verifyCarTrust`, the same call a server makes):
 * unsigned, a bad signature, a certificate that does not chain to `caFile`, an expired or
 * revoked one or an id outside its prefix fail with their `CHASSIS_E_SIG_*`/`CERT_*` code.
 */
async function verifyTrust(
  archive: CarArchive,
  caFile: string,
  revocationsFile: string | undefined,
): Promise<TrustVerdict> {
  const { readPemFile, verifyCarTrust, verifyRevocationList } = await repository();
  const caPem = await readPemFile(caFile, '--ca');
  const revocations = revocationsFile
    ? await readPemFile(revocationsFile, '--revocations')
    : undefined;
  const list = revocations === undefined ? undefined : verifyRevocationList(caPem, revocations);
  const trust = await verifyCarTrust(archive, {
    caPem,
    ...(revocations === undefined ? {} : { revocations }),
  });
  return {
    subject: trust.subject ?? '',
    vendor: trust.vendor ?? '',
    serial: trust.serial ?? '',
    notAfter: String(trust.notAfter ?? ''),
    revocations: list
      ? `not revoked (list v${list.version})`
      : 'revocations not checked (no --revocations)',
  };
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
      'Check a CAR completely (zip safety, MANIFEST.MF digests, driver.yaml; with --ca the signature, trust chain and revocation too); exit 0 when sound',
    )
    .argument('<file>', 'CAR file')
    .option('--ca <file>', 'project CA certificate: also decide trust as a server would')
    .option('--revocations <file>', "the CA's signed revocation list (with --ca)")
    .option('--json', 'print the result as JSON')
    .action(
      async (
        file: string,
        opts: { ca?: string; revocations?: string; json?: boolean },
        cmd: Command,
      ) => {
        if (opts.revocations && !opts.ca) {
          throw new ChassisError('CHASSIS_E_CLI_USAGE', '--revocations needs --ca');
        }
        const { verifyCar } = await loadCar();
        const archive = await verifyCar(file);
        const { id, version } = archive.descriptor;
        const trust = opts.ca ? await verifyTrust(archive, opts.ca, opts.revocations) : undefined;
        const signature = trust
          ? `signed by "${trust.subject}" (${trust.vendor}), chains to the CA, ${trust.revocations}`
          : archive.signature
            ? 'signed (not verified here; add --ca)'
            : 'unsigned';
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
                ...(trust ? { trust } : {}),
              })
            : `OK ${id}@${version}: ${archive.entries.length} files, sha256 ${archive.sha256}, ${signature}`,
        );
      },
    );

  car
    .command('init')
    .description(
      'Scaffold a new driver project (package.json, tsconfig, driver.yaml, messages, typed stub, test)',
    )
    .argument('<dir>', 'folder to create (must be empty or absent)')
    .option('--id <id>', 'reverse-DNS driver id, e.g. com.example.flashy (asked on a terminal)')
    .addOption(
      new Option('--category <category>', 'driver category (asked on a terminal)').choices([
        'network',
        'storage',
        'hypervisor',
      ]),
    )
    .option('--name <name>', 'display name')
    .option('--vendor <vendor>', 'vendor name')
    .option('--point <point>', "extension point to implement (default: the category's main one)")
    .action(
      async (
        dir: string,
        opts: {
          id?: string;
          category?: 'network' | 'storage' | 'hypervisor';
          name?: string;
          vendor?: string;
          point?: string;
        },
        cmd: Command,
      ) => {
        const { initDriverProject } = await loadCar();
        const answers = (!opts.id || !opts.category) && canPrompt() ? await promptInit(opts) : opts;
        if (!answers.id || !answers.category) {
          cmd.error(
            `error: car init needs --id and --category (${answers.id ? '--category' : '--id'} is missing and there is no terminal to ask on)`,
          );
        }
        await initDriverProject(dir, {
          id: answers.id,
          category: answers.category,
          ...(opts.name ? { name: opts.name } : {}),
          ...(opts.vendor ? { vendor: opts.vendor } : {}),
          ...(answers.point ? { point: answers.point } : {}),
        });
        print(
          cmd,
          `Created driver project ${answers.id} in ${dir}\nNext: cd ${dir} && npm install && npm test && npm run pack`,
        );
      },
    );
}
