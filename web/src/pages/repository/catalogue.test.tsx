import { describe, expect, it } from 'vitest';
import { bodySkeleton, groupByModule, operationsOf, requestPath } from './catalogue';

const DOC = {
  openapi: '3.1.0',
  paths: {
    '/music/album/{id}': {
      get: { summary: 'Read one album', tags: ['music'], parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }] },
      put: { summary: 'Replace', tags: ['music'], security: [{ bearer: [] }], parameters: [], requestBody: { content: { 'application/json': { schema: { $ref: '#/x' } } } } },
    },
    '/reports/sales': {
      post: {
        summary: 'Sales',
        tags: ['reports'],
        security: [{ bearer: [] }],
        parameters: [{ name: 'limit', in: 'query', required: false, schema: { type: 'integer', default: 10 } }],
        requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['country'], properties: { country: { type: 'string' }, top: { type: 'integer' } } } } } },
      },
    },
  },
};

describe('the API repository catalogue', () => {
  it('lists every operation with its module, access and parameters, body fields included', () => {
    const ops = operationsOf(DOC);
    expect(ops.map((o) => [o.key, o.module, o.access, o.body])).toEqual([
      ['GET /music/album/{id}', 'music', 'public', 'none'],
      ['PUT /music/album/{id}', 'music', 'private', 'json'],
      ['POST /reports/sales', 'reports', 'private', 'fields'],
    ]);
    expect(ops[2]!.params).toEqual([
      { name: 'limit', in: 'query', type: 'integer', required: false, description: null, default: 10 },
      { name: 'country', in: 'body', type: 'string', required: true, description: null },
      { name: 'top', in: 'body', type: 'integer', required: false, description: null },
    ]);
  });

  it('groups by module and filters by every word of the search', () => {
    const ops = operationsOf(DOC);
    expect(groupByModule(ops).map((g) => [g.module, g.operations.length])).toEqual([
      ['music', 2],
      ['reports', 1],
    ]);
    expect(groupByModule(ops, 'music get').map((g) => g.operations.map((o) => o.key))).toEqual([['GET /music/album/{id}']]);
  });

  it('builds the URL with encoded path values and only the filled query values, and names what is missing', () => {
    const [get, , post] = operationsOf(DOC);
    expect(requestPath(get!, { 'path:id': 'a b/1' })).toEqual({ url: '/music/album/a%20b%2F1', missing: [] });
    expect(requestPath(get!, {})).toEqual({ url: '/music/album/', missing: ['id'] });
    expect(requestPath(post!, { 'query:limit': '5' }).url).toBe('/reports/sales?limit=5');
    expect(JSON.parse(bodySkeleton(post!))).toEqual({ country: '', top: 0 });
  });
});
