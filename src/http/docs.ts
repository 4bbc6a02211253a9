/** `/openapi.json` (everything published, or `?module=`) and `/docs`, a Swagger UI page to read and try it. */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { Services } from '../services.ts';
import { exportOpenApi } from '../openapi/export/document.ts';
import { notFound } from '../errors.ts';

const UI_DIR = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Portico API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>`;

const INIT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json' + location.search,
  dom_id: '#ui',
  deepLinking: true,
  tryItOutEnabled: true,
});`;

export async function docsPlugin(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const { services } = opts;
  app.get('/openapi.json', async (request) => {
    const module = (request.query as { module?: string }).module;
    const snapshot = services.gateway.snapshot;
    if (module && !snapshot.modules.some((m) => m.module === module)) throw notFound(`No published module "${module}"`);
    return exportOpenApi(snapshot, { module });
  });
  app.get('/docs', async (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
  app.get('/docs/init.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(INIT));
  await app.register(fastifyStatic, { root: UI_DIR, prefix: '/docs/assets/', decorateReply: false, index: false });
}
