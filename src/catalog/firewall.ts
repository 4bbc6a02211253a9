/**
 * IP firewall rules: allow or deny an address or CIDR block (IPv4 or IPv6), for every call (global, client_id
 * null) or for one gateway client. The cidr is validated and stored normalised: host bits cleared, a single
 * address written with its full prefix (`/32`, `/128`), IPv6 in RFC 5952 form, an IPv4-mapped IPv6 block
 * (`::ffff:10.0.0.0/104`) as the IPv4 block it means (`10.0.0.0/8`). What the rules mean at the gateway is in
 * gateway/firewall.ts and docs/firewall.md.
 *
 * `client_id` is the client's row id (`clients.id`, a UUID), kept without a foreign key (see migration 005).
 */
import crypto from 'node:crypto';
import net from 'node:net';
import type { Selectable, Transaction } from 'kysely';
import type { Catalog, Changed } from './catalog.ts';
import { flag, now } from './catalog.ts';
import type { CatalogDatabase, FirewallRuleTable } from './schema.ts';
import { paging, type Page, type PageQuery } from './versions.ts';
import { badRequest, notFound } from '../errors.ts';

export const FIREWALL_ACTIONS = ['allow', 'deny'] as const;
export type FirewallAction = (typeof FIREWALL_ACTIONS)[number];

export interface FirewallRule {
  id: string;
  action: FirewallAction;
  /** Normalised CIDR, always with a prefix length. */
  cidr: string;
  /** `clients.id` of the client the rule is for; null = every call. */
  client_id: string | null;
  description: string | null;
  is_active: boolean;
  sort_order: number;
  created_at: string;
  updated_at: string;
}

export interface FirewallRuleInput {
  action: FirewallAction;
  /** An address (`192.168.1.7`, `2001:db8::1`) or a block (`10.0.0.0/8`, `2001:db8::/32`). */
  cidr: string;
  client_id?: string | null;
  description?: string | null;
  is_active?: boolean;
  sort_order?: number;
}

export interface FirewallListQuery extends PageQuery {
  action?: FirewallAction;
  /** A client's id: that client's rules; null: only global rules; left out: all. */
  client_id?: string | null;
  is_active?: boolean;
}

type Row = Selectable<FirewallRuleTable>;

const toPublic = (r: Row): FirewallRule => ({
  id: r.id,
  action: r.action,
  cidr: r.cidr,
  client_id: r.client_id,
  description: r.description,
  is_active: r.is_active === 1,
  sort_order: Number(r.sort_order),
  created_at: r.created_at,
  updated_at: r.updated_at,
});

// ---------------------------------------------------------------------------------------------------------
// Addresses and blocks

export type IpFamily = 'ipv4' | 'ipv6';

export interface ParsedCidr {
  family: IpFamily;
  /** Network address, host bits cleared, in canonical form. */
  address: string;
  prefix: number;
  /** `address/prefix`. */
  cidr: string;
}

const ipv4Bytes = (a: string): number[] => a.split('.').map(Number);

