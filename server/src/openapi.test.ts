import { describe, expect, it } from 'vitest';
import { testApp } from './test-support/app.js';

describe('the OpenAPI description', () => {
  it('describes the classic and online APIs with their schemas', async () => {
    const app = await testApp();
    const response = await app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    const spec = response.json();
    expect(spec.openapi).toMatch(/^3\./);
    for (const path of [
      '/move',
      '/reset',
      '/api/local/moves',
      '/api/session',
      '/api/games',
      '/api/games/{id}/moves',
      '/api/lobby',
    ]) {
      expect(Object.keys(spec.paths), path).toContain(path);
    }
    const move = spec.paths['/move'].post;
    const body = move.requestBody.content['application/json'].schema;
    expect(body.properties.index).toMatchObject({ type: 'integer', minimum: 0, maximum: 8 });
    expect(spec.paths['/api/openapi.json']).toBeUndefined();

    // Time controls, claims and "Play anyone" are described with their schemas too.
    for (const path of ['/api/games/{id}/claim', '/api/pairing']) {
      expect(Object.keys(spec.paths), path).toContain(path);
    }
    expect(Object.keys(spec.paths['/api/pairing']).sort()).toEqual(['delete', 'get', 'post']);
    const invite = JSON.stringify(spec.paths['/api/games'].post.requestBody.content['application/json'].schema);
    expect(invite).toContain('correspondence');
    expect(invite).toContain('incrementSeconds');
    const claim = spec.paths['/api/games/{id}/claim'].post.requestBody.content['application/json'].schema;
    expect(claim.properties.outcome.enum).toEqual(['win', 'draw']);
    const game = JSON.stringify(spec.paths['/api/games/{id}'].get.responses['200']);
    for (const field of ['deadline', 'clocks', 'serverTime', 'timeControl', 'expired', 'timeout', 'abandoned']) {
      expect(game, field).toContain(field);
    }
    await app.close();
  });
});
