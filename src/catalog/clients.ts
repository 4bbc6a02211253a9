/**
 * Gateway clients: applications that exchange `client_id` + secret for a gateway token. The secret is shown
 * once (create, regenerate) and stored only as an argon2id hash. A client may call a private route granted to
 * it directly or through an active group, by endpoint or by module (a module grant covers every route of the
 * module, generated table routes included). Regenerating the secret or deactivating the client bumps
 * `tokens_valid_after`, so every token issued before dies at once.
 *
 * Also here: the grant helpers groups share, and the one read the gateway's access snapshot is built from.
 */
import crypto from 'node:crypto';
import type { Selectable, Transaction } from 'kysely';
import type { Catalog } from './catalog.ts';
import { flag, now } from './catalog.ts';
import type { CatalogDatabase, ClientTable } from './schema.ts';
import { containsText, paging, uniquely, type Page, type PageQuery } from './versions.ts';
import { hashSecret } from '../auth/hashing.ts';
import { badRequest, notFound } from '../errors.ts';
import { deleteClientFirewallRules } from './firewall.ts';

export type ClientRow = Selectable<ClientTable>;
type Trx = Transaction<CatalogDatabase>;

export const TOKEN_EXPIRE_MIN = 60;
export const TOKEN_EXPIRE_MAX = 86_400;
export const TOKEN_EXPIRE_DEFAULT = 3600;
export const SECRET_MIN_LENGTH = 8;
export const SECRET_MAX_LENGTH = 1024;
const CLIENT_ID = /^[A-Za-z0-9._~-]{3,128}$/;

export interface ClientPublic {
  id: string;
  name: string;
  client_id: string;
  description: string | null;
  rate_limit_per_minute: number | null;
  max_concurrent: number | null;
  token_expire_seconds: number;
  is_active: boolean;
  created_at: string;
  updated_at: string;
}

/** Why a client may call something: its own grant or an active group's, naming an endpoint or a module. */
export interface GrantSource {
  kind: 'direct' | 'group';
  group_id: string | null;
  group_name: string | null;
  scope: 'endpoint' | 'module';
}

export interface EffectiveEndpoint {
  id: string;
  name: string;
  http_method: string;
  /** Relative to the module prefix. */
  path: string;
  module_id: string;
  module: string;
  via: GrantSource[];
}

export interface EffectiveModule {
  id: string;
  name: string;
  path_prefix: string;
  via: GrantSource[];
}

export interface ClientDetail extends ClientPublic {
  group_ids: string[];
  /** Direct grants. */
  api_assignment_ids: string[];
  module_ids: string[];
  /**
   * Managed endpoints the client may call: granted directly, through an active group, or through a module
   * grant (which also covers the module's generated table routes, listed in `effective_modules`).
   */
  effective_endpoints: EffectiveEndpoint[];
  effective_modules: EffectiveModule[];
}

export interface ClientInput {
  name: string;
  /** Default: generated (`cli_` + 24 hex digits). */
  client_id?: string;
  /** At least 8 characters; default: generated (43 random URL-safe characters). */
  client_secret?: string;
  description?: string | null;
  rate_limit_per_minute?: number | null;
  max_concurrent?: number | null;
  /** 60–86400, default 3600. */
  token_expire_seconds?: number;
  is_active?: boolean;
  /** Replace the memberships / direct grants when given. */
  group_ids?: string[];
  api_assignment_ids?: string[];
  module_ids?: string[];
}

export type ClientPatch = Partial<Omit<ClientInput, 'client_id' | 'client_secret'>>;

export interface ClientListQuery extends PageQuery {
  name__ilike?: string;
  is_active?: boolean;
}

export const generateClientId = (): string => `cli_${crypto.randomBytes(12).toString('hex')}`;
export const generateSecret = (): string => crypto.randomBytes(32).toString('base64url');

const toPublic = (r: ClientRow): ClientPublic => ({
  id: r.id,
  name: r.name,
  client_id: r.client_id,
  description: r.description,
  rate_limit_per_minute: r.rate_limit_per_minute,
  max_concurrent: r.max_concurrent,
  token_expire_seconds: r.token_expire_seconds,
  is_active: r.is_active === 1,
  created_at: r.created_at,
  updated_at: r.updated_at,
});

