/**
 * The admin API's OpenAPI document (`GET /api/v1/openapi.json`) describes every admin route with its answer,
 * and the UI's generated types (`web/src/api/schema.d.ts`) are the ones that document gives today.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, bearer, type TestApp } from '../../helpers/app.ts';
import { SCHEMA_FILE, generateAdminTypes } from '../../../scripts/gen-api.ts';

interface Operation {
  operationId?: string;
  tags?: string[];
  security?: unknown[];
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
interface Document {
  openapi: string;
  info: { title: string };
  components: { securitySchemes: Record<string, { type: string; scheme?: string }>; schemas: Record<string, unknown> };
  paths: Record<string, Record<string, Operation>>;
}

/** `/api/v1/users/:id` → `/api/v1/users/{id}`, as OpenAPI writes paths. */
const openApiPath = (url: string) => url.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');

describe('the admin API OpenAPI document', () => {
  let t: TestApp;
  let token: string;
  let doc: Document;
  beforeAll(async () => {
    t = await startTestApp();
    token = await t.login();
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json', headers: bearer(token) });
    expect(res.statusCode).toBe(200);
    doc = res.json() as Document;
  });
  afterAll(async () => t.close());

  it('is OpenAPI 3.1 titled "Portico admin API" with a bearer scheme, and needs a signed-in user', async () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('Portico admin API');
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('lists every admin route with a unique operationId, a tag and a JSON schema for its 2xx answer', () => {
    expect(t.app.adminRoutes.length).toBeGreaterThan(50);
    const missing: string[] = [];
    const ids = new Map<string, string>();
    for (const route of t.app.adminRoutes) {
      const name = `${route.method} ${route.url}`;
      const op = doc.paths[openApiPath(route.url)]?.[route.method.toLowerCase()];
      if (!op) {
        missing.push(`${name}: not in the document`);
        continue;
      }
      if (!op.operationId) missing.push(`${name}: no operationId`);
      else if (ids.has(op.operationId)) missing.push(`${name}: operationId ${op.operationId} also used by ${ids.get(op.operationId)}`);
      else ids.set(op.operationId, name);
      if (!op.tags?.length || op.tags.includes('other')) missing.push(`${name}: no tag`);
      const ok = Object.entries(op.responses ?? {}).filter(([status]) => /^2\d\d$/.test(status));
      if (ok.length === 0 || !ok.every(([, r]) => r.content?.['application/json']?.schema)) {
        missing.push(`${name}: no response schema for its 2xx status`);
      }
      if (!op.responses?.['4XX']?.content?.['application/json']?.schema) missing.push(`${name}: no 4XX error body`);
    }
    expect(missing).toEqual([]);
  });

  it('marks sign-in as needing no token, and names the shared shapes as components', () => {
    expect(doc.paths['/api/v1/login/access-token']?.post?.security).toEqual([]);
    expect(doc.paths['/api/v1/datasources/list']?.post?.security).toBeUndefined();
    for (const name of ['ErrorBody', 'DataSource', 'DataSourcePage', 'EndpointDetail', 'Client', 'AccessLog']) {
      expect(Object.keys(doc.components.schemas)).toContain(name);
    }
  });

  it('keeps the field details of a validation error through the shared error schema', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasources/create',
      headers: bearer(token),
      payload: { name: 'x', product_type: 'postgres', database: 'db', port: 'not-a-port' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ success: false, code: 'validation_error', data: [] });
    expect(res.json().details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'body.port' })]));
  });

  it('matches the committed web/src/api/schema.d.ts (run npm run gen:api after changing an admin route)', async () => {
    const committed = fs.existsSync(SCHEMA_FILE) ? fs.readFileSync(SCHEMA_FILE, 'utf8') : '';
    const generated = await generateAdminTypes();
    expect(committed === generated, 'web/src/api/schema.d.ts is stale: run npm run gen:api').toBe(true);
  });
});