/** 16 bytes of a valid IPv6 address (as `net.isIPv6` accepts it, without a zone). */
function ipv6Bytes(address: string): number[] {
  let a = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (dotted) {
    const [b0 = 0, b1 = 0, b2 = 0, b3 = 0] = ipv4Bytes(dotted[1]!);
    a = `${a.slice(0, dotted.index)}${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  let groups: string[];
  const gap = a.indexOf('::');
  if (gap >= 0) {
    const head = a.slice(0, gap).split(':').filter(Boolean);
    const tail = a.slice(gap + 2).split(':').filter(Boolean);
    groups = [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
  } else {
    groups = a.split(':');
  }
  return groups.flatMap((g) => {
    const v = parseInt(g, 16);
    return [v >> 8, v & 0xff];
  });
}

/** RFC 5952: lower case, no leading zeros, the longest run (≥ 2) of zero groups written `::`, leftmost on a tie. */
function formatIpv6(bytes: number[]): string {
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i] ?? 0) << 8) | (bytes[2 * i + 1] ?? 0));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (best < 0) return hex(groups);
  return `${hex(groups.slice(0, best))}::${hex(groups.slice(best + bestLen))}`;
}

function mask(bytes: number[], prefix: number): number[] {
  return bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, prefix - 8 * i));
    return b & ((0xff << (8 - keep)) & 0xff);
  });
}

/** Whether 16 bytes are an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`). */
export const isIpv4Mapped = (bytes: number[]): boolean =>
  bytes.length === 16 && bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;

/**
 * Parses an address or CIDR block; null when it is neither. Host bits are cleared, a single address gets its
 * full prefix, and an IPv4-mapped IPv6 block (prefix ≥ 96) becomes the IPv4 block it stands for.
 */
export function parseCidr(text: string): ParsedCidr | null {
  const s = text.trim();
  const slash = s.indexOf('/');
  const address = slash < 0 ? s : s.slice(0, slash);
  const prefixText = slash < 0 ? null : s.slice(slash + 1);
  if (address.includes('%')) return null; // zone ids mean nothing beyond one host
  const family = net.isIPv4(address) ? 'ipv4' : net.isIPv6(address) ? 'ipv6' : null;
  if (!family) return null;
  const max = family === 'ipv4' ? 32 : 128;
  let prefix = max;
  if (prefixText !== null) {
    if (!/^\d{1,3}$/.test(prefixText)) return null;
    prefix = Number(prefixText);
    if (prefix > max) return null;
  }
  if (family === 'ipv4') {
    const a = mask(ipv4Bytes(address), prefix).join('.');
    return { family, address: a, prefix, cidr: `${a}/${prefix}` };
  }
  const bytes = ipv6Bytes(address);
  if (prefix >= 96 && isIpv4Mapped(bytes)) {
    const p4 = prefix - 96;
    const a = mask(bytes.slice(12), p4).join('.');
    return { family: 'ipv4', address: a, prefix: p4, cidr: `${a}/${p4}` };
  }
  const a = formatIpv6(mask(bytes, prefix));
  return { family, address: a, prefix, cidr: `${a}/${prefix}` };
}

/**
 * A client address as the firewall compares it: family and canonical text, an IPv4-mapped IPv6 address
 * (`::ffff:1.2.3.4`, as a dual-stack socket reports IPv4 peers) as the IPv4 address it is. A zone id is
 * dropped. Null when the text is no address.
 */
export function parseAddress(ip: string): { family: IpFamily; address: string } | null {
  const zone = ip.indexOf('%');
  const a = zone < 0 ? ip : ip.slice(0, zone);
  if (net.isIPv4(a)) return { family: 'ipv4', address: a };
  if (!net.isIPv6(a)) return null;
  const bytes = ipv6Bytes(a);
  if (isIpv4Mapped(bytes)) return { family: 'ipv4', address: bytes.slice(12).join('.') };
  return { family: 'ipv6', address: a };
}

/** The stored form of a rule's cidr; 400 naming the field when it is not an address or block. */
export function normaliseCidr(text: unknown): string {
  const parsed = typeof text === 'string' && text.length <= 100 ? parseCidr(text) : null;
  if (!parsed) {
    throw badRequest(
      `cidr: "${String(text).slice(0, 100)}" is not an IPv4 or IPv6 address or CIDR block (e.g. 10.0.0.0/8, 2001:db8::/32, 192.168.1.7)`,
      [{ field: 'cidr', message: 'is not an IPv4 or IPv6 address or CIDR block' }],
    );
  }
  return parsed.cidr;
}

// ---------------------------------------------------------------------------------------------------------
// Field checks (the admin API's schema checks the same; other callers get the same answers)

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function checkAction(action: unknown): FirewallAction {
  if (!FIREWALL_ACTIONS.includes(action as FirewallAction)) throw badRequest('action: must be allow or deny');
  return action as FirewallAction;
}

function checkClientId(clientId: unknown): string | null {
  if (clientId === null || clientId === undefined) return null;
  if (typeof clientId !== 'string' || !UUID.test(clientId)) {
    throw badRequest("client_id: must be a client's id (UUID) or null for a global rule");
  }
  return clientId.toLowerCase();
}

function checkDescription(description: unknown): string | null {
  if (description === null || description === undefined) return null;
  if (typeof description !== 'string' || description.length > 2000) {
    throw badRequest('description: must be text of at most 2000 characters, or null');
  }
  return description;
}

function checkSortOrder(sortOrder: unknown): number {
  if (sortOrder === undefined) return 0;
  if (typeof sortOrder !== 'number' || !Number.isSafeInteger(sortOrder) || Math.abs(sortOrder) > 2_147_483_647) {
    throw badRequest('sort_order: must be an integer');
  }
  return sortOrder;
}

function checkIsActive(isActive: unknown): boolean {
  if (typeof isActive !== 'boolean') throw badRequest('is_active: must be true or false');
  return isActive;
}

// ---------------------------------------------------------------------------------------------------------

export class FirewallRepository {
  readonly #catalog: Catalog;

  constructor(catalog: Catalog) {
    this.#catalog = catalog;
  }

  /** Ordered by sort_order, then creation (display order only: the order never changes a decision). */
  async list(q: FirewallListQuery = {}): Promise<Page<FirewallRule>> {
    const { limit, offset } = paging(q);
    let query = this.#catalog.db.selectFrom('firewall_rules');
    if (q.action !== undefined) query = query.where('action', '=', checkAction(q.action));
    if (q.client_id === null) query = query.where('client_id', 'is', null);
    else if (q.client_id !== undefined) query = query.where('client_id', '=', checkClientId(q.client_id));
    if (q.is_active !== undefined) query = query.where('is_active', '=', flag(q.is_active));
    const total = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await query
      .selectAll()
      .orderBy('sort_order')
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .offset(offset)
      .execute();
    return { data: rows.map(toPublic), total: Number(total.n) };
  }

  /** Every rule (active or not), in list order: what the gateway compiles. */
  async all(): Promise<FirewallRule[]> {
    const rows = await this.#catalog.db
      .selectFrom('firewall_rules')
      .selectAll()
      .orderBy('sort_order')
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toPublic);
  }

  async get(id: string): Promise<FirewallRule> {
    return toPublic(await this.#row(id));
  }

  async create(input: FirewallRuleInput): Promise<FirewallRule> {
    const values = {
      action: checkAction(input.action),
      cidr: normaliseCidr(input.cidr),
      client_id: checkClientId(input.client_id),
      description: checkDescription(input.description),
      is_active: flag(input.is_active === undefined ? true : checkIsActive(input.is_active)),
      sort_order: checkSortOrder(input.sort_order),
    };
    const id = crypto.randomUUID();
    const time = now();
    await this.#catalog.write(async (trx, changed) => {
      await trx
        .insertInto('firewall_rules')
        .values({ id, ...values, created_at: time, updated_at: time })
        .execute();
      changed('firewall', id);
    });
    return this.get(id);
  }

  /** Fields left out keep their value; `client_id: null` makes the rule global. */
  async update(id: string, patch: Partial<FirewallRuleInput>): Promise<FirewallRule> {
    const set: Partial<Omit<Row, 'id' | 'created_at'>> = {};
    if (patch.action !== undefined) set.action = checkAction(patch.action);
    if (patch.cidr !== undefined) set.cidr = normaliseCidr(patch.cidr);
    if (patch.client_id !== undefined) set.client_id = checkClientId(patch.client_id);
    if (patch.description !== undefined) set.description = checkDescription(patch.description);
    if (patch.is_active !== undefined) set.is_active = flag(checkIsActive(patch.is_active));
    if (patch.sort_order !== undefined) set.sort_order = checkSortOrder(patch.sort_order);
    await this.#catalog.write(async (trx, changed) => {
      const result = await trx
        .updateTable('firewall_rules')
        .set({ ...set, updated_at: now() })
        .where('id', '=', id)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw notFound(`Firewall rule ${id} not found`);
      changed('firewall', id);
    });
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    await this.#catalog.write(async (trx, changed) => {
      const result = await trx.deleteFrom('firewall_rules').where('id', '=', id).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw notFound(`Firewall rule ${id} not found`);
      changed('firewall', id);
    });
  }

  async #row(id: string): Promise<Row> {
    const row = await this.#catalog.db.selectFrom('firewall_rules').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound(`Firewall rule ${id} not found`);
    return row;
  }
}

/**
 * Deletes a client's rules inside the caller's transaction (there is no foreign key to cascade): for the
 * clients repository's delete. Returns how many went.
 */
export async function deleteClientFirewallRules(
  trx: Transaction<CatalogDatabase>,
  changed: Changed,
  clientId: string,
): Promise<number> {
  const result = await trx.deleteFrom('firewall_rules').where('client_id', '=', clientId.toLowerCase()).executeTakeFirst();
  const n = Number(result.numDeletedRows);
  if (n > 0) changed('firewall', null);
  return n;
}