export class ClientRepository {
  readonly #catalog: Catalog;

  constructor(catalog: Catalog) {
    this.#catalog = catalog;
  }

  async list(q: ClientListQuery = {}): Promise<Page<ClientPublic>> {
    const { limit, offset } = paging(q);
    let query = this.#catalog.db.selectFrom('clients');
    if (q.is_active !== undefined) query = query.where('is_active', '=', flag(q.is_active));
    if (q.name__ilike) query = query.where(containsText('clients.name', q.name__ilike));
    const total = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await query.selectAll().orderBy('name').limit(limit).offset(offset).execute();
    return { data: rows.map(toPublic), total: Number(total.n) };
  }

  async get(id: string): Promise<ClientDetail> {
    const db = this.#catalog.db;
    const row = await this.byId(id);
    if (!row) throw notFound(`Client ${id} not found`);
    const groups = await db
      .selectFrom('client_groups')
      .innerJoin('groups', 'groups.id', 'client_groups.group_id')
      .select(['groups.id', 'groups.name', 'groups.is_active'])
      .where('client_groups.client_id', '=', id)
      .orderBy('groups.name')
      .execute();
    const direct = await db.selectFrom('client_grants').select(['api_assignment_id', 'module_id']).where('client_id', '=', id).execute();
    const active = groups.filter((g) => g.is_active === 1);
    const viaGroups = active.length
      ? await db
          .selectFrom('group_grants')
          .select(['group_id', 'api_assignment_id', 'module_id'])
          .where('group_id', 'in', active.map((g) => g.id))
          .execute()
      : [];
    const groupName = new Map(active.map((g) => [g.id, g.name]));
    const grants: { endpointId: string | null; moduleId: string | null; source: Omit<GrantSource, 'scope'> }[] = [
      ...direct.map((g) => ({
        endpointId: g.api_assignment_id,
        moduleId: g.module_id,
        source: { kind: 'direct' as const, group_id: null, group_name: null },
      })),
      ...viaGroups.map((g) => ({
        endpointId: g.api_assignment_id,
        moduleId: g.module_id,
        source: { kind: 'group' as const, group_id: g.group_id, group_name: groupName.get(g.group_id) ?? null },
      })),
    ];
    const effective = await this.#effective(grants);
    return {
      ...toPublic(row),
      group_ids: groups.map((g) => g.id),
      api_assignment_ids: sortedIds(direct.map((g) => g.api_assignment_id)),
      module_ids: sortedIds(direct.map((g) => g.module_id)),
      ...effective,
    };
  }

