import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ChassisError } from '@chassis/kernel';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorBody } from './errors.js';

/**
 * Errors raised before a route runs (the HTTP parser, the router) and at `listen`: they get
 * `CHASSIS_E_*` codes and the admin API's JSON error shape too, instead of fastify's own bodies.
 */

/** The raw HTTP response written on a socket the parser refused (no fastify reply exists). */
export function rawErrorResponse(status: number, payload: ErrorBody): string {
  const json = JSON.stringify(payload);
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(json)}`,
    'Connection: close',
    '',
    json,
  ].join('\r\n');
}

/** What a parser error (`clientError`) answers, or `undefined` when nothing can be sent. */
export function clientErrorResponse(
  err: NodeJS.ErrnoException,
): { status: number; body: ErrorBody } | undefined {
  if (err.code === 'ECONNRESET') return undefined;
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    return {
      status: 431,
      body: {
        code: 'CHASSIS_E_ADMIN_HEADERS_TOO_LARGE',
        message:
          'The request line and headers are over the server limit (a very long URL counts too); send fewer or shorter headers.',
        details: { reason: err.code },
      },
    };
  }
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return {
      status: 408,
      body: {
        code: 'CHASSIS_E_ADMIN_BAD_REQUEST',
        message: 'The request was not received in time; send it again.',
        details: { reason: err.code },
      },
    };
  }
  return {
    status: 400,
    body: {
      code: 'CHASSIS_E_ADMIN_BAD_REQUEST',
      message: 'The request is not valid HTTP.',
      details: err.code ? { reason: err.code } : {},
    },
  };
}

/** fastify `clientErrorHandler`: a typed JSON answer, then the connection is closed. */
export function onClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  const answer = socket.destroyed ? undefined : clientErrorResponse(err);
  if (!answer) return;
  if (socket.writable) {
    socket.end(rawErrorResponse(answer.status, answer.body));
  } else {
    socket.destroy(err);
  }
}

/** fastify `frameworkErrors`: router errors (a path segment over `maxParamLength`, a bad URL). */
export function onFrameworkError(
  err: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const path = request.url.split('?')[0] ?? '';
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void reply
      .status(414)
      .type('application/json')
      .send({
        code: 'CHASSIS_E_ADMIN_URL_TOO_LONG',
        message: `A path segment of ${path.slice(0, 80)}… is over the length cap; use a shorter id.`,
        details: { reason: err.code, length: path.length },
      } satisfies ErrorBody);
    return;
  }
  void reply
    .status(400)
    .type('application/json')
    .send({
      code: 'CHASSIS_E_ADMIN_BAD_REQUEST',
      message: err.message,
      details: err.code ? { reason: err.code } : {},
    } satisfies ErrorBody);
}

/** A `listen` failure as a typed error: `EADDRINUSE` names the address to free or change. */
export function listenError(err: unknown, host: string, port: number): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return new ChassisError(
      'CHASSIS_E_ADMIN_PORT_IN_USE',
      `The admin address ${host}:${port} is already in use by another process; stop it or choose another port`,
      { details: { host, port }, cause: err },
    );
  }
  return err;
}
