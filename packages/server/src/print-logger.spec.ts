import { describe, expect, it } from 'vitest';
import { printLogger } from './print-logger.js';

describe('printLogger', () => {
  it('prints driver and resource first, then the message and fields, from the given level up', () => {
    const lines: string[] = [];
    const log = printLogger((l) => lines.push(l), 'info').child({
      driver: 'com.example.kvm',
      version: '1.0.0',
    });
    log.debug('hidden');
    log.child({ resource: 'kvm-1' }).info({ vm: 'web-01', cpus: 2 }, 'VM started');
    log.error('boom');
    expect(lines).toEqual([
      '    log info  com.example.kvm kvm-1 VM started vm=web-01 cpus=2',
      '    log error com.example.kvm boom',
    ]);
  });

  it('drops everything below warn by default', () => {
    const lines: string[] = [];
    const log = printLogger((l) => lines.push(l));
    log.info('quiet');
    log.warn({ n: 1 }, 'loud');
    expect(lines).toEqual(['    log warn  loud n=1']);
  });
});
