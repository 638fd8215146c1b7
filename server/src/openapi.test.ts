import { describe, expect, it } from 'vitest';
import { testApp } from './test-support/app.js';

describe('the OpenAPI description', () => {
  it('describes the classic and online APIs with their schemas', async () => {
    const app = await testApp();
    const response = await app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    const spec = response.json();
    expect(spec.openapi).toMatch(/^3\./);
    for (const path of ['/move', '/reset', '/api/session', '/api/games', '/api/games/{id}/moves', '/api/lobby']) {
      expect(Object.keys(spec.paths), path).toContain(path);
    }
    const move = spec.paths['/move'].post;
    const body = move.requestBody.content['application/json'].schema;
    expect(body.properties.index).toMatchObject({ type: 'integer', minimum: 0, maximum: 8 });
    expect(spec.paths['/api/openapi.json']).toBeUndefined();
    await app.close();
  });
});
