import { describe, expect, it } from 'vitest';
import { optionalPeer } from './optional-peer.js';

const spec = {
  package: '@aws-sdk/client-s3',
  code: 'CHASSIS_E_LOADER_S3_SDK_MISSING',
  message: 'install it',
} as const;

function missing(name: string): Error {
  return Object.assign(new Error(`Cannot find package '${name}' imported from x.js`), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
}

describe('optionalPeer', () => {
  it('turns a missing package into the typed code naming it', async () => {
    const load = optionalPeer(() => Promise.reject(missing(spec.package)), spec);
    await expect(load()).rejects.toMatchObject({
      code: 'CHASSIS_E_LOADER_S3_SDK_MISSING',
      details: { package: '@aws-sdk/client-s3' },
    });
  });

  it.each([
    ['another missing package', missing('left-pad')],
    ['a broken install', new SyntaxError('Unexpected token')],
  ])('rethrows %s as it is', async (_label, cause) => {
    const load = optionalPeer(() => Promise.reject(cause), spec);
    await expect(load()).rejects.toBe(cause);
  });

  it('loads once and shares the module', async () => {
    let calls = 0;
    const load = optionalPeer(async () => ({ n: ++calls }), spec);
    const [a, b] = await Promise.all([load(), load()]);
    expect(a).toBe(b);
    expect(calls).toBe(1);
  });

  it('retries after a failure, once the package is installed', async () => {
    let installed = false;
    const load = optionalPeer(
      () => (installed ? Promise.resolve('sdk') : Promise.reject(missing(spec.package))),
      spec,
    );
    await expect(load()).rejects.toMatchObject({ code: spec.code });
    installed = true;
    await expect(load()).resolves.toBe('sdk');
  });
});
