import type {
  ClusterMemberInfo,
  ClusterView,
  DriverMemberState,
  MemberDriverState,
} from '@chassis/runtime';

/** The driver the fake cluster's members run. */
const SF = 'com.example.solidfire';

/** A driver version Running, as a member publishes it. */
export const fakeRunningState: MemberDriverState = {
  id: SF,
  version: '1.0.0',
  state: 'Running',
  active: true,
  tier: 'worker',
};

/** The same version refused by the member's trust, as a member publishes it. */
export const fakeFailedState: MemberDriverState = {
  ...fakeRunningState,
  state: 'Failed',
  failure: { code: 'CHASSIS_E_CERT_UNTRUSTED', message: 'refused by this member' },
};

/** What differs between the views that show {@link fakeCluster}. */
export interface FakeClusterOptions {
  /** What `a` owns (default `pool-1`). */
  readonly owned?: readonly string[];
  /** What `a` owns only as a fallback (default none). */
  readonly fallback?: readonly string[];
  /** `b`'s channel URL (default `http://127.0.0.1:7402`). */
  readonly urlOfB?: string;
  /** Per-driver rows after `a` and `b` (e.g. a live member that never loaded the driver). */
  readonly moreDriverMembers?: readonly DriverMemberState[];
}

/**
 * The cluster view of a two-member fake cluster, to assign to a fake runtime's `cluster`:
 * member `a` (this server) alive and leading, running two drivers and owning `pool-1`; member
 * `b` stale, its driver refused by its trust.
 */
export function fakeCluster(o: FakeClusterOptions = {}): ClusterView {
  const at = (s: number) => `2026-01-01T00:00:0${s}.000Z`;
  const members: ClusterMemberInfo[] = [
    {
      memberId: 'a',
      url: 'http://127.0.0.1:7401',
      alive: true,
      leader: true,
      startedAt: at(0),
      lastHeartbeat: at(9),
      resources: [...(o.owned ?? ['pool-1'])],
      fallback: [...(o.fallback ?? [])],
      self: true,
      drivers: [fakeRunningState, { ...fakeRunningState, id: 'org.example.nvp' }],
    },
    {
      memberId: 'b',
      url: o.urlOfB ?? 'http://127.0.0.1:7402',
      alive: false,
      leader: false,
      startedAt: at(0),
      lastHeartbeat: at(1),
      resources: [],
      fallback: [],
      self: false,
      drivers: [fakeFailedState],
    },
  ];
  const perDriver: DriverMemberState[] = [
    {
      memberId: 'a',
      alive: true,
      self: true,
      lastHeartbeat: at(9),
      versions: [fakeRunningState],
      eligible: true,
      resources: ['pool-1'],
      fallback: [],
    },
    {
      memberId: 'b',
      alive: false,
      self: false,
      lastHeartbeat: at(1),
      versions: [fakeFailedState],
      eligible: false,
      resources: [],
      fallback: [],
    },
    ...(o.moreDriverMembers ?? []),
  ];
  return {
    memberId: 'a',
    members: async () => members,
    driverMembers: async () => perDriver,
  };
}
