import * as carPackage from '@chassis/car';
import * as repositoryPackage from '@chassis/repository';
import { describe, expect, it } from 'vitest';
import { car, cliProgress, REVOCATION_REASONS, repository } from './lazy.js';

describe('lazy loaders', () => {
  it('resolve to the very modules a static import gives', async () => {
    expect((await repository()).initCa).toBe(repositoryPackage.initCa);
    expect((await repository()).RepositoryClient).toBe(repositoryPackage.RepositoryClient);
    expect((await car()).packCar).toBe(carPackage.packCar);
    expect(typeof (await cliProgress()).SingleBar).toBe('function');
  });

  it("REVOCATION_REASONS is exactly @chassis/repository's list, in order", () => {
    expect(REVOCATION_REASONS).toEqual(repositoryPackage.REVOCATION_REASONS);
  });
});
