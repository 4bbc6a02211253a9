/**
 * `npm run gen:api`: writes the UI's admin API types (`web/src/api/schema.d.ts`) from the admin API's OpenAPI
 * document. The document comes from a real app built in-process on a throwaway catalog (no server, no network),
 * so the types always describe the routes as they are registered. The output is deterministic: run it after
 * changing an admin route and commit the result (a test fails when it is stale).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { createServices } from '../src/services.ts';
import { buildApp } from '../src/server.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SCHEMA_FILE = path.join(ROOT, 'web/src/api/schema.d.ts');

const HEADER = `/**
 * The admin API's types, generated from GET /api/v1/openapi.json by \`npm run gen:api\` (scripts/gen-api.ts).
 * Do not edit: change the route schemas in src/admin/ and run the generator again.
 */

`;

/** The admin API's OpenAPI document, as a signed-in user fetches it from a fresh instance. */
export async function fetchAdminDocument(): Promise<Record<string, unknown>> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-gen-api-'));
  const user = { username: 'gen-api', password: 'gen-api-password' };
  const config = loadConfig({
    DATA_DIR: dataDir,
    FIRST_SUPERUSER: user.username,
    FIRST_SUPERUSER_PASSWORD: user.password,
    PORTICO_DEMO: 'false',
    LOG_LEVEL: 'silent',
  });
  const services = await createServices(config, createLogger(config));
  try {
    const app = await buildApp(services).catch(async (err: unknown) => {
      await services.close();
      throw err;
    });
    try {
      await app.ready();
      const login = await app.inject({ method: 'POST', url: '/api/v1/login/access-token', payload: user });
      if (login.statusCode !== 200) throw new Error(`sign-in failed: ${login.statusCode} ${login.body}`);
      const token = (login.json() as { access_token: string }).access_token;
      const res = await app.inject({ method: 'GET', url: '/api/v1/openapi.json', headers: { authorization: `Bearer ${token}` } });
      if (res.statusCode !== 200) throw new Error(`GET /api/v1/openapi.json answered ${res.statusCode} ${res.body}`);
      return res.json() as Record<string, unknown>;
    } finally {
      await app.close();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The text of `web/src/api/schema.d.ts` for a document. */
export async function renderTypes(document: Record<string, unknown>): Promise<string> {
  const ast = await openapiTS(document as unknown as Parameters<typeof openapiTS>[0], { alphabetize: false });
  return HEADER + astToString(ast);
}

export async function generateAdminTypes(): Promise<string> {
  return renderTypes(await fetchAdminDocument());
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = await generateAdminTypes();
  fs.mkdirSync(path.dirname(SCHEMA_FILE), { recursive: true });
  fs.writeFileSync(SCHEMA_FILE, text);
  console.log(`wrote ${path.relative(ROOT, SCHEMA_FILE)}`);
}
