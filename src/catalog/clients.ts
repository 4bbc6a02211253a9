/**
 * Gateway clients: applications that exchange `client_id` + secret for a gateway token. The secret is shown
 * once (create, regenerate) and stored only as an argon2id hash. A client may call a private route granted to
 * it directly or through an active group, by endpoint or by module (a module grant covers every route of the
 * module, generated table routes included). Regenerating the secret or deactivating the client bumps
 * `tokens_valid_after`, so every token issued before dies at once.
 *
 * The grant helpers groups share, and the read the gateway's access snapshot is built from, are in grants.ts.
 */
import crypto from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Catalog } from './catalog.ts';
import { flag, now } from './catalog.ts';
import type { ClientTable } from './schema.ts';
import { uniquely, type Page } from './versions.ts';
import {
  deleteById,
  effectiveGrants,
  listByName,
  replaceGrants,
  replaceMemberships,
  sortedIds,
  unique,
  type EffectiveEndpoint,
  type EffectiveModule,
  type Grant,
  type NamedListQuery,
} from './grants.ts';
import { hashSecret } from '../auth/hashing.ts';
import { badRequest, notFound } from '../errors.ts';
import { deleteClientFirewallRules } from './firewall.ts';

export { readClientAccess, type ClientAccess, type EffectiveEndpoint, type EffectiveModule, type GrantSource } from './grants.ts';

export type ClientRow = Selectable<ClientTable>;

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

export type ClientListQuery = NamedListQuery;

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

  list(q: ClientListQuery = {}): Promise<Page<ClientPublic>> {
    return listByName(this.#catalog, 'clients', q, toPublic);
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
    const grants: Grant[] = [
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
    const effective = await effectiveGrants(this.#catalog, grants);
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
      await replaceMemberships(trx, 'client_id', id, input.group_ids && unique(input.group_ids));
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
      await replaceMemberships(trx, 'client_id', id, patch.group_ids && unique(patch.group_ids));
      await replaceGrants(trx, 'client_grants', id, patch.api_assignment_ids, patch.module_ids);
      changed('client', id);
    });
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    await this.#catalog.write(async (trx, changed) => {
      await deleteById(trx, 'clients', id, 'Client');
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
