import { ChassisError } from '@chassis/kernel';
import type { SignatureRefusal } from './signing.js';

/** The typed errors of the inter-server channel, one constructor per situation. */
export const forwardErrors = {
  /** A request the channel refuses as unauthenticated (never says which secret was expected). */
  auth(reason: SignatureRefusal, memberId: string, from?: string): ChassisError {
    const why: Record<SignatureRefusal, string> = {
      missing: 'it carries no cluster signature headers',
      malformed: 'its signature headers are malformed',
      expired:
        'its timestamp is older than the acceptance window (check the clocks of both members)',
      future:
        'its timestamp lies ahead of the acceptance window (check the clocks of both members)',
      'bad-signature':
        'its signature does not match (is every member configured with the same cluster secret?)',
      replayed: 'its nonce was already used (a replayed request)',
    };
    return new ChassisError(
      'CHASSIS_E_CLUSTER_AUTH',
      `member ${memberId} refused an inter-server request: ${why[reason]}`,
      { details: { member: memberId, reason, ...(from === undefined ? {} : { from }) } },
    );
  },

  /** This member neither owns nor hosts the resource a peer forwarded a call for. */
  notOwner(memberId: string, resourceId: string, why: string): ChassisError {
    return new ChassisError(
      'CHASSIS_E_CLUSTER_NOT_OWNER',
      `member ${memberId} does not own resource "${resourceId}" (${why}); the caller's view of ownership is stale, retry after it refreshes`,
      { details: { member: memberId, resourceId, retryable: true } },
    );
  },

  tooLarge(where: 'request' | 'answer', limit: number, peer: string): ChassisError {
    return new ChassisError(
      'CHASSIS_E_CLUSTER_PAYLOAD_TOO_LARGE',
      `the forwarded ${where} exchanged with member ${peer} is over the channel cap of ${limit} bytes; send smaller arguments or raise maxBodyBytes on every member`,
      { details: { where, maxBodyBytes: limit, peer } },
    );
  },

  badRequest(memberId: string, field: string): ChassisError {
    return new ChassisError(
      'CHASSIS_E_CLUSTER_BAD_REQUEST',
      `member ${memberId} received a signed but malformed inter-server request (field "${field}"); check that every member runs the same Chassis version`,
      { details: { member: memberId, field } },
    );
  },

  /**
   * The call could not be delivered, or its answer was lost or unreadable. `ambiguous` when
   * the request had been sent in full: the owner may have run it.
   */
  forwardFailed(
    owner: string,
    url: string,
    what: string,
    ambiguous: boolean,
    cause?: unknown,
  ): ChassisError {
    return new ChassisError(
      'CHASSIS_E_CLUSTER_FORWARD_FAILED',
      `forwarding to member ${owner} (${url}) failed: ${what}${ambiguous ? '; the request had been sent, so the owner may have run it: check before retrying' : '; the owner did not receive it, a retry is safe'}`,
      {
        details: { owner, url, ambiguous, ...(ambiguous ? {} : { retryable: true }) },
        ...(cause === undefined ? {} : { cause }),
      },
    );
  },

  /** A lifecycle call on a forwarding handle: only the owner runs a driver for its resources. */
  lifecycleRefused(op: string, resourceId: string, owner: string): ChassisError {
    return new ChassisError(
      'CHASSIS_E_CLUSTER_NOT_OWNER',
      `${op} is not forwarded: resource "${resourceId}" is owned by member ${owner}, which alone runs the driver's lifecycle for it`,
      { details: { resourceId, owner, operation: op } },
    );
  },
};
