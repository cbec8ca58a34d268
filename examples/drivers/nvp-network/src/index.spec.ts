import { fakeContext } from '@chassis/kernel/testing';
import type { NetworkSpec } from '@chassis/network';
import { describe, expect, it } from 'vitest';
import { projectMessages } from './__fixtures__/project.js';
import driver from './index.js';
import type { NvpProperties } from './properties.js';

const base: NvpProperties = Object.freeze({
  hostname: 'nvp.example.net',
  username: 'admin',
  password: 'secret',
  transportZoneUuid: '3b4c6d2e-1f00-4a6b-9c1d-2e3f4a5b6c7d',
});
const withL3: NvpProperties = Object.freeze({
  ...base,
  l3GatewayServiceUuid: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a',
});
const nvp = driver.provides['network.device'];
const messages = projectMessages();
let n = 0;
const ctx = (props: NvpProperties = withL3, locale = 'en') =>
  fakeContext(props, { resourceId: `nvp-${++n}`, locale, messages });
const spec: NetworkSpec = {
  id: 'net-1',
  name: 'guest',
  cidr: '10.1.1.0/29',
  services: ['connectivity', 'sourceNat'],
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe('NVP example driver', () => {
  it.each([
    ['without an L3 gateway', base, ['connectivity']],
    [
      'with an L3 gateway',
      withL3,
      ['connectivity', 'sourceNat', 'staticNat', 'portForwarding', 'gateway'],
    ],
  ])('offers services %s', (_name, props, services) => {
    const c = ctx(props);
    expect(nvp.provider(c)).toEqual({ name: 'NiciraNvp', services });
    expect(Object.keys(nvp.capabilities(c))).toEqual(services.filter((s) => s !== 'gateway'));
  });

  it('verifies services against its gateway configuration', () => {
    expect(nvp.verifyServices(ctx(base), ['connectivity', 'dhcp', 'staticNat'])).toEqual({
      supported: false,
      unsupported: ['staticNat'],
    });
    expect(nvp.verifyServices(ctx(), ['connectivity', 'staticNat'])).toEqual({
      supported: true,
      unsupported: [],
    });
  });

  it('implements a logical switch idempotently, with the first host as gateway', () => {
    const c = ctx();
    const a = nvp.implement(c, spec);
    expect(a).toMatchObject({
      networkId: 'net-1',
      cidr: '10.1.1.0/29',
      gateway: '10.1.1.1',
      state: 'implemented',
    });
    expect(a.broadcastUri).toMatch(/^lswitch:[0-9a-f-]{36}$/);
    expect(nvp.implement(c, spec).broadcastUri).toBe(a.broadcastUri);
    expect(codeOf(() => nvp.implement(c, { ...spec, cidr: '10.1.2.0/29' }))).toBe(
      'NVP_CIDR_CONFLICT',
    );
  });

  it.each([
    ['a router service without L3 gateway', base, spec, 'NVP_UNSUPPORTED_SERVICE'],
    ['an IPv6 CIDR', withL3, { ...spec, cidr: 'fd00::/64' }, 'NVP_BAD_CIDR'],
    ['a /31', withL3, { ...spec, cidr: '10.1.1.0/31' }, 'NVP_BAD_CIDR'],
    ['a gateway outside the CIDR', withL3, { ...spec, gateway: '10.9.9.9' }, 'NVP_ADDRESS_OUTSIDE'],
  ])('refuses %s', (_name, props, s, code) => {
    expect(codeOf(() => nvp.implement(ctx(props), s))).toBe(code);
  });

  it('hands out free host addresses until the subnet is full', () => {
    const c = ctx();
    nvp.implement(c, spec); // /29: hosts .1-.6, .1 is the gateway
    const nics = [1, 2, 3, 4, 5].map((i) =>
      nvp.prepareNic(c, 'net-1', { id: `nic-${i}`, vmId: `vm-${i}` }),
    );
    expect(nics.map((x) => x.ipv4)).toEqual([
      '10.1.1.2',
      '10.1.1.3',
      '10.1.1.4',
      '10.1.1.5',
      '10.1.1.6',
    ]);
    expect(nics[0]).toMatchObject({
      netmask: '255.255.255.248',
      gateway: '10.1.1.1',
      mac: '02:00:00:00:00:01',
    });
    expect(new Set(nics.map((x) => x.mac)).size).toBe(5);
    expect(codeOf(() => nvp.prepareNic(c, 'net-1', { id: 'nic-6', vmId: 'vm-6' }))).toBe(
      'NVP_EXHAUSTED',
    );
    nvp.releaseNic(c, 'net-1', 'nic-3');
    expect(nvp.prepareNic(c, 'net-1', { id: 'nic-6', vmId: 'vm-6' }).ipv4).toBe('10.1.1.4');
    expect(nvp.prepareNic(c, 'net-1', { id: 'nic-1', vmId: 'vm-1' }).ipv4).toBe('10.1.1.2');
  });

  it.each([
    ['the gateway', '10.1.1.1', 'NVP_ADDRESS_IN_USE'],
    ['the network address', '10.1.1.0', 'NVP_ADDRESS_OUTSIDE'],
    ['the broadcast address', '10.1.1.7', 'NVP_ADDRESS_OUTSIDE'],
    ['another subnet', '10.1.2.3', 'NVP_ADDRESS_OUTSIDE'],
  ])('refuses a requested address that is %s', (_name, ipv4, code) => {
    const c = ctx();
    nvp.implement(c, spec);
    expect(codeOf(() => nvp.prepareNic(c, 'net-1', { id: 'x', vmId: 'vm', ipv4 }))).toBe(code);
  });

  it('applies and revokes public IPs through the L3 gateway', () => {
    const c = ctx();
    nvp.implement(c, spec);
    expect(
      nvp.applyIps(c, 'net-1', [
        { address: '203.0.113.10', sourceNat: true, state: 'add' },
        { address: '203.0.113.11', state: 'add' },
      ]),
    ).toEqual({ applied: ['203.0.113.10', '203.0.113.11'], revoked: [] });
    expect(
      nvp.applyIps(c, 'net-1', [
        { address: '203.0.113.11', state: 'revoke' },
        { address: '203.0.113.99', state: 'revoke' },
      ]),
    ).toEqual({
      applied: [],
      revoked: ['203.0.113.11'],
    });
    expect(
      codeOf(() => nvp.applyIps(c, 'net-1', [{ address: '203.0.113.300', state: 'add' }])),
    ).toBe('NVP_BAD_PUBLIC_IP');
  });

  it('refuses public IPs without an L3 gateway', () => {
    const c = ctx(base);
    nvp.implement(c, { ...spec, services: ['connectivity'] });
    expect(
      codeOf(() => nvp.applyIps(c, 'net-1', [{ address: '203.0.113.10', state: 'add' }])),
    ).toBe('NVP_UNSUPPORTED_SERVICE');
  });

  it('shuts down (optionally cleaning up) and destroys networks', () => {
    const c = ctx();
    nvp.implement(c, spec);
    nvp.prepareNic(c, 'net-1', { id: 'nic-1', vmId: 'vm-1' });
    expect(nvp.shutdown(c, 'net-1', false)).toBe(true);
    expect(nvp.shutdown(c, 'net-1', false)).toBe(false);
    expect(codeOf(() => nvp.prepareNic(c, 'net-1', { id: 'nic-2', vmId: 'vm-2' }))).toBe(
      'NVP_NETWORK_DOWN',
    );
    nvp.implement(c, spec);
    expect(nvp.shutdown(c, 'net-1', true)).toBe(true);
    nvp.implement(c, spec);
    expect(nvp.prepareNic(c, 'net-1', { id: 'nic-9', vmId: 'vm-9' }).ipv4).toBe('10.1.1.2');
    expect(nvp.destroy(c, 'net-1')).toBe(true);
    expect(nvp.destroy(c, 'net-1')).toBe(false);
    expect(codeOf(() => nvp.releaseNic(c, 'net-1', 'nic-9'))).toBe('NVP_NETWORK_NOT_FOUND');
  });

  it('explains errors in the caller locale', () => {
    try {
      nvp.prepareNic(ctx(withL3, 'fr'), 'net-x', { id: 'n', vmId: 'v' });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toBe(
        "Le réseau net-x n'existe pas sur le contrôleur nvp.example.net.",
      );
    }
  });
});
