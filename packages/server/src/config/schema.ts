import { type Static, Type } from '@sinclair/typebox';

/**
 * The one schema of `chassis-server`'s configuration file. The TypeScript types below derive
 * from it (TypeBox), the validator compiles it (ajv, every error at once) and `CONFIG.md` is
 * generated from it, so the three cannot disagree. Every `description` is documentation.
 */

const path = (description: string) => Type.String({ minLength: 1, description });

/** A string out of a fixed list, as a plain JSON Schema `enum` (one clear error, not one per branch). */
function oneOf<const T extends readonly string[]>(values: T, description: string) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], description });
}

/** Cluster mode: several servers on one PostgreSQL (`state.kind: postgres`). */
export const ClusterSchema = Type.Object(
  {
    memberId: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,47}$',
        description:
          "This member's id, unique in the cluster. Default: the host name and the process id.",
      }),
    ),
    secretFile: path(
      'File whose first line is the shared cluster secret (at least 32 characters): it signs the inter-server requests and derives the key sealing secret properties, so every member needs the same one.',
    ),
    leaseTtlMs: Type.Optional(
      Type.Integer({
        minimum: 500,
        description:
          'A member that misses heartbeats this long is down and its resources move to the others. Default 10000.',
      }),
    ),
    ownerWaitMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        description:
          'How long a call on a resource with no live owner (takeover in progress) waits before the retryable `CHASSIS_E_CLUSTER_OWNER_UNAVAILABLE`. Default 5000.',
      }),
    ),
    forward: Type.Optional(
      oneOf(
        ['forward', 'refuse'],
        'A call on a resource another member owns: `forward` it to the owner over the signed inter-server channel (default), or `refuse` it with `CHASSIS_E_CLUSTER_NOT_OWNER` naming the owner.',
      ),
    ),
    channel: Type.Optional(
      Type.Object(
        {
          host: Type.Optional(
            Type.String({
              minLength: 1,
              description: 'Interface of the inter-server channel. Default `127.0.0.1`.',
            }),
          ),
          port: Type.Optional(
            Type.Integer({
              minimum: 0,
              maximum: 65535,
              description: 'Port of the inter-server channel (0 = any free port).',
            }),
          ),
        },
        { additionalProperties: false, description: 'Where the other members reach this one.' },
      ),
    ),
    rollout: Type.Optional(
      Type.Object(
        {
          requestTimeoutMs: Type.Optional(
            Type.Integer({
              minimum: 1000,
              description:
                'How long an upgrade or rollback sent to a member that does not lead waits for the leader (answered synchronously), and after which a request no leader took is cancelled (nothing moved). Default 1800000 (30 min).',
            }),
          ),
          watchMs: Type.Optional(
            Type.Integer({
              minimum: 50,
              maximum: 60000,
              description:
                "While the leader waits for the members' answers in a rollout, it looks at who is alive and who owns what this often, so that an owner leaving mid-rollout is seen and its resources re-assigned. Default 500.",
            }),
          ),
          ownerWaitMs: Type.Optional(
            Type.Integer({
              minimum: 1000,
              description:
                'How long a resource whose owner left mid-rollout may wait for a new live owner before the step fails and the rollout rolls back. Must exceed `cluster.leaseTtlMs` (a new owner takes over only once the lease expired). Not `cluster.ownerWaitMs`, which bounds a facade call. Default 60000.',
            }),
          ),
          retention: Type.Optional(
            Type.Object(
              {
                keepPerDriver: Type.Optional(
                  Type.Integer({
                    minimum: 1,
                    description:
                      'Newest finished cluster rollouts kept per driver in the shared state. Default 20.',
                  }),
                ),
                maxAgeMs: Type.Optional(
                  Type.Integer({
                    minimum: 60000,
                    description:
                      'A finished cluster rollout older than this is removed, even among the newest. Default 2592000000 (30 days).',
                  }),
                ),
                requestGraceMs: Type.Optional(
                  Type.Integer({
                    minimum: 0,
                    description:
                      'A rollout request stays this long after its rollout finished (or it was refused or cancelled), so a client following its id reads the outcome. Default 3600000 (1 h).',
                  }),
                ),
                pruneEveryMs: Type.Optional(
                  Type.Integer({
                    minimum: 1000,
                    description:
                      'The leader prunes at least this often, and after each rollout ends. Default 600000 (10 min).',
                  }),
                ),
              },
              {
                additionalProperties: false,
                description:
                  'How long finished cluster rollouts and their requests stay in the shared state (the leader prunes them; a running one is never removed).',
              },
            ),
          ),
        },
        { additionalProperties: false, description: 'Cluster-wide upgrades and rollbacks.' },
      ),
    ),
  },
  {
    additionalProperties: false,
    description:
      'Cluster mode: this server is one member of several sharing the PostgreSQL of `state` (needs `state.kind: postgres`).',
  },
);

/** How to reach an S3-compatible store. */
export const S3Schema = Type.Object(
  {
    endpoint: Type.Optional(
      Type.String({
        pattern: '^https?://',
        description:
          'Endpoint URL of an S3-compatible store (MinIO, Ceph, ...), e.g. `http://127.0.0.1:9000`. Default: AWS.',
      }),
    ),
    region: Type.Optional(
      Type.String({ minLength: 1, description: 'Region. Default `us-east-1`.' }),
    ),
    forcePathStyle: Type.Optional(
      Type.Boolean({
        description:
          'Path-style addressing (`endpoint/bucket/key`); most S3-compatible stores need it.',
      }),
    ),
    credentials: Type.Optional(
      Type.Object(
        {
          accessKeyId: Type.String({ minLength: 1, description: 'Access key id.' }),
          secretAccessKey: Type.String({
            minLength: 1,
            description:
              'Secret access key. Prefer the environment (`CHASSIS_S3_SECRET_ACCESS_KEY`) to the file.',
          }),
        },
        {
          additionalProperties: false,
          description:
            "Static credentials. Absent: the AWS SDK's default chain (`AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`, `AWS_PROFILE`, instance roles).",
        },
      ),
    ),
  },
  {
    additionalProperties: false,
    description:
      'S3 settings for every `s3://` URL (CAR sources and the TUF repository). `@aws-sdk/client-s3` must then be installed beside the server.',
  },
);

