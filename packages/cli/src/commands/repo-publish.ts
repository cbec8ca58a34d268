import { readFile } from 'node:fs/promises';
import { ChassisError } from '@chassis/kernel/errors';
import type { CarVerifier } from '@chassis/repository';
import type { Command } from 'commander';
import { repository } from './lazy.js';
import { collect, io } from './repo-shared.js';

/** Registers the publisher's side of `chassis repo`: `init`, `add`, `index`, `revocations` and `serve`. */
export function registerRepoPublishCommands(repo: Command): void {
  repo
    .command('init')
    .description('Create an empty repository in <dir>, with its signing keys in --keys')
    .argument('<dir>', 'repository folder (what gets published)')
    .requiredOption('--keys <dir>', 'private keys folder, outside the repository')
    .option('--json', 'print JSON')
    .action(async (dir: string, opts: { keys: string; json?: boolean }, cmd: Command) => {
      const { initRepository } = await repository();
      const r = await initRepository(dir, { keysDir: opts.keys });
      const { out } = io(cmd);
      if (opts.json) return out(JSON.stringify(r));
      out(`Created repository ${dir}`);
      out(`  trusted root  ${r.rootFile}  (give this file to operators)`);
      for (const [role, id] of Object.entries(r.keyIds)) out(`  ${role.padEnd(12)}  ${id}`);
      out(`Keep ${opts.keys} private and out of the published folder.`);
    });

  repo
    .command('add')
    .description('Verify CARs and publish them (all or nothing), then re-sign the metadata')
    .argument('<dir>', 'repository folder')
    .argument('<car...>', 'CAR files')
    .requiredOption('--keys <dir>', 'private keys folder')
    .option('--ca <file>', 'project CA certificate: also require a trusted vendor signature')
    .option('--revocations <file>', 'signed revocation list (with --ca)')
    .option(
      '--allow-unsigned <id>',
      'driver id allowed unsigned (with --ca; repeatable)',
      collect,
      [],
    )
    .option('--json', 'print JSON')
    .action(
      async (
        dir: string,
        cars: string[],
        opts: {
          keys: string;
          ca?: string;
          revocations?: string;
          allowUnsigned: string[];
          json?: boolean;
        },
        cmd: Command,
      ) => {
        const { addCars, verifyCarTrust } = await repository();
        let verify: CarVerifier | undefined;
        if (opts.ca) {
          const caPem = await readFile(opts.ca, 'utf8');
          const revocations = opts.revocations
            ? await readFile(opts.revocations, 'utf8')
            : undefined;
          verify = async (file) => {
            await verifyCarTrust(file, {
              caPem,
              allowUnsigned: opts.allowUnsigned,
              ...(revocations === undefined ? {} : { revocations }),
            });
          };
        } else if (opts.revocations || opts.allowUnsigned.length) {
          throw new ChassisError(
            'CHASSIS_E_CLI_USAGE',
            '--revocations and --allow-unsigned need --ca',
          );
        }
        const r = await addCars(dir, cars, { keysDir: opts.keys, ...(verify ? { verify } : {}) });
        const { out } = io(cmd);
        if (opts.json)
          return out(JSON.stringify({ added: r.added, targetsVersion: r.targetsVersion }));
        for (const d of r.added) out(`published ${d.id}@${d.version}  ${d.path}`);
        out(
          `targets v${r.targetsVersion}, snapshot v${r.snapshotVersion}, timestamp v${r.timestampVersion}`,
        );
      },
    );

  repo
    .command('index')
    .description('Regenerate and re-sign the metadata from cars/ (also renews expiry)')
    .argument('<dir>', 'repository folder')
    .requiredOption('--keys <dir>', 'private keys folder')
    .option('--json', 'print JSON')
    .action(async (dir: string, opts: { keys: string; json?: boolean }, cmd: Command) => {
      const { indexRepository } = await repository();
      const r = await indexRepository(dir, { keysDir: opts.keys });
      const { out } = io(cmd);
      if (opts.json) return out(JSON.stringify(r));
      out(
        `${r.drivers.length} driver version(s); targets v${r.targetsVersion}, timestamp v${r.timestampVersion}`,
      );
    });

  repo
    .command('revocations')
    .description(
      "Publish the CA's signed revocation list (the CA folder's revocations.json) as a TUF target; servers refresh it with every update check",
    )
    .argument('<dir>', 'repository folder')
    .argument('<file>', 'signed revocation list (ca revoke writes it)')
    .requiredOption('--keys <dir>', 'private keys folder')
    .option('--ca <file>', 'project CA certificate: the list must verify with it')
    .option('--json', 'print JSON')
    .action(
      async (
        dir: string,
        file: string,
        opts: { keys: string; ca?: string; json?: boolean },
        cmd: Command,
      ) => {
        const { publishRevocations } = await repository();
        const caPem = opts.ca ? await readFile(opts.ca, 'utf8') : undefined;
        const r = await publishRevocations(dir, file, {
          keysDir: opts.keys,
          ...(caPem ? { caPem } : {}),
        });
        const { out } = io(cmd);
        if (opts.json) return out(JSON.stringify(r));
        out(
          `published revocation list v${r.revocationsVersion}; targets v${r.targetsVersion}, timestamp v${r.timestampVersion}`,
        );
      },
    );

  repo
    .command('serve')
    .description('Serve a repository folder over HTTP (tests and demos)')
    .argument('<dir>', 'repository folder')
    .option('--port <n>', 'port (0 = any)', (v) => Number.parseInt(v, 10), 8080)
    .option('--host <addr>', 'bind address', '127.0.0.1')
    .action(async (dir: string, opts: { port: number; host: string }, cmd: Command) => {
      const { serveRepository } = await repository();
      const server = await serveRepository(dir, { port: opts.port, host: opts.host });
      io(cmd).out(`Serving ${dir} at ${server.url} (Ctrl-C to stop)`);
      await new Promise<void>((resolve) => {
        const stop = () => void server.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
