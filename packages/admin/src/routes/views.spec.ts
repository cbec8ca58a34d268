import { ChassisError } from '@chassis/kernel';
import type { RuntimeApi } from '@chassis/runtime';
import { describe, expect, it } from 'vitest';
import { resourceDetail } from './views.js';

/** Just enough of a runtime for a resource view: the resource and a driver lookup. */
function runtimeWith(getDriver: () => never): RuntimeApi {
  return {
    getResource: () => ({
      id: 'pool-1',
      binding: { driverId: 'com.example.gone', version: '1.0.0' },
    }),
    getDriver,
  } as unknown as RuntimeApi;
}

describe('resource view', () => {
  it('shows a resource whose driver is no longer installed, without a form', () => {
    const runtime = runtimeWith(() => {
      throw new ChassisError(
        'CHASSIS_E_UPGRADE_NOT_INSTALLED',
        'Driver com.example.gone is not installed',
      );
    });
    expect(resourceDetail(runtime, 'pool-1', 'en')).toMatchObject({ id: 'pool-1', form: [] });
  });

  it('does not turn any other failure into an empty form', () => {
    const runtime = runtimeWith(() => {
      throw new ChassisError('CHASSIS_E_STATE_IO', 'Cannot read state record "drivers/x"');
    });
    expect(() => resourceDetail(runtime, 'pool-1', 'en')).toThrow(
      expect.objectContaining({ code: 'CHASSIS_E_STATE_IO' }),
    );
  });
});