/** One admin API token with its role. */
export const TokenSchema = Type.Object(
  {
    token: Type.Optional(
      Type.String({ minLength: 16, description: 'The bearer token (at least 16 characters).' }),
    ),
    tokenFile: Type.Optional(
      path('A file holding the token (first line), instead of `token` in this file.'),
    ),
    role: oneOf(
      ['admin', 'operator', 'viewer'],
      'What the token may do: `admin`, `operator` or `viewer`.',
    ),
  },
  { additionalProperties: false },
);

/** The whole configuration file. */
export const ServerConfigSchema = Type.Object(
  {
    dataDir: Type.Optional(
      path(
        'State, CAR cache, kept CARs, the secret key, the generated admin token and the install lock. Default `./chassis-data`.',
      ),
    ),
    logLevel: Type.Optional(
      oneOf(
        ['debug', 'info', 'warn', 'error'],
        "Lowest level printed: `debug`, `info` (shows the drivers' own log lines), `warn` (default), `error`.",
      ),
    ),
    sources: Type.Optional(
      Type.Array(
        Type.String({
          minLength: 1,
          description: 'A folder, `file:`, `http(s)://` or `s3://bucket/prefix` URL.',
        }),
        {
          description:
            'CAR sources scanned at every start: each CAR found that is not installed is installed, in kernel order. Every CAR passes `trust` first.',
        },
      ),
    ),
    s3: Type.Optional(S3Schema),
    repository: Type.Optional(
      Type.Object(
        {
          url: Type.String({
            minLength: 1,
            description: 'Folder, `file:`, `http(s)://` or `s3://bucket/prefix` URL.',
          }),
          trustedRoot: path("The repository's `root.json`, obtained out of band."),
          updateIntervalSeconds: Type.Optional(
            Type.Integer({
              minimum: 1,
              description:
                'Check for updates every so many seconds (besides at start and after every change).',
            }),
          ),
        },
        {
          additionalProperties: false,
          description:
            'The signed (TUF) repository that installs and upgrades by driver id come from and update checks look at.',
        },
      ),
    ),
    trust: Type.Optional(
      Type.Object(
        {
          ca: Type.Optional(
            path(
              'Project CA certificate (PEM): every CAR must be signed by a vendor certificate it issued, for the driver id prefix.',
            ),
          ),
          revocations: Type.Optional(path("The CA's signed revocation list (needs `ca`).")),
          allowUnsigned: Type.Optional(
            Type.Array(Type.String({ minLength: 1 }), {
              description: 'Driver ids allowed unsigned. Default: none.',
            }),
          ),
        },
        { additionalProperties: false, description: 'Which CARs the server accepts.' },
      ),
    ),
    admin: Type.Optional(
      Type.Object(
        {
          port: Type.Integer({
            minimum: 0,
            maximum: 65535,
            description: 'Port of the admin API and web UI (0 = any free port, printed).',
          }),
          host: Type.Optional(
            Type.String({
              minLength: 1,
              description: 'Interface to bind. Default `127.0.0.1`; put a TLS proxy in front.',
            }),
          ),
          tokens: Type.Optional(
            Type.Array(TokenSchema, {
              description:
                'Tokens besides the admin token generated in `dataDir/admin-token` at first start.',
            }),
          ),
        },
        {
          additionalProperties: false,
          description: 'The admin HTTP API and web UI. Absent: no admin server.',
        },
      ),
    ),
    state: Type.Optional(
      Type.Object(
        {
          kind: oneOf(
            ['directory', 'postgres'],
            'Where durable state lives: `directory` (under `dataDir/state`, the embedded default) or `postgres` (a PostgreSQL shared by the members of a cluster; needs `cluster`).',
          ),
          url: Type.Optional(
            Type.String({
              pattern: '^postgres(ql)?://',
              description:
                'With `postgres`: the connection URL, e.g. `postgres://chassis@127.0.0.1:5432/chassis`. Absent: the standard `PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE` variables.',
            }),
          ),
          schema: Type.Optional(
            Type.String({
              pattern: '^[a-z_][a-z0-9_]{0,62}$',
              description:
                'With `postgres`: the schema holding the Chassis tables. Default `chassis`.',
            }),
          ),
        },
        { additionalProperties: false, description: 'The state store.' },
      ),
    ),
    cluster: Type.Optional(ClusterSchema),
    kernel: Type.Optional(
      Type.Object(
        {},
        {
          additionalProperties: true,
          description:
            "The kernel configuration (category ranks, lifecycle timeouts, isolation tiers, executor limits), validated by `@chassis/kernel`'s own schema.",
        },
      ),
    ),
    verifyLock: Type.Optional(
      path(
        'Refuse to serve unless the installed drivers match this install lock exactly (`CHASSIS_E_LOCK_MISMATCH`).',
      ),
    ),
  },
  {
    additionalProperties: false,
    description:
      'The `chassis-server` configuration file (YAML). Every field is optional; relative paths are relative to the file.',
  },
);

/** The configuration file, as validated. */
export type ServerConfigFile = Static<typeof ServerConfigSchema>;
/** S3 settings. */
export type S3Config = Static<typeof S3Schema>;
/** One admin token entry. */
export type TokenConfig = Static<typeof TokenSchema>;