  byId(id: string): Promise<ClientRow | undefined> {
    return this.#catalog.db.selectFrom('clients').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** For the token route: the row by its public `client_id`. */
  byClientId(clientId: string): Promise<ClientRow | undefined> {
    return this.#catalog.db.selectFrom('clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
  }

  /** Creates the client; the answer carries the secret, the only time it is ever shown. */
  async create(input: ClientInput): Promise<ClientDetail & { client_secret: string }> {
    checkFields(input);
    const clientId = input.client_id ?? generateClientId();
    if (!CLIENT_ID.test(clientId)) {
      throw badRequest('client_id: 3–128 characters from A–Z, a–z, 0–9, ".", "_", "~", "-"');
    }
    const secret = input.client_secret ?? generateSecret();
    checkSecret(secret);
    const secretHash = await hashSecret(secret);
    const id = crypto.randomUUID();
    await this.#catalog.write(async (trx, changed) => {
      const time = now();
      await uniquely(
        () =>
          trx
            .insertInto('clients')
            .values({
              id,
              name: input.name,
              client_id: clientId,
              secret_hash: secretHash,
              description: input.description ?? null,
              rate_limit_per_minute: input.rate_limit_per_minute ?? null,
              max_concurrent: input.max_concurrent ?? null,
              token_expire_seconds: input.token_expire_seconds ?? TOKEN_EXPIRE_DEFAULT,
              is_active: flag(input.is_active ?? true),
              // Nothing was issued before the client existed.
              tokens_valid_after: new Date(0).toISOString(),
              created_at: time,
              updated_at: time,
            })
            .execute(),
        `A client named "${input.name}" or with client_id "${clientId}" already exists`,
      );
      await setMemberships(trx, id, input.group_ids);
      await replaceGrants(trx, 'client_grants', id, input.api_assignment_ids, input.module_ids);
      changed('client', id);
    });
    return { ...(await this.get(id)), client_secret: secret };
  }

  /** Fields left out keep their value; lists given replace the old ones. Deactivating ends every token. */
  async update(id: string, patch: ClientPatch): Promise<ClientDetail> {
    checkFields(patch);
    await this.#catalog.write(async (trx, changed) => {
      const row = await trx.selectFrom('clients').select(['id', 'is_active']).where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound(`Client ${id} not found`);
      const time = now();
      const deactivated = patch.is_active === false && row.is_active === 1;
      await uniquely(
        () =>
          trx
            .updateTable('clients')
            .set({
              ...(patch.name !== undefined ? { name: patch.name } : {}),
              ...(patch.description !== undefined ? { description: patch.description } : {}),
              ...(patch.rate_limit_per_minute !== undefined ? { rate_limit_per_minute: patch.rate_limit_per_minute } : {}),
              ...(patch.max_concurrent !== undefined ? { max_concurrent: patch.max_concurrent } : {}),
              ...(patch.token_expire_seconds !== undefined ? { token_expire_seconds: patch.token_expire_seconds } : {}),
              ...(patch.is_active !== undefined ? { is_active: flag(patch.is_active) } : {}),
              ...(deactivated ? { tokens_valid_after: time } : {}),
              updated_at: time,
            })
            .where('id', '=', id)
            .execute(),
        `A client named "${patch.name ?? ''}" already exists`,
      );
      await setMemberships(trx, id, patch.group_ids);
      await replaceGrants(trx, 'client_grants', id, patch.api_assignment_ids, patch.module_ids);
      changed('client', id);
    });
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    await this.#catalog.write(async (trx, changed) => {
      const gone = await trx.deleteFrom('clients').where('id', '=', id).executeTakeFirst();
      if (Number(gone.numDeletedRows) === 0) throw notFound(`Client ${id} not found`);
      await deleteClientFirewallRules(trx, changed, id);
      changed('client', id);
    });
  }

  /** A new random secret, shown once; every token issued with the old one stops working. */
  async regenerateSecret(id: string): Promise<{ id: string; client_id: string; client_secret: string }> {
    const secret = generateSecret();
    const secretHash = await hashSecret(secret);
    const clientId = await this.#catalog.write(async (trx, changed) => {
      const row = await trx.selectFrom('clients').select('client_id').where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound(`Client ${id} not found`);
      const time = now();
      await trx
        .updateTable('clients')
        .set({ secret_hash: secretHash, tokens_valid_after: time, updated_at: time })
        .where('id', '=', id)
        .execute();
      changed('client', id);
      return row.client_id;
    });
    return { id, client_id: clientId, client_secret: secret };
  }

  async #effective(
    grants: { endpointId: string | null; moduleId: string | null; source: Omit<GrantSource, 'scope'> }[],
  ): Promise<{ effective_endpoints: EffectiveEndpoint[]; effective_modules: EffectiveModule[] }> {
    const db = this.#catalog.db;
    const endpointIds = unique(grants.map((g) => g.endpointId));
    const moduleIds = unique(grants.map((g) => g.moduleId));
    const endpointCols = [
      'api_assignments.id',
      'api_assignments.name',
      'api_assignments.http_method',
      'api_assignments.path',
      'api_assignments.module_id',
      'modules.name as module',
    ] as const;
    const byId = endpointIds.length
      ? await db
          .selectFrom('api_assignments')
          .innerJoin('modules', 'modules.id', 'api_assignments.module_id')
          .select(endpointCols)
          .where('api_assignments.id', 'in', endpointIds)
          .execute()
      : [];
    const inModules = moduleIds.length
      ? await db
          .selectFrom('api_assignments')
          .innerJoin('modules', 'modules.id', 'api_assignments.module_id')
          .select(endpointCols)
          .where('api_assignments.module_id', 'in', moduleIds)
          .execute()
      : [];
    const modules = moduleIds.length
      ? await db.selectFrom('modules').select(['id', 'name', 'path_prefix']).where('id', 'in', moduleIds).execute()
      : [];

    const endpoints = new Map<string, EffectiveEndpoint>();
    const add = (e: (typeof byId)[number], via: GrantSource) => {
      let entry = endpoints.get(e.id);
      if (!entry) endpoints.set(e.id, (entry = { ...e, via: [] }));
      entry.via.push(via);
    };
    const effectiveModules = new Map<string, EffectiveModule>(modules.map((m) => [m.id, { ...m, via: [] }]));
    for (const g of grants) {
      if (g.endpointId) {
        const e = byId.find((x) => x.id === g.endpointId);
        if (e) add(e, { ...g.source, scope: 'endpoint' });
      } else if (g.moduleId) {
        effectiveModules.get(g.moduleId)?.via.push({ ...g.source, scope: 'module' });
        for (const e of inModules) if (e.module_id === g.moduleId) add(e, { ...g.source, scope: 'module' });
      }
    }
    const order = <T extends { name: string }>(a: T & { module?: string }, b: T & { module?: string }) =>
      (a.module ?? '').localeCompare(b.module ?? '') || a.name.localeCompare(b.name);
    return {
      effective_endpoints: [...endpoints.values()].sort(order),
      effective_modules: [...effectiveModules.values()].sort(order),
    };
  }
}

