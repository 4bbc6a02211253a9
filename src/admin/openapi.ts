/**
 * The admin API's own OpenAPI 3.1 document, served at `GET /api/v1/openapi.json`. `@fastify/swagger` is
 * registered inside the admin scope, so it sees only `/api/v1` routes; each route brings its `operationId`
 * and response schemas, and this module adds the tag (from the URL's area) and the bearer requirement
 * (none for public routes). The UI's typed client is generated from this document (`npm run gen:api`).
 */
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { Type } from '@fastify/type-provider-typebox';
import type { RoutePermission } from '../auth/permissions.ts';
import { ok } from './schemas.ts';

/** The first path segment after `/api/v1` → the document's tag. */
const TAGS: Record<string, string> = {
  login: 'auth',
  logout: 'auth',
  'users/me': 'auth',
  'openapi.json': 'auth',
  users: 'users',
  roles: 'roles',
  datasources: 'datasources',
  specs: 'specs',
  modules: 'modules',
  'api-assignments': 'endpoints',
  'macro-defs': 'macros',
  clients: 'clients',
  groups: 'groups',
  firewall: 'firewall',
  'access-logs': 'access-logs',
  overview: 'overview',
};

const TAG_DESCRIPTIONS: Record<string, string> = {
  auth: 'Sign-in, sign-out and the signed-in user',
  users: 'Administrators',
  roles: 'Roles and their permission matrix',
  datasources: 'Connections to databases',
  specs: 'Imported table-API specs (each one a module)',
  modules: 'Groups of endpoints under a URL prefix',
  endpoints: 'Managed SQL and script endpoints, their versions, publishing and debug',
  macros: 'Reusable Jinja macros and their versions',
  clients: 'Gateway clients',
  groups: 'Groups of gateway clients with their grants',
  firewall: 'IP allow and deny rules',
  'access-logs': 'Gateway access records',
  overview: 'Dashboard figures',
};

export function tagOf(url: string): string {
  const rest = url.replace(/^\/api\/v1\//, '');
  if (rest === 'users/me' || rest.startsWith('users/me/')) return TAGS['users/me']!;
  return TAGS[rest.split('/')[0]!] ?? 'other';
}

interface OpenApiDocument {
  paths?: unknown;
  components?: { schemas?: Record<string, unknown> };
}

/**
 * Every schema with a `title` (the admin shapes: `User`, `Datasource`, `ErrorBody`…) becomes one named
 * component that operations refer to, so the generated UI types have a name for each shape. Two different
 * schemas with the same title are a mistake and fail the document.
 */
function nameComponents(doc: OpenApiDocument): OpenApiDocument {
  const schemas: Record<string, unknown> = { ...doc.components?.schemas };
  const texts = new Map<string, string>();
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, unknown> = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, visit(v)]));
    const title = out.title;
    if (typeof title !== 'string' || !('type' in out || 'anyOf' in out)) return out;
    const text = JSON.stringify(out);
    const before = texts.get(title);
    if (before !== undefined && before !== text) throw new Error(`Two different admin API schemas are titled ${title}`);
    texts.set(title, text);
    schemas[title] = out;
    return { $ref: `#/components/schemas/${title}` };
  };
  const paths = visit(doc.paths);
  return { ...doc, paths, components: { ...doc.components, schemas } };
}

/** Registers the document collector; call before any admin route is added. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Portico admin API',
        version: '1',
        description: 'The admin API under /api/v1: every route needs a dashboard token unless marked otherwise.',
      },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
      security: [{ bearerAuth: [] }],
      tags: Object.entries(TAG_DESCRIPTIONS).map(([name, description]) => ({ name, description })),
    },
    transform: ({ schema, url, route }) => {
      const permission = (route.config as { permission?: RoutePermission } | undefined)?.permission;
      const base = (schema ?? {}) as Record<string, unknown>;
      return {
        schema: {
          ...base,
          tags: (base.tags as string[] | undefined) ?? [tagOf(url)],
          ...(permission === 'public' ? { security: [] } : {}),
        } as typeof schema,
        url,
      };
    },
    transformObject: (input) =>
      nameComponents(('openapiObject' in input ? input.openapiObject : input.swaggerObject) as OpenApiDocument) as never,
  });

  app.get(
    '/openapi.json',
    {
      config: { permission: 'authenticated' },
      schema: {
        operationId: 'getOpenApiDocument',
        response: ok(Type.Object({}, { additionalProperties: true })),
      },
    },
    async () => app.swagger(),
  );
}
