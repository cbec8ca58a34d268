import { describe, expect, it } from 'vitest';
import { as, testServer } from '../server/test-server.js';
import { openApiDocument, operationId } from './document.js';

describe('OpenAPI document', () => {
  it('documents every registered route (method and path) and nothing else', async () => {
    const { server } = testServer();
    try {
      await server.app.ready();
      const documented = Object.entries(openApiDocument.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
      );
      expect(server.routes.length).toBeGreaterThan(20);
      expect([...server.routes].sort()).toEqual(documented.sort());
    } finally {
      await server.close();
    }
  });

  it('gives every operation a unique operationId', () => {
    const ids = Object.values(openApiDocument.paths).flatMap((ops) =>
      Object.values(ops).map((op) => (op as { operationId?: string }).operationId),
    );
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z0-9]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(operationId('post', '/api/drivers/{id}/upgrade-plan')).toBe(
      'postDriversByIdUpgradePlan',
    );
  });

  it('defines every property a schema marks required', () => {
    const missing: string[] = [];
    const walk = (node: unknown, where: string): void => {
      if (!node || typeof node !== 'object') return;
      if (Array.isArray(node)) {
        for (const [i, n] of node.entries()) walk(n, `${where}[${i}]`);
        return;
      }
      const o = node as { required?: unknown; properties?: Record<string, unknown> };
      // `required: true` on a parameter or request body is not a schema's list.
      if (Array.isArray(o.required))
        for (const key of o.required) if (!o.properties?.[key]) missing.push(`${where}.${key}`);
      for (const [k, v] of Object.entries(node)) walk(v, `${where}.${k}`);
    };
    walk(openApiDocument, '#');
    expect(missing).toEqual([]);
  });

  it('is served at /openapi.json as OpenAPI 3.1 with bearer security', async () => {
    const { server } = testServer();
    try {
      const res = await server.app.inject({
        url: '/openapi.json',
        headers: { ...as('viewer'), host: '127.0.0.1:43917' },
      });
      expect(res.json()).toMatchObject({
        openapi: '3.1.0',
        servers: [{ url: 'http://127.0.0.1:43917' }],
        components: { securitySchemes: { bearer: { scheme: 'bearer' } } },
      });
    } finally {
      await server.close();
    }
  });
});
