import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ChassisError } from '@chassis/kernel';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** The parsed body of a CAR upload: where it was written. */
export interface UploadedCar {
  readonly uploadPath: string;
  readonly bytes: number;
}

function tooLarge(limit: number): ChassisError {
  return new ChassisError(
    'CHASSIS_E_ADMIN_PAYLOAD_TOO_LARGE',
    `The uploaded CAR is over the ${limit}-byte cap; raise uploadLimit or install from a repository.`,
    { details: { limit } },
  );
}

/**
 * Streams `application/octet-stream` bodies (CAR uploads) to a private temp directory instead of
 * memory, refusing them past `limit` bytes (by Content-Length up front, and by counting). The
 * directory is removed once the response is sent, whatever the outcome.
 */
export function installCarUploadParser(
  app: FastifyInstance,
  limit: number,
  /** Parent of the temp directories; the runtime's swept `uploadDir` when it has one. */
  tmpRoot: string = tmpdir(),
): void {
  app.addContentTypeParser(
    'application/octet-stream',
    async (request: FastifyRequest, payload: NodeJS.ReadableStream) => {
      const declared = Number(request.headers['content-length']);
      if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
      const dir = await mkdtemp(path.join(tmpRoot, 'chassis-upload-'));
      request.uploadDir = dir;
      const file = path.join(dir, 'upload.car');
      let bytes = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          bytes += chunk.length;
          done(bytes > limit ? tooLarge(limit) : null, chunk);
        },
      });
      await pipeline(payload, counter, createWriteStream(file, { mode: 0o600 }));
      return { uploadPath: file, bytes } satisfies UploadedCar;
    },
  );
  const cleanup = async (request: FastifyRequest): Promise<void> => {
    if (request.uploadDir) {
      const dir = request.uploadDir;
      request.uploadDir = undefined;
      await rm(dir, { recursive: true, force: true });
    }
  };
  app.addHook('onResponse', cleanup);
  app.addHook('onRequestAbort', cleanup);
}

/** True when `body` came from {@link installCarUploadParser}. */
export function isUploadedCar(body: unknown): body is UploadedCar {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as UploadedCar).uploadPath === 'string'
  );
}
