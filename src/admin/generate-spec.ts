/**
 * `POST /api/v1/datasources/{id}/generate-spec`: the `portico introspect` command as an admin route, so the UI
 * can turn a live schema into an annotated OpenAPI document, review it and import it. Reads only the database's
 * catalog, through the data source's live pool.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../services.ts';
import { introspectToSpec, specToYaml } from '../openapi/generate/index.ts';
import { IdParams, ok } from './schemas.ts';

const Body = Type.Object({
  /** Schema to read (PostgreSQL); default: the connection's default schema. */
  schema: Type.Optional(Type.Union([Type.Null(), Type.String({ minLength: 1, maxLength: 255 })])),
  format: Type.Optional(Type.Union([Type.Literal('yaml'), Type.Literal('json')])),
});

export const GeneratedSpec = Type.Object(
  {
    content: Type.String(),
    format: Type.Union([Type.Literal('yaml'), Type.Literal('json')]),
    /** One line per table read, then a summary: what the generator did. */
    report: Type.Array(Type.String()),
  },
  { title: 'GeneratedSpec' },
);

export function generateSpecRoute(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.post(
    '/datasources/:id/generate-spec',
    {
      config: { permission: { resource: 'datasource', action: 'execute', objectParam: 'id' } },
      schema: { operationId: 'generateDataSourceSpec', params: IdParams, body: Type.Optional(Body), response: ok(GeneratedSpec) },
    },
    async (request) => {
      const { pool, dialect } = await services.dataSourcePool(request.params.id);
      const ds = await services.datasources.get(request.params.id);
      const report: string[] = [];
      const spec = await introspectToSpec(pool, dialect, { datasource: ds.name, schema: request.body?.schema ?? null }, (line) =>
        report.push(line),
      );
      const format = request.body?.format ?? 'yaml';
      return { content: format === 'json' ? `${JSON.stringify(spec, null, 2)}\n` : specToYaml(spec), format, report };
    },
  );
}