// ---- checks ----------------------------------------------------------------------------------------------

function checkFields(input: ClientPatch): void {
  if (input.name !== undefined && input.name.trim() === '') throw badRequest('name: must not be blank');
  const t = input.token_expire_seconds;
  if (t !== undefined && (!Number.isInteger(t) || t < TOKEN_EXPIRE_MIN || t > TOKEN_EXPIRE_MAX)) {
    throw badRequest(`token_expire_seconds: an integer from ${TOKEN_EXPIRE_MIN} to ${TOKEN_EXPIRE_MAX}`);
  }
  for (const field of ['rate_limit_per_minute', 'max_concurrent'] as const) {
    const v = input[field];
    if (v !== undefined && v !== null && (!Number.isInteger(v) || v < 1)) {
      throw badRequest(`${field}: a positive integer, or null for the gateway default`);
    }
  }
}

function checkSecret(secret: string): void {
  if (secret.length < SECRET_MIN_LENGTH || secret.length > SECRET_MAX_LENGTH) {
    throw badRequest(`client_secret: ${SECRET_MIN_LENGTH} to ${SECRET_MAX_LENGTH} characters`);
  }
}

// ---- grants and memberships (shared with groups) ---------------------------------------------------------

const unique = (ids: (string | null | undefined)[]): string[] => [...new Set(ids.filter((x): x is string => !!x))];
const sortedIds = (ids: (string | null)[]): string[] => unique(ids).sort();

/** 400 naming the ids of `table` that do not exist. */
export async function assertExist(
  trx: Trx,
  table: 'api_assignments' | 'modules' | 'groups' | 'clients',
  ids: string[],
  field: string,
): Promise<void> {
  if (ids.length === 0) return;
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += 200) {
    const rows = await trx.selectFrom(table).select('id').where('id', 'in', ids.slice(i, i + 200)).execute();
    for (const r of rows) found.add(r.id);
  }
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length) throw badRequest(`${field}: not found: ${missing.join(', ')}`);
}

/**
 * Replaces the owner's endpoint grants when `endpointIds` is given and its module grants when `moduleIds` is;
 * a list left out keeps its grants.
 */
