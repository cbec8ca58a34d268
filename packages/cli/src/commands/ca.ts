import { access, writeFile } from 'node:fs/promises';
import { ChassisError } from '@chassis/kernel/errors';
import type { Command } from 'commander';
import { REVOCATION_REASONS, repository } from './lazy.js';

/**
 * Prints to the output configured on the root program (runCli's `stdout` in tests): sub-commands
 * are built before runCli configures the root, so they must look it up at run time.
 */
export function printer(cmd: Command): (line: string) => void {
  let root = cmd;
  while (root.parent) root = root.parent;
  const write = root.configureOutput().writeOut ?? ((s: string) => process.stdout.write(s));
  return (line) => write(`${line}\n`);
}

function days(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) {
    throw new ChassisError('CHASSIS_E_CLI_USAGE', `--days must be a whole number, got "${value}"`);
  }
  return n;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function refuseOverwrite(file: string): ChassisError {
  return new ChassisError(
    'CHASSIS_E_CLI_USAGE',
    `${file} already exists; refusing to overwrite it (choose another --out)`,
    { details: { file } },
  );
}

/** Fails before anything is issued when an output file exists (no orphan key or certificate). */
async function assertAbsent(file: string): Promise<void> {
  const exists = await access(file).then(
    () => true,
    () => false,
  );
  if (exists) throw refuseOverwrite(file);
}

/** Creates `file` only if it does not exist yet (keys are never overwritten). */
async function writeNew(file: string, data: string, mode: number): Promise<void> {
  try {
    await writeFile(file, data, { flag: 'wx', mode });
  } catch (err) {
    throw (err as NodeJS.ErrnoException).code === 'EEXIST' ? refuseOverwrite(file) : err;
  }
}

/** Registers `chassis ca init|issue|revoke`: the project CA that issues vendor certificates. */
export function registerCaCommands(program: Command): void {
  const ca = program
    .command('ca')
    .description('Project certificate authority: vendor code-signing certificates, revocation');

  ca.command('init')
    .description('Create the project root CA in <dir> (ca.pem, ca.key 0600, revocations.json)')
    .argument('<dir>', 'folder for the CA (must not hold a CA yet)')
    .option('--name <name>', 'CA common name', 'Chassis Project Root CA')
    .option('--days <n>', 'validity in days', days, 3650)
    .option('--json', 'print the result as JSON')
    .action(async (dir: string, opts: { name: string; days: number; json?: boolean }, cmd) => {
      const { initCa } = await repository();
      const result = await initCa(dir, { name: opts.name, validDays: opts.days });
      const print = printer(cmd);
      if (opts.json) {
        print(JSON.stringify({ dir, serial: result.serial, fingerprint: result.fingerprint }));
        return;
      }
      print(`Created CA "${opts.name}" in ${dir}`);
      print(`  serial       ${result.serial}`);
      print(`  sha256       ${result.fingerprint}`);
      print(`  valid until  ${result.notAfter.toISOString()}`);
      print('Keep ca.key offline; give ca.pem to operators as the trust anchor.');
    });

  ca.command('issue')
    .description('Issue a vendor code-signing certificate; writes <out>.pem and <out>.key')
    .requiredOption('--ca <dir>', 'CA folder')
    .requiredOption('--vendor <name>', 'vendor name, e.g. "Example Storage Inc."')
    .requiredOption(
      '--id-prefix <prefix>',
      'driver-id prefix the vendor may sign (repeatable)',
      collect,
    )
    .requiredOption('--out <prefix>', 'output path prefix')
    .option('--days <n>', 'validity in days', days, 365)
    .option('--json', 'print the result as JSON')
    .action(
      async (
        opts: {
          ca: string;
          vendor: string;
          idPrefix: string[];
          out: string;
          days: number;
          json?: boolean;
        },
        cmd,
      ) => {
        const certFile = `${opts.out}.pem`;
        const keyFile = `${opts.out}.key`;
        for (const file of [keyFile, certFile]) await assertAbsent(file);
        const { issueVendorCertificate } = await repository();
        const issued = await issueVendorCertificate(opts.ca, {
          vendor: opts.vendor,
          idPrefix: opts.idPrefix,
          validDays: opts.days,
        });
        await writeNew(keyFile, issued.keyPem, 0o600);
        await writeNew(certFile, issued.certPem, 0o644);
        const print = printer(cmd);
        const summary = {
          cert: certFile,
          key: keyFile,
          serial: issued.serial,
          idPrefixes: issued.idPrefixes,
          notAfter: issued.notAfter.toISOString(),
          fingerprint: issued.fingerprint,
        };
        if (opts.json) {
          print(JSON.stringify(summary));
          return;
        }
        print(`Issued a code-signing certificate for "${opts.vendor}"`);
        print(`  certificate  ${certFile}`);
        print(`  private key  ${keyFile} (give it to the vendor; do not keep a copy)`);
        print(`  serial       ${issued.serial}`);
        print(`  id prefixes  ${issued.idPrefixes.join(', ')}`);
        print(`  valid until  ${summary.notAfter}`);
      },
    );

  ca.command('revoke')
    .description('Add a vendor certificate to the signed revocation list')
    .requiredOption('--ca <dir>', 'CA folder')
    .option('--cert <pem>', 'the certificate to revoke (PEM file)')
    .option('--serial <hex>', 'or its serial number')
    .option('--reason <reason>', `one of ${REVOCATION_REASONS.join(', ')}`, 'unspecified')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        opts: { ca: string; cert?: string; serial?: string; reason: string; json?: boolean },
        cmd,
      ) => {
        if ((opts.cert === undefined) === (opts.serial === undefined)) {
          throw new ChassisError('CHASSIS_E_CLI_USAGE', 'Give exactly one of --cert or --serial');
        }
        const { readPemFile, revoke } = await repository();
        const target = opts.cert ? await readPemFile(opts.cert, '--cert') : (opts.serial as string);
        const result = await revoke(opts.ca, target, opts.reason);
        const print = printer(cmd);
        if (opts.json) {
          print(
            JSON.stringify({
              serial: result.serial,
              changed: result.changed,
              version: result.list.signed.version,
            }),
          );
          return;
        }
        print(
          result.changed
            ? `Revoked ${result.serial} (${opts.reason}); revocation list is now version ${result.list.signed.version}`
            : `${result.serial} was already revoked; revocation list unchanged (version ${result.list.signed.version})`,
        );
        print('Publish the updated revocations.json with the repository metadata.');
      },
    );
}
