import { describe, expect, it } from 'vitest';
import { as, testServer } from '../server/test-server.js';
import { openApiDocument } from './document.js';

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
