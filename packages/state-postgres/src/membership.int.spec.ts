import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresDatabase } from './database.js';
import { Membership } from './membership.js';
import { pgSuite } from './testing/pg-suite.js';

const suite = pgSuite();

describe.skipIf(!suite.available)('Membership.publish', () => {
  let url = '';
  const dbs: PostgresDatabase[] = [];
  const open = async () => {
    const db = await PostgresDatabase.open({ connectionString: url, reconnectTimeoutMs: 1000 });
    dbs.push(db);
    return db;
  };
  beforeAll(async () => {
    url = await (await suite.start()).createDatabase();
  });
  afterAll(async () => {
    await Promise.all(dbs.map((d) => d.close().catch(() => undefined)));
    await suite.stop();
  });

  it('merges into the meta the others read, keeps what join wrote, and the last write wins', async () => {
    const a = new Membership(await open(), { id: 'a', ttlMs: 5000, meta: { url: 'http://a' } });
    const b = new Membership(await open(), { id: 'b', ttlMs: 5000 });
    await a.join();
    await b.join();
    try {
      const seen = async () => (await b.members()).find((m) => m.id === 'a')?.meta;
      expect(await seen()).toEqual({ url: 'http://a' });
      // Published concurrently: written one at a time, in order, so the last one is what stays.
      await Promise.all(Array.from({ length: 20 }, (_, i) => a.publish({ n: i })));
      expect(await seen()).toEqual({ url: 'http://a', n: 19 });
      expect(a.meta).toEqual({ url: 'http://a', n: 19 });
      // A heartbeat after a publish leaves the meta as published.
      await a.heartbeat();
      expect(await seen()).toEqual({ url: 'http://a', n: 19 });
      // A re-join (restart) writes the meta it has now.
      await a.join();
      expect(await seen()).toEqual({ url: 'http://a', n: 19 });
    } finally {
      await a.leave();
      await b.leave();
    }
  });
});
