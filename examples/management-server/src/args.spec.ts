import { describe, expect, it } from 'vitest';
import { parseCli, UsageError } from './args.js';

describe('parseCli', () => {
  it.each([
    [[], {}, { mode: 'demo' }],
    [['demo'], {}, { mode: 'demo' }],
    [['--help'], {}, { mode: 'help' }],
    [
      ['serve', '--admin-port', '8080', '--data-dir', '/d', '--log-level', 'info'],
      {},
      { mode: 'serve', adminPort: 8080, dataDir: '/d', logLevel: 'info' },
    ],
    [
      [],
      { CHASSIS_DATA_DIR: '/e', CHASSIS_REPOSITORY: '/r' },
      { mode: 'demo', dataDir: '/e', repositoryDir: '/r' },
    ],
    [['--data-dir', '/a'], { CHASSIS_DATA_DIR: '/e' }, { mode: 'demo', dataDir: '/a' }],
    [['--config', '/c.yaml'], {}, { mode: 'demo', configFile: '/c.yaml' }],
    [
      ['serve', '--admin-port', '0', '--admin-token', 'abcdefghijklmnop=viewer'],
      {},
      { mode: 'serve', adminPort: 0, adminTokens: [{ token: 'abcdefghijklmnop', role: 'viewer' }] },
    ],
    [
      ['serve', '--admin-port', '1'],
      { CHASSIS_ADMIN_TOKENS: 'abcdefghijklmnop=operator,qrstuvwxyz012345=admin' },
      {
        mode: 'serve',
        adminPort: 1,
        adminTokens: [
          { token: 'abcdefghijklmnop', role: 'operator' },
          { token: 'qrstuvwxyz012345', role: 'admin' },
        ],
      },
    ],
    [[], { CHASSIS_CONFIG: '/e.json' }, { mode: 'demo', configFile: '/e.json' }],
    [
      [
        'serve',
        '--tuf-repository',
        'http://127.0.0.1:8081/',
        '--trusted-root',
        '/k/root.json',
        '--update-interval',
        '60',
        '--ca',
        '/k/ca.pem',
        '--revocations',
        '/k/revocations.json',
        '--allow-unsigned',
        'a.b, c.d',
        '--allow-unsigned',
        'e.f',
        '--verify-lock',
        '/k/chassis.lock',
      ],
      {},
      {
        mode: 'serve',
        tufRepository: 'http://127.0.0.1:8081/',
        trustedRoot: '/k/root.json',
        updateIntervalSeconds: 60,
        ca: '/k/ca.pem',
        revocations: '/k/revocations.json',
        allowUnsigned: ['a.b', 'c.d', 'e.f'],
        verifyLock: '/k/chassis.lock',
      },
    ],
    [
      ['serve'],
      {
        CHASSIS_TUF_REPOSITORY: '/repo',
        CHASSIS_TRUSTED_ROOT: '/repo/1.root.json',
        CHASSIS_UPDATE_INTERVAL: '5',
        CHASSIS_CA: '/ca.pem',
        CHASSIS_REVOCATIONS: '/rev.json',
        CHASSIS_ALLOW_UNSIGNED: 'x.y,z.w',
        CHASSIS_VERIFY_LOCK: '/l',
      },
      {
        mode: 'serve',
        tufRepository: '/repo',
        trustedRoot: '/repo/1.root.json',
        updateIntervalSeconds: 5,
        ca: '/ca.pem',
        revocations: '/rev.json',
        allowUnsigned: ['x.y', 'z.w'],
        verifyLock: '/l',
      },
    ],
    [
      ['--ca', '/ca.pem', '--verify-lock', '/l'],
      {},
      { mode: 'demo', ca: '/ca.pem', verifyLock: '/l' },
    ],
  ] as const)('%j %j', (argv, env, expected) => {
    expect(parseCli(argv, env)).toEqual(expected);
  });

  it.each([
    [['launch'], /Unknown mode "launch"/],
    [['demo', 'extra'], /Unexpected arguments: extra/],
    [['--nope'], /nope/],
    [['serve', '--admin-port', 'http'], /--admin-port must be a port number/],
    [['serve', '--admin-port', '70000'], /--admin-port must be a port number/],
    [['--admin-port', '8080'], /needs the serve mode/],
    [['--log-level', 'loud'], /--log-level must be one of/],
    [['--tuf-repository', '/r', '--trusted-root', '/t'], /--tuf-repository needs the serve mode/],
    [['serve', '--tuf-repository', '/r'], /--tuf-repository needs --trusted-root/],
    [['serve', '--trusted-root', '/t'], /--trusted-root needs --tuf-repository/],
    [['serve', '--update-interval', '60'], /--update-interval needs --tuf-repository/],
    [
      ['serve', '--tuf-repository', '/r', '--trusted-root', '/t', '--update-interval', '0'],
      /--update-interval must be a number of seconds/,
    ],
    [['--revocations', '/r.json'], /--revocations needs --ca/],
    [['--allow-unsigned', ' , '], /--allow-unsigned needs driver ids/],
    [['serve', '--admin-port', '0', '--admin-token', 'x'.repeat(20)], /must be <token>=<role>/],
    [
      ['serve', '--admin-port', '0', '--admin-token', `${'x'.repeat(20)}=root`],
      /must be <token>=<role>/,
    ],
    [['serve', '--admin-port', '0', '--admin-token', 'short=viewer'], /at least 16 characters/],
    [['serve', '--admin-token', `${'x'.repeat(20)}=viewer`], /--admin-token needs --admin-port/],
    [['--admin-token', `${'x'.repeat(20)}=viewer`], /needs the serve mode/],
  ] as const)('refuses %j', (argv, message) => {
    expect(() => parseCli(argv)).toThrow(UsageError);
    expect(() => parseCli(argv)).toThrow(message);
  });
});
