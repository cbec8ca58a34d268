import type { Command } from 'commander';
import { printer } from './ca.js';
import { repository } from './lazy.js';

/**
 * Adds `chassis car sign <car> --key <pem> --cert <pem> [-o out]` to the `car` command (made by
 * `registerCarCommands`; created here when absent so the order of registration cannot break it).
 */
export function registerSignCommand(program: Command): void {
  const car =
    program.commands.find((c) => c.name() === 'car') ??
    program.command('car').description('Driver archives (CAR)');
  car
    .command('sign')
    .description('Sign a CAR: META-INF/SIGNATURE over MANIFEST.MF and META-INF/CERT.pem')
    .argument('<car>', 'the CAR file to sign')
    .requiredOption('--key <pem>', 'vendor private key (PKCS#8 PEM)')
    .requiredOption('--cert <pem>', 'vendor certificate issued by the project CA (PEM)')
    .option('-o, --out <file>', 'write the signed CAR here instead of signing in place')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        file: string,
        opts: { key: string; cert: string; out?: string; json?: boolean },
        cmd,
      ) => {
        const { readPemFile, signCar } = await repository();
        const result = await signCar(file, {
          keyPem: await readPemFile(opts.key, '--key'),
          certPem: await readPemFile(opts.cert, '--cert'),
          ...(opts.out === undefined ? {} : { out: opts.out }),
        });
        const print = printer(cmd);
        if (opts.json) {
          print(JSON.stringify(result));
          return;
        }
        print(`Signed ${result.driverId} → ${result.file}`);
        print(`  signer   ${result.subject} (serial ${result.serial})`);
        print(`  sha256   ${result.sha256}`);
      },
    );
}
