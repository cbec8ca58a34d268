import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { isMetadataFileName, isTargetFileName } from './layout.js';

/** Options of {@link serveRepository}. */
export interface ServeOptions {
  /** Port (0 = any free port). */
  readonly port?: number;
  /** Bind address; loopback by default. */
  readonly host?: string;
}

/** A running repository server. */
export interface RepositoryServer {
  /** Base URL with a trailing slash, e.g. `http://127.0.0.1:43121/`. */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

/** Only metadata names and target files (plain or hash-prefixed) are served; anything else is a 404. */
function servable(path: string): boolean {
  return isMetadataFileName(path) || isTargetFileName(path);
}

/**
 * Serves a repository folder read-only over HTTP (for tests, demos and small sites; put a real
 * web server or object store in front for production). Clients verify everything with TUF, so
 * the server is untrusted by design.
 */
export async function serveRepository(
  dir: string,
  options: ServeOptions = {},
): Promise<RepositoryServer> {
  const server = createServer((req, res) => {
    let path = '';
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    } catch {
      // Malformed escapes fall through to the 404 below.
    }
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !servable(path)) {
      res.writeHead(req.method === 'GET' || req.method === 'HEAD' ? 404 : 405).end();
      return;
    }
    const file = join(dir, path);
    stat(file).then(
      (st) => {
        if (!st.isFile()) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, {
          'content-length': st.size,
          'content-type': path.endsWith('.json') ? 'application/json' : 'application/octet-stream',
          'cache-control': path.startsWith('cars/')
            ? 'public, max-age=31536000, immutable'
            : 'no-cache',
        });
        if (req.method === 'HEAD') {
          res.end();
          return;
        }
        createReadStream(file)
          .on('error', () => res.destroy())
          .pipe(res);
      },
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}/`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
