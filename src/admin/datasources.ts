/** `/api/v1/datasources/...` with pyDBAPI's route names and payloads. Passwords go in, never out. */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../services.ts';
import { DATA_SOURCE_TYPES, SSL_MODES, type ConnectionSettings } from '../datasources/dialect.ts';
import { testConnection } from '../datasources/test-connection.ts';
import { poolLimits } from '../config.ts';
import { AppError, badRequest } from '../errors.ts';
import { MessageBody, Nullable, Paged, StringEnum, created, ok } from './schemas.ts';

const ProductType = Type.Union(DATA_SOURCE_TYPES.map((t) => Type.Literal(t)));
const Name = Type.String({ minLength: 1, maxLength: 255 });
const Host = Type.Union([Type.Null(), Type.String({ minLength: 1, maxLength: 255 })]);
const Port = Type.Union([Type.Null(), Type.Integer({ minimum: 1, maximum: 65535 })]);
const Database = Type.String({ minLength: 1, maxLength: 1024 });
const Username = Type.Union([Type.Null(), Type.String({ minLength: 1, maxLength: 255 })]);
const Password = Type.Union([Type.Null(), Type.String({ maxLength: 1024 })]);
const SslMode = Type.Union(SSL_MODES.map((m) => Type.Literal(m)));
const Options = Type.Record(Type.String(), Type.Unknown());
const Description = Type.Union([Type.Null(), Type.String({ maxLength: 2000 })]);

const connectionFields = {
  product_type: ProductType,
  host: Type.Optional(Host),
  port: Type.Optional(Port),
  database: Database,
  username: Type.Optional(Username),
  password: Type.Optional(Password),
  ssl_mode: Type.Optional(SslMode),
  options: Type.Optional(Options),
};

const Create = Type.Object({
  name: Name,
  ...connectionFields,
  description: Type.Optional(Description),
  is_active: Type.Optional(Type.Boolean()),
});

const Update = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.Optional(Name),
  product_type: Type.Optional(ProductType),
  host: Type.Optional(Host),
  port: Type.Optional(Port),
  database: Type.Optional(Database),
  username: Type.Optional(Username),
  password: Type.Optional(Password),
  ssl_mode: Type.Optional(SslMode),
  options: Type.Optional(Options),
  description: Type.Optional(Description),
  is_active: Type.Optional(Type.Boolean()),
});

const ListQuery = Type.Object({
  page: Type.Integer({ minimum: 1, default: 1 }),
  page_size: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  product_type: Type.Optional(ProductType),
  is_active: Type.Optional(Type.Boolean()),
  name__ilike: Type.Optional(Type.String({ maxLength: 255 })),
});

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** A data source as the API shows it: never the password, only whether one is set. */
const DataSourceOut = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    product_type: StringEnum(DATA_SOURCE_TYPES),
    host: Nullable(Type.String()),
    port: Nullable(Type.Integer()),
    database: Type.String(),
    username: Nullable(Type.String()),
    has_password: Type.Boolean(),
    ssl_mode: StringEnum(SSL_MODES),
    options: Type.Record(Type.String(), Type.Unknown()),
    description: Nullable(Type.String()),
    is_active: Type.Boolean(),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { title: 'DataSource' },
);
const ConnectionTest = Type.Object(
  { ok: Type.Boolean(), message: Type.String(), latency_ms: Type.Number() },
  { title: 'ConnectionTestResult' },
);

/**
 * Network databases need a host; SQLite needs none, but its file may not be one of Portico's own (the catalog
 * and the secrets live in DATA_DIR): only DATA_DIR/databases/ is open to data sources there.
 */
function checkConnection(dataDir: string, s: { product_type: string; host?: string | null; database?: string }): void {
  if (s.product_type !== 'sqlite') {
    if (!s.host) throw badRequest(`host is required for ${s.product_type} data sources`);
    return;
  }
  if (s.database === undefined || s.database === ':memory:') return;
  const file = path.resolve(s.database);
  const inside = (dir: string) => file === dir || file.startsWith(dir + path.sep);
  if (inside(dataDir) && !inside(path.join(dataDir, 'databases'))) {
    throw badRequest(`database: SQLite files inside DATA_DIR are Portico's own; put data under ${path.join(dataDir, 'databases')}`);
  }
}

export function datasourceRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const ds = services.datasources;
  const limits = poolLimits(services.config);
  const dataDir = services.config.dataDir;
  const perm = (action: 'read' | 'create' | 'update' | 'delete' | 'execute', objectParam?: string) => ({
    permission: { resource: 'datasource' as const, action, ...(objectParam ? { objectParam } : {}) },
  });

  r.get('/datasources/types', { config: perm('read'), schema: { operationId: 'listDataSourceTypes', response: ok(Type.Array(StringEnum(DATA_SOURCE_TYPES))) } }, async () => [...DATA_SOURCE_TYPES]);

  r.post('/datasources/list', { config: perm('read'), schema: { operationId: 'listDataSources', body: ListQuery, response: ok(Paged(DataSourceOut)) } }, async (request) =>
    ds.list(request.body),
  );

  r.post('/datasources/create', { config: perm('create'), schema: { operationId: 'createDataSource', body: Create, response: created(DataSourceOut) } }, async (request, reply) => {
    checkConnection(dataDir, request.body);
    reply.status(201);
    return ds.create(request.body);
  });

  r.post('/datasources/update', { config: perm('update'), schema: { operationId: 'updateDataSource', body: Update, response: ok(DataSourceOut) } }, async (request) => {
    const { id, ...patch } = request.body;
    const current = await ds.get(id);
    checkConnection(dataDir, {
      product_type: patch.product_type ?? current.product_type,
      host: patch.host === undefined ? current.host : patch.host,
      database: patch.database ?? current.database,
    });
    return ds.update(id, patch);
  });

  r.delete('/datasources/delete/:id', { config: perm('delete', 'id'), schema: { operationId: 'deleteDataSource', params: IdParams, response: ok(MessageBody) } }, async (request) => {
    const users = await services.endpoints.endpointsUsingDataSource(request.params.id);
    if (users.length > 0) {
      const names = users.map((u) => `${u.module}/${u.name}`).join(', ');
      throw new AppError(409, 'datasource_in_use', `Endpoints still use this data source: ${names}`, users);
    }
    await ds.delete(request.params.id);
    return { message: 'Data source deleted' };
  });

  r.get('/datasources/:id', { config: perm('read', 'id'), schema: { operationId: 'getDataSource', params: IdParams, response: ok(DataSourceOut) } }, async (request) =>
    ds.get(request.params.id),
  );

  r.post('/datasources/test/:id', { config: perm('execute', 'id'), schema: { operationId: 'testDataSource', params: IdParams, response: ok(ConnectionTest) } }, async (request) => {
    const settings = await ds.settings(request.params.id);
    return testConnection(settings, limits);
  });

  const PreTest = Type.Object(connectionFields);
  r.post('/datasources/preTest', { config: perm('create'), schema: { operationId: 'preTestDataSource', body: PreTest, response: ok(ConnectionTest) } }, async (request) => {
    checkConnection(dataDir, request.body);
    const b = request.body;
    const settings: ConnectionSettings = {
      type: b.product_type,
      host: b.host ?? null,
      port: b.port ?? null,
      database: b.database,
      username: b.username ?? null,
      password: b.password ?? null,
      sslMode: b.ssl_mode ?? 'disable',
      options: b.options ?? {},
    };
    return testConnection(settings, limits);
  });
}
