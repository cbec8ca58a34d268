import {
  ChassisError,
  type ErrorCode,
  errorCodeSpec,
  type SerializedError,
  serializeError,
} from '@chassis/kernel';
import type { FastifyError, FastifyInstance } from 'fastify';

/** The body of every error response. */
export interface ErrorBody {
  readonly code: string;
  readonly message: string;
  readonly details: Record<string, unknown>;
  /**
   * What caused a typed error (e.g. a failed cluster rollout's health check on a member), as
   * the kernel serialises it (depth-capped): only its typed `CHASSIS_*` part, never a stack.
   */
  readonly cause?: SerializedError;
}

function body(code: ErrorCode, message: string, details: Record<string, unknown> = {}): ErrorBody {
  return { code, message, details };
}

/**
 * The typed part of a cause chain as clients get it: each `CHASSIS_*` cause without its stack
 * (the server log keeps those), cut at the first untyped one (`CHASSIS_E_UNKNOWN`: a library's
 * or the system's own error, whose message may describe internals; the typed error above it already says what to do).
 */
function typedCauses(e: SerializedError): SerializedError | undefined {
  if (!/^CHASSIS_[EW]_/.test(e.code) || e.code === 'CHASSIS_E_UNKNOWN') return undefined;
  const { stack: _stack, cause, ...rest } = e;
  const next = cause ? typedCauses(cause) : undefined;
  return next ? { ...rest, cause: next } : rest;
}

/**
 * Maps anything thrown by a route to `{ status, body }`: ChassisErrors keep their code and the
 * registry's status; fastify's own errors (validation, body size, media type) get admin codes;
 * anything else is a 500 `CHASSIS_E_INTERNAL` whose message reveals nothing of the internals.
 */
export function toErrorResponse(err: unknown): {
  status: number;
  body: ErrorBody;
  internal: boolean;
} {
  if (ChassisError.is(err)) {
    const cause = err.cause === undefined ? undefined : typedCauses(serializeError(err.cause, 1));
    return {
      status: errorCodeSpec(err.code).status,
      body: {
        code: err.code,
        message: err.message,
        details: err.details,
        ...(cause ? { cause } : {}),
      },
      internal: false,
    };
  }
  const fe = err as Partial<FastifyError> & { validation?: unknown[]; validationContext?: string };
  if (Array.isArray(fe.validation)) {
    const violations = fe.validation.map((v) => {
      const e = v as {
        instancePath?: string;
        message?: string;
        params?: unknown;
        keyword?: string;
      };
      return {
        in: fe.validationContext ?? 'body',
        path: e.instancePath ?? '',
        keyword: e.keyword,
        message: e.message ?? 'is invalid',
        params: e.params,
      };
    });
    return {
      status: 400,
      body: body(
        'CHASSIS_E_ADMIN_BAD_REQUEST',
        `The request ${fe.validationContext ?? 'body'} is invalid: ${fe.message ?? ''}`,
        { violations },
      ),
      internal: false,
    };
  }
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status === 413 || fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return {
      status: 413,
      body: body(
        'CHASSIS_E_ADMIN_PAYLOAD_TOO_LARGE',
        'The request body is over the size cap; send a smaller body.',
        {},
      ),
      internal: false,
    };
  }
  if (status === 404) {
    return {
      status: 404,
      body: body('CHASSIS_E_ADMIN_NOT_FOUND', fe.message ?? 'Not found'),
      internal: false,
    };
  }
  if (status >= 400 && status < 500) {
    // Bad JSON, unsupported media type, bad content length...: the client's fault, safe to echo.
    return {
      status: 400,
      body: body(
        'CHASSIS_E_ADMIN_BAD_REQUEST',
        fe.message ?? 'Bad request',
        fe.code ? { reason: fe.code } : {},
      ),
      internal: false,
    };
  }
  return {
    status: 500,
    body: body('CHASSIS_E_INTERNAL', 'An internal error occurred; the server log has the details.'),
    internal: true,
  };
}

/** Installs the JSON error and not-found handlers. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    const { status, body: payload, internal } = toErrorResponse(err);
    if (internal) request.log.error({ err }, 'admin request failed');
    else if (status >= 500) request.log.warn({ code: payload.code }, payload.message);
    return reply.status(status).type('application/json').send(payload);
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .type('application/json')
      .send(
        body(
          'CHASSIS_E_ADMIN_NOT_FOUND',
          `No route ${request.method} ${request.url.split('?')[0]}; see /openapi.json.`,
        ),
      ),
  );
}
