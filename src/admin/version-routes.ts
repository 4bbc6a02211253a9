/**
 * The version routes endpoints and macros share, under `{base}/:id/versions`: list, commit, diff, get,
 * restore and delete. Every route naming a version checks that it belongs to `:id` (404 otherwise).
 */
import type { FastifyInstance } from 'fastify';
import { Type, type TSchema, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ResourceType } from '../auth/permissions.ts';
import type { CommitInput, VersionDiff } from '../catalog/versions.ts';
import { notFound } from '../errors.ts';
import { Commit, Id, IdParams, MessageBody, VersionDiffOut, VersionParams, created, ok } from './schemas.ts';

/** What the routes need of a repository with versions (`V`: one version as `getVersion` returns it). */
export interface VersionedRepository<V> {
  listVersions(id: string): Promise<unknown[]>;
  commitVersion(id: string, commit: CommitInput): Promise<unknown>;
  getVersion(versionId: string): Promise<V>;
  diffVersions(fromId: string, toId: string): Promise<VersionDiff>;
  restoreVersion(id: string, versionId: string): Promise<unknown>;
  deleteVersion(versionId: string): Promise<void>;
}

export interface VersionRoutesOptions<V> {
  /** The aggregate's URL base, e.g. `/api-assignments`. */
  base: string;
  /** The permission resource (read to see versions, update to change them, checked for `:id`). */
  resource: ResourceType;
  repo: VersionedRepository<V>;
  /** The id of the aggregate a version belongs to. */
  ownerOf: (version: V) => string;
  /** Names the operations: `Endpoint` → `listEndpointVersions`, `commitEndpointVersion`… */
  noun: string;
  /** Response shapes: a version in a list, a version in full, the aggregate (what a restore answers). */
  schemas: { summary: TSchema; version: TSchema; detail: TSchema };
}

/** `getVersion`, refused (404) when the version belongs to another aggregate than `id`. */
export function ownVersion<V>(
  repo: Pick<VersionedRepository<V>, 'getVersion'>,
  ownerOf: (version: V) => string,
): (id: string, versionId: string) => Promise<V> {
  return async (id, versionId) => {
    const version = await repo.getVersion(versionId);
    if (ownerOf(version) !== id) throw notFound(`Version ${versionId} not found`);
    return version;
  };
}

export function versionRoutes<V>(app: FastifyInstance, options: VersionRoutesOptions<V>): void {
  const { base, resource, repo, noun, schemas } = options;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const perm = (action: 'read' | 'update') => ({ permission: { resource, action, objectParam: 'id' } });
  const own = ownVersion(repo, options.ownerOf);

  r.get(`${base}/:id/versions`, { config: perm('read'), schema: { operationId: `list${noun}Versions`, params: IdParams, response: ok(Type.Array(schemas.summary)) } }, async (request) =>
    repo.listVersions(request.params.id),
  );
  r.post(`${base}/:id/versions/create`, { config: perm('update'), schema: { operationId: `commit${noun}Version`, params: IdParams, body: Commit, response: created(schemas.version) } }, async (request, reply) => {
    const version = await repo.commitVersion(request.params.id, {
      commit_message: request.body.commit_message ?? null,
      committed_by: request.principal!.username,
    });
    reply.status(201);
    return version;
  });
  r.get(`${base}/:id/versions/diff`, {
    config: perm('read'),
    schema: { operationId: `diff${noun}Versions`, params: IdParams, querystring: Type.Object({ from: Id, to: Id }), response: ok(VersionDiffOut) },
  }, async (request) => {
    await own(request.params.id, request.query.from);
    await own(request.params.id, request.query.to);
    return repo.diffVersions(request.query.from, request.query.to);
  });
  r.get(`${base}/:id/versions/:versionId`, { config: perm('read'), schema: { operationId: `get${noun}Version`, params: VersionParams, response: ok(schemas.version) } }, async (request) =>
    own(request.params.id, request.params.versionId),
  );
  r.post(`${base}/:id/versions/:versionId/restore`, { config: perm('update'), schema: { operationId: `restore${noun}Version`, params: VersionParams, response: ok(schemas.detail) } }, async (request) => {
    await own(request.params.id, request.params.versionId);
    return repo.restoreVersion(request.params.id, request.params.versionId);
  });
  r.delete(`${base}/:id/versions/:versionId`, { config: perm('update'), schema: { operationId: `delete${noun}Version`, params: VersionParams, response: ok(MessageBody) } }, async (request) => {
    await own(request.params.id, request.params.versionId);
    await repo.deleteVersion(request.params.versionId);
    return { message: 'Version deleted' };
  });
}
