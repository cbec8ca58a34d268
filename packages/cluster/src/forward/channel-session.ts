import {
  ChassisError,
  errorCodeSpec,
  type Logger,
  type SerializedError,
  serializeError,
} from '@chassis/kernel';
import type { WebSocket } from 'ws';
import type { CallerCall, CallerSignals, Connection } from './caller-signals.js';
import { forwardErrors } from './errors.js';
import { type CallFrame, decodeFrame, encodeAnswer, overLimit } from './frames.js';
import type { HmacKey } from './hmac.js';
import type { NonceCache } from './nonce-cache.js';
import { type OwnerContext, runForwardedHealth, runForwardedInvoke } from './owner-call.js';
import {
  type ForwardedHealth,
  type ForwardedInvoke,
  healthProblem,
  invokeProblem,
} from './protocol.js';
import { signAnswer, verifyRequest } from './signing.js';

/** What every session of one channel server shares. */
export interface SessionContext {
  readonly memberId: string;
  readonly secret: HmacKey;
  readonly owner: OwnerContext;
  readonly callers: CallerSignals;
  readonly nonces: NonceCache;
  readonly windowMs: number;
  readonly now: () => number;
  readonly log: Logger;
  /** True once the server is closing: new calls are refused as retryable. */
  readonly closing: () => boolean;
}

/** One caller's connection, as the owner serves it. */
export interface Session extends Connection {
  /** Resolves once no call runs on it (the server's close waits for this). */
  idle(): Promise<void>;
  /** Ends the connection (`code` 1001 when the server goes away). */
  close(code: number, why: string): void;
}

type Outcome = { ok: true; result: unknown } | { ok: false; error: unknown };

/**
 * Serves the frames of one WebSocket connection: each `call` is verified (signature, window,
 * nonce), run through the owner's compartment (`runForwardedInvoke` / `runForwardedHealth`)
 * with the call's own signal, and answered with a signed `answer` frame of the same id; a
 * `cancel` aborts that call; the connection's close aborts the calls still running on it.
 * Calls run concurrently: per-resource order is the compartment's. `maxAnswerBytes` is the
 * smaller of this server's cap and the one the caller announced, so a too large answer is
 * refused here with a typed error rather than ending the caller's connection.
 */
export function serveSession(
  ws: WebSocket,
  ctx: SessionContext,
  maxBodyBytes: number,
  maxAnswerBytes: number,
  remote: string | undefined,
): Session {
  const { memberId, log } = ctx;
  const session: Session = {
    closed: false,
    idle: () => ctx.callers.idle(session),
    once: (event, listener) => ws.once(event, listener),
    close: (code, why) => ws.close(code, why),
  };
  ws.once('close', () => {
    (session as { closed: boolean }).closed = true;
  });
  // A frame that breaks the WebSocket protocol (unmasked, oversized, bad UTF-8 in a close
  // reason) ends the connection with an `error` event first: without a listener the event
  // would be thrown, and any peer able to connect could stop this member.
  ws.on('error', (err) => {
    log.warn(
      { remote, err: { message: err.message } },
      `member ${memberId}: channel connection error`,
    );
  });

  const answer = (id: number, nonce: string, value: Outcome) => {
    let status = 200;
    let text: string;
    try {
      if (value.ok) text = JSON.stringify(value);
      else {
        const error = serializeError(value.error);
        status = errorCodeSpec(error.code).status;
        text = JSON.stringify({ ok: false, error });
      }
    } catch (err) {
      const e = new ChassisError(
        'CHASSIS_E_CLUSTER_FORWARD_FAILED',
        `member ${memberId}: the answer is not JSON-serialisable (${(err as Error).message}); the call ran`,
        { details: { owner: memberId, ambiguous: true } },
      );
      status = 502;
      text = refusalBody(e);
    }
    if (overLimit(text, maxAnswerBytes)) {
      const e = forwardErrors.tooLarge('answer', maxAnswerBytes, memberId);
      status = e.status;
      text = refusalBody(e);
    }
    if (ws.readyState !== ws.OPEN) return;
    ws.send(encodeAnswer(id, status, text, (body) => signAnswer(ctx.secret, status, nonce, body)));
  };

  const run = async (frame: CallFrame) => {
    const { id } = frame;
    const checked = verifyRequest({
      secret: ctx.secret,
      fields: frame,
      body: frame.body,
      now: ctx.now(),
      windowMs: ctx.windowMs,
      seen: (n, ts) => ctx.nonces.seen(n, ts),
    });
    if (!checked.ok) {
      const err = forwardErrors.auth(checked.reason, memberId, frame.member.slice(0, 200));
      log.warn({ reason: checked.reason, remote }, err.message);
      answer(id, frame.nonce, { ok: false, error: err });
      return;
    }
    ctx.nonces.record(checked.nonce, checked.timestamp, ctx.now());
    let caller: CallerCall | undefined;
    try {
      if (frame.body.length > maxBodyBytes)
        throw forwardErrors.tooLarge('request', maxBodyBytes, memberId);
      const invoke = frame.operation === 'invoke';
      if (!invoke && frame.operation !== 'health')
        throw forwardErrors.badRequest(memberId, `operation ${frame.operation.slice(0, 50)}`);
      let body: unknown;
      try {
        body = JSON.parse(frame.body.toString('utf8'));
      } catch {
        // Not JSON: refused as malformed below (the parse error itself adds nothing).
        body = undefined;
      }
      const problem = invoke ? invokeProblem(body) : healthProblem(body);
      if (problem) throw forwardErrors.badRequest(memberId, problem);
      const call = body as ForwardedInvoke | ForwardedHealth;
      if (ctx.closing())
        throw forwardErrors.notOwner(memberId, call.resource, 'it is shutting down');
      caller = ctx.callers.begin(session, id, call.resource, call.deadline);
      if (caller === undefined) throw forwardErrors.badRequest(memberId, `id ${id} (in use)`);
      const result = invoke
        ? await runForwardedInvoke(ctx.owner, call as ForwardedInvoke, caller.signal)
        : await runForwardedHealth(ctx.owner, call as ForwardedHealth, caller.signal);
      answer(id, checked.nonce, { ok: true, result });
    } catch (err) {
      answer(id, checked.nonce, { ok: false, error: err });
    } finally {
      if (caller !== undefined) ctx.callers.end(caller);
    }
  };

  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const frame = decodeFrame(isBinary ? data : Buffer.from(data));
    if (frame.kind === 'call') void run(frame);
    else if (frame.kind === 'cancel') ctx.callers.cancel(session, frame.id);
    else {
      // Nothing to answer to: a peer that speaks another protocol is told so and let go.
      const why = frame.kind === 'malformed' ? frame.why : `a frame of kind ${frame.kind}`;
      log.warn({ remote, why }, `member ${memberId}: malformed channel frame`);
      ws.close(1002, `malformed frame (${why})`.slice(0, 120));
    }
  });
  return session;
}

/** The JSON body of a refusal: `{ ok: false, error }` with the error serialised. */
export function refusalBody(e: ChassisError): string {
  const error: SerializedError = serializeError(e);
  return JSON.stringify({ ok: false, error });
}
