import 'reflect-metadata';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import {
  ChassisError,
  type KernelConfig,
  parseKernelConfig,
  serializeError,
} from '@chassis/kernel';
import { type CliOptions, parseCli, USAGE, UsageError } from './args.js';
import { createDemoResources, runDemo } from './demo.js';
import { heading } from './format.js';
import { DEFAULT_DATA_DIR } from './paths.js';
import { type ExampleServerOptions, startExampleServer } from './server.js';
import type { TrustOptions } from './trust.js';
import { watchUpdates } from './update-notices.js';

const print = (line: string): void => console.log(line);

/** The kernel configuration file, parsed and validated (`CHASSIS_E_CONFIG_*` otherwise). */
async function readConfig(file: string): Promise<KernelConfig> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new ChassisError(
      'CHASSIS_E_CONFIG_PARSE',
      `Cannot read the configuration file ${file}: ${err.code ?? err.message}`,
      {
        details: { file },
      },
    );
  });
  return parseKernelConfig(text, /\.json$/i.test(file) ? 'json' : 'yaml', file);
}

/** The server options the command line gives (both modes). */
async function serverOptions(options: CliOptions): Promise<ExampleServerOptions> {
  const trust: TrustOptions = {
    ...(options.ca ? { ca: options.ca } : {}),
    ...(options.revocations ? { revocations: options.revocations } : {}),
    ...(options.allowUnsigned ? { allowUnsigned: options.allowUnsigned } : {}),
  };
  return {
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.repositoryDir ? { repositoryDir: options.repositoryDir } : {}),
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    ...(options.tufRepository && options.trustedRoot
      ? { tuf: { url: options.tufRepository, trustedRoot: options.trustedRoot } }
      : {}),
    ...(options.verifyLock ? { verifyLock: options.verifyLock } : {}),
    ...(options.configFile ? { config: await readConfig(options.configFile) } : {}),
    trust,
  };
}

/**
 * `serve`: binds the admin port (when asked) before any driver starts, so a port in use fails
 * the start at once with `CHASSIS_E_ADMIN_PORT_IN_USE`; then starts (restoring what the data
 * directory holds) and runs until a signal.
 */
async function serve(options: CliOptions): Promise<void> {
  let closeAdmin = async (): Promise<void> => {};
  let adminUrl: string | undefined;
  let dataDir = '';
  const beforeStart =
    options.adminPort === undefined
      ? undefined
      : async (runtime: Parameters<NonNullable<ExampleServerOptions['beforeStart']>>[0]) => {
          const { serveAdmin } = await import('./admin.js');
          const { admin, url } = await serveAdmin(
            runtime,
            dataDir,
            options.adminPort!,
            print,
            options.adminTokens,
          );
          closeAdmin = () => admin.close();
          adminUrl = url;
        };
  const base = await serverOptions(options);
  dataDir = base.dataDir ?? DEFAULT_DATA_DIR;
  const ex = await startExampleServer({ ...base, ...(beforeStart ? { beforeStart } : {}) }).catch(
    async (err: unknown) => {
      // The admin server is up only if the failure came after it was bound.
      await closeAdmin();
      throw err;
    },
  );
  let updates: { stop(): void } | undefined;
  try {
    print(heading('Resources'));
    await createDemoResources(ex.runtime, print, { installedOnly: true });
    if (ex.repository) {
      print(heading('Updates'));
      const interval = options.updateIntervalSeconds;
      updates = watchUpdates(ex.runtime, print, interval ? interval * 1000 : undefined);
    }
    if (adminUrl) {
      print(heading(`Admin API and web UI on ${adminUrl}/ (token in ${ex.dataDir}/admin-token)`));
    }
    print(
      `\nRunning with data in ${ex.dataDir} (install lock ${ex.lockFile}); press Ctrl-C to stop.`,
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
  } finally {
    // Also on a failed start: the drivers' workers must end.
    updates?.stop();
    print(heading('Stop (exact reverse of the start order)'));
    await closeAdmin();
    await ex.stop();
    await ex.lockWritten();
  }
}

/** The command line: `demo` (default) or `serve`; exit code 0 only when everything worked. */
export async function main(argv: readonly string[], env = process.env): Promise<number> {
  let options: CliOptions;
  try {
    // `pnpm run <script> -- args` passes the `--` on.
    options = parseCli(
      argv.filter((a) => a !== '--'),
      env,
    );
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (options.mode === 'help') {
    print(USAGE);
    return 0;
  }
  if (options.mode === 'serve') {
    await serve(options);
    return 0;
  }
  const result = await runDemo(await serverOptions(options));
  return result.errors.length === 0 ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // `... | head` closes the pipe early: that is the reader being done, not a failure.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      const e = serializeError(err);
      console.error(`example management server failed: ${e.code} ${e.message}`);
      process.exitCode = 1;
    },
  );
}
