import type { FastifyRequest } from 'fastify';

/**
 * A `preValidation` hook for routes whose JSON body is optional: a request without any body
 * (no content type, nothing sent) is validated as `{}`, so `curl -X POST` and clients written
 * before the body existed keep working, while a body that is sent is still checked in full.
 */
export async function emptyBodyAsObject(req: FastifyRequest): Promise<void> {
  if (req.body === undefined || req.body === null) req.body = {};
}
