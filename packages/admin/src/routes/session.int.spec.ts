import { readdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { MetricsHistorySchema } from '@chassis/kernel/summaries';
import { schemaProblems } from '@chassis/kernel/testing';
import { describe, expect, it } from 'vitest';
import { as, testServer } from '../server/test-server.js';
import { UI_DIR } from './ui.js';

describe('GET /api/session', () => {
  it.each([
    {
      role: 'viewer' as const,
      has: ['metrics.read', 'upgrades.read'],
      lacks: ['drivers.upgrade', 'resources.delete', 'audit.read'],
    },
    {
      role: 'operator' as const,
      has: ['drivers.upgrade', 'drivers.restart', 'resources.test', 'resources.pin'],
      lacks: ['drivers.install', 'resources.delete', 'audit.read'],
    },
    {
      role: 'admin' as const,
      has: ['drivers.install', 'resources.delete', 'audit.read'],
      lacks: [],
    },
  ])('tells a $role what the UI may offer', async ({ role, has, lacks }) => {
    const { server } = testServer({ metricsHistory: { intervalMs: 0 } });
    try {
      const res = await server.app.inject({ url: '/api/session', headers: as(role) });
      expect(res.statusCode).toBe(200);
      const body = res.json() as { roles: string[]; actions: string[] };
      expect(body.roles).toEqual([role]);
      for (const a of has) expect(body.actions).toContain(a);
      for (const a of lacks) expect(body.actions).not.toContain(a);
    } finally {
      await server.close();
    }
  });

  it('needs a token', async () => {
    const { server } = testServer({ metricsHistory: { intervalMs: 0 } });
    try {
      const res = await server.app.inject({ url: '/api/session' });
      expect(res.statusCode).toBe(401);
    } finally {
      await server.close();
    }
  });
});

describe('GET /api/metrics/history', () => {
  it('returns the samples the server keeps in memory, per driver', async () => {
    const { server } = testServer({ metricsHistory: { intervalMs: 20, capacity: 3 } });
    try {
      let body: unknown;
      let samples: { at: string; drivers: { driverId: string }[] }[] = [];
      await expect
        .poll(
          async () => {
            const res = await server.app.inject({
              url: '/api/metrics/history',
              headers: as('viewer'),
            });
            body = res.json();
            samples = (body as { samples: typeof samples }).samples;
            return samples.length;
          },
          { timeout: 5000 },
        )
        .toBe(3);
      expect(samples[0]?.drivers.map((d) => d.driverId)).toContain('com.example.solidfire');
      // Exactly the documented shape (the OpenAPI `MetricsHistory` component).
      expect(schemaProblems(MetricsHistorySchema, body)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe('UI files', () => {
  it('serves every module and the chart library, and nothing else', async () => {
    const { server } = testServer({ metricsHistory: { intervalMs: 0 } });
    try {
      for (const f of readdirSync(UI_DIR).filter((n) => n !== 'index.html')) {
        const res = await server.app.inject({ url: `/ui/${f}` });
        expect(res.statusCode, f).toBe(200);
      }
      expect((await server.app.inject({ url: '/ui/uPlot.esm.js' })).statusCode).toBe(200);
      expect((await server.app.inject({ url: '/ui/uPlot.min.css' })).statusCode).toBe(200);
      const missing = await server.app.inject({ url: '/ui/..%2Fpackage.json' });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toMatchObject({ code: 'CHASSIS_E_ADMIN_NOT_FOUND' });
    } finally {
      await server.close();
    }
  });

  it('has every English text in French, and every key the UI uses in English', async () => {
    const load = async (f: string) =>
      (await import(pathToFileURL(`${UI_DIR}${f}`).href)) as Record<string, Record<string, string>>;
    const en = (await load('messages-en.js')).MESSAGES_EN ?? {};
    const fr = (await load('messages-fr.js')).MESSAGES_FR ?? {};
    expect(Object.keys(en).filter((k) => !(k in fr))).toEqual([]);
    const used = new Set<string>();
    for (const f of readdirSync(UI_DIR)) {
      const text = readFileSync(`${UI_DIR}${f}`, 'utf8');
      for (const m of text.matchAll(/\bt\('([a-zA-Z.-]+)'/g)) used.add(m[1] as string);
      for (const m of text.matchAll(/data-i18n(?:-placeholder|-label)?="([^"]+)"/g))
        used.add(m[1] as string);
    }
    expect([...used].filter((k) => !(k in en))).toEqual([]);
  });
});
