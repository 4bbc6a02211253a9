/**
 * The version routes endpoints and macros share, under `{base}/:id/versions`: list, commit, diff, get,
 * restore and delete. Every route naming a version checks that it belongs to `:id` (404 otherwise).
 */
import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ResourceType } from '../auth/permissions.ts';
import type { CommitInput, VersionDiff } from '../catalog/versions.ts';
import { notFound } from '../errors.ts';
import { Commit, Id, IdParams, VersionParams } from './schemas.ts';

/** What the routes need of a repository with versions (`V`: one version as `getVersion` returns it). */
export interface VersionedRepository<V> {
  listVersions(id: string): Promise<unknown>;
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
  const { base, resource, repo } = options;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const perm = (action: 'read' | 'update') => ({ permission: { resource, action, objectParam: 'id' } });
  const own = ownVersion(repo, options.ownerOf);

  r.get(`${base}/:id/versions`, { config: perm('read'), schema: { params: IdParams } }, async (request) =>
    repo.listVersions(request.params.id),
  );
  r.post(`${base}/:id/versions/create`, { config: perm('update'), schema: { params: IdParams, body: Commit } }, async (request, reply) => {
    const version = await repo.commitVersion(request.params.id, {
      commit_message: request.body.commit_message ?? null,
      committed_by: request.principal!.username,
    });
    reply.status(201);
    return version;
  });
  r.get(`${base}/:id/versions/diff`, {
    config: perm('read'),
    schema: { params: IdParams, querystring: Type.Object({ from: Id, to: Id }) },
  }, async (request) => {
    await own(request.params.id, request.query.from);
    await own(request.params.id, request.query.to);
    return repo.diffVersions(request.query.from, request.query.to);
  });
  r.get(`${base}/:id/versions/:versionId`, { config: perm('read'), schema: { params: VersionParams } }, async (request) =>
    own(request.params.id, request.params.versionId),
  );
  r.post(`${base}/:id/versions/:versionId/restore`, { config: perm('update'), schema: { params: VersionParams } }, async (request) => {
    await own(request.params.id, request.params.versionId);
    return repo.restoreVersion(request.params.id, request.params.versionId);
  });
  r.delete(`${base}/:id/versions/:versionId`, { config: perm('update'), schema: { params: VersionParams } }, async (request) => {
    await own(request.params.id, request.params.versionId);
    await repo.deleteVersion(request.params.versionId);
    return { message: 'Version deleted' };
  });
}