export async function replaceGrants(
  trx: Trx,
  table: 'client_grants' | 'group_grants',
  ownerId: string,
  endpointIds: string[] | undefined,
  moduleIds: string[] | undefined,
): Promise<void> {
  // Both tables have the same shape apart from the owner column: write through the client one's types.
  const t = table as 'client_grants';
  const owner = (table === 'client_grants' ? 'client_id' : 'group_id') as 'client_id';
  for (const [column, given, field] of [
    ['api_assignment_id', endpointIds, 'api_assignment_ids'],
    ['module_id', moduleIds, 'module_ids'],
  ] as const) {
    if (given === undefined) continue;
    const ids = unique(given);
    await assertExist(trx, column === 'module_id' ? 'modules' : 'api_assignments', ids, field);
    await trx.deleteFrom(t).where(owner, '=', ownerId).where(column, 'is not', null).execute();
    for (let i = 0; i < ids.length; i += 200) {
      const values = ids.slice(i, i + 200).map((target) => ({
        id: crypto.randomUUID(),
        [owner]: ownerId,
        api_assignment_id: column === 'api_assignment_id' ? target : null,
        module_id: column === 'module_id' ? target : null,
      }));
      await trx.insertInto(t).values(values as { id: string; client_id: string }[]).execute();
    }
  }
}

/** Replaces a client's groups when `groupIds` is given. */
async function setMemberships(trx: Trx, clientId: string, groupIds: string[] | undefined): Promise<void> {
  if (groupIds === undefined) return;
  const ids = unique(groupIds);
  await assertExist(trx, 'groups', ids, 'group_ids');
  await trx.deleteFrom('client_groups').where('client_id', '=', clientId).execute();
  if (ids.length) {
    await trx.insertInto('client_groups').values(ids.map((group_id) => ({ client_id: clientId, group_id }))).execute();
  }
}

// ---- what the gateway's access snapshot is built from ---------------------------------------------------

export interface ClientAccess {
  id: string;
  name: string;
  isActive: boolean;
  tokensValidAfter: string;
  rateLimitPerMinute: number | null;
  maxConcurrent: number | null;
  /** Direct grants and those of the client's active groups. */
  endpointIds: Set<string>;
  moduleIds: Set<string>;
}

/** Every client with its effective grants, in four queries (no per-client query). */
export async function readClientAccess(catalog: Catalog): Promise<Map<string, ClientAccess>> {
  const db = catalog.db;
  const [clients, direct, memberships, groupGrants] = await Promise.all([
    db
      .selectFrom('clients')
      .select(['id', 'name', 'is_active', 'tokens_valid_after', 'rate_limit_per_minute', 'max_concurrent'])
      .execute(),
    db.selectFrom('client_grants').select(['client_id', 'api_assignment_id', 'module_id']).execute(),
    db
      .selectFrom('client_groups')
      .innerJoin('groups', 'groups.id', 'client_groups.group_id')
      .select(['client_groups.client_id', 'client_groups.group_id'])
      .where('groups.is_active', '=', 1)
      .execute(),
    db
      .selectFrom('group_grants')
      .innerJoin('groups', 'groups.id', 'group_grants.group_id')
      .select(['group_grants.group_id', 'group_grants.api_assignment_id', 'group_grants.module_id'])
      .where('groups.is_active', '=', 1)
      .execute(),
  ]);
  const out = new Map<string, ClientAccess>();
  for (const c of clients) {
    out.set(c.id, {
      id: c.id,
      name: c.name,
      isActive: c.is_active === 1,
      tokensValidAfter: c.tokens_valid_after,
      rateLimitPerMinute: c.rate_limit_per_minute,
      maxConcurrent: c.max_concurrent,
      endpointIds: new Set(),
      moduleIds: new Set(),
    });
  }
  const grant = (clientId: string, g: { api_assignment_id: string | null; module_id: string | null }) => {
    const c = out.get(clientId);
    if (!c) return;
    if (g.api_assignment_id) c.endpointIds.add(g.api_assignment_id);
    if (g.module_id) c.moduleIds.add(g.module_id);
  };
  for (const g of direct) grant(g.client_id, g);
  const byGroup = new Map<string, typeof groupGrants>();
  for (const g of groupGrants) byGroup.set(g.group_id, [...(byGroup.get(g.group_id) ?? []), g]);
  for (const m of memberships) for (const g of byGroup.get(m.group_id) ?? []) grant(m.client_id, g);
  return out;
}
