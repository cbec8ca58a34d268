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
  ] as const)('refuses %j', (argv, message) => {
    expect(() => parseCli(argv)).toThrow(UsageError);
    expect(() => parseCli(argv)).toThrow(message);
  });
});
