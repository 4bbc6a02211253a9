/**
 * Optimistic concurrency with the three version kinds of Chinook: genre.version (integer),
 * customer.version_stamp (uuid), invoice.last_updated (timestamp). A write names the version it read, in the
 * path or in If-Match; the write bumps it; a stale one is 409 and changes nothing; a missing row is 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../../helpers/databases.ts';
import { TableHarness } from './harness.ts';

interface Kind {
  entity: string;
  key: string;
  version: string;
  /** A property to change and two values for it. */
  change: [string, unknown, unknown];
  /** Checks a bumped version against the old one. */
  bumped(before: unknown, after: unknown): void;
  /** A well-formed version that no row has. */
  stale: string;
  create: Record<string, unknown>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const KINDS: Kind[] = [
  {
    entity: 'genre', key: '2', version: 'version', change: ['name', 'Jazz & Blues', 'Jazz'],
    bumped: (before, after) => expect(after).toBe(Number(before) + 1),
    stale: '99', create: { name: 'Shoegaze' },
  },
  {
    entity: 'customer', key: '3', version: 'version_stamp', change: ['city', 'Québec', 'Montréal'],
    bumped: (before, after) => {
      expect(after).toMatch(UUID);
      expect(after).not.toBe(before);
    },
    stale: '00000000-0000-4000-8000-000000000000', create: { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' },
  },
  {
    entity: 'invoice', key: '4', version: 'last_updated', change: ['billing_city', 'Bruxelles', 'Brussels'],
    bumped: (before, after) => {
      expect(after).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/);
      expect(after).not.toBe(before);
      expect(String(after) > String(before)).toBe(true);
    },
    stale: '2001-01-01T00:00:00.123', create: { customer_id: 1, invoice_date: '2025-01-01', total: 3.5 },
  },
];

describe.each(ENGINES)('optimistic concurrency on $type', (engine) => {
  const h = new TableHarness(engine);

  beforeAll(() => h.start());
  afterAll(() => h.stop());

  describe.each(KINDS)('$entity.$version', (kind) => {
    const versioned = `/${kind.entity}/:key/${kind.version}/:version`;
    const byKey = `/${kind.entity}/:key`;
    const read = async (key = kind.key) => (await h.call('GET', byKey, { params: { key } })).data;
    const [property, first, second] = kind.change;

    it('offers no write by query', () => {
      expect(h.hasRoute('PUT', `/${kind.entity}`)).toBe(false);
      expect(h.hasRoute('DELETE', `/${kind.entity}`)).toBe(false);
      expect(h.hasRoute('PUT', versioned)).toBe(true);
    });

    it('an update with the current version changes the row and bumps the version', async () => {
      const before = await read();
      const answer = await h.call('PUT', versioned, {
        params: { key: kind.key, version: String(before[kind.version]) },
        body: { [property]: first },
      });
      expect(answer.status).toBe(200);
      expect(answer.data[property]).toBe(first);
      kind.bumped(before[kind.version], answer.data[kind.version]);
      expect(await read()).toEqual(answer.data);
    });

    it('a stale version → 409 version_conflict, and the row is unchanged', async () => {
      const before = await read();
      await h.call('PUT', versioned, { params: { key: kind.key, version: String(before[kind.version]) }, body: { [property]: second } });
      // `before` now holds an outdated version.
      const current = await read();
      await h.fails('PUT', versioned, { params: { key: kind.key, version: String(before[kind.version]) }, body: { [property]: first } }, 409, 'version_conflict');
      await h.fails('PUT', versioned, { params: { key: kind.key, version: kind.stale }, body: { [property]: first } }, 409, 'version_conflict');
      await h.fails('DELETE', versioned, { params: { key: kind.key, version: String(before[kind.version]) } }, 409, 'version_conflict');
      expect(await read()).toEqual(current);
    });

    it('a missing row → 404, whatever the version', async () => {
      await h.fails('PUT', versioned, { params: { key: '99999', version: kind.stale }, body: { [property]: first } }, 404, 'not_found');
      await h.fails('DELETE', versioned, { params: { key: '99999', version: kind.stale } }, 404, 'not_found');
    });

    it('the version may not be in the body', async () => {
      const before = await read();
      const error = await h.fails('PUT', versioned, {
        params: { key: kind.key, version: String(before[kind.version]) },
        body: { [property]: first, [kind.version]: before[kind.version] },
      }, 400);
      expect(error.message).toContain(kind.version);
      expect(await read()).toEqual(before);
    });

    it('If-Match carries the version on PUT/DELETE /{path}/:key; without it 428', async () => {
      const before = await read();
      const answer = await h.call('PUT', byKey, {
        params: { key: kind.key },
        headers: { 'if-match': `"${String(before[kind.version])}"` },
        body: { [property]: first },
      });
      kind.bumped(before[kind.version], answer.data[kind.version]);
      await h.fails('PUT', byKey, { params: { key: kind.key }, headers: { 'if-match': String(before[kind.version]) }, body: { [property]: second } }, 409, 'version_conflict');
      await h.fails('PUT', byKey, { params: { key: kind.key }, body: { [property]: second } }, 428, 'precondition_required');
      await h.fails('DELETE', byKey, { params: { key: kind.key } }, 428, 'precondition_required');
    });

    it('a malformed version → 400', async () => {
      await h.fails('PUT', versioned, { params: { key: kind.key, version: 'not a version' }, body: { [property]: first } }, 400, 'invalid_value');
    });

    it('create initialises the version and refuses one in the body', async () => {
      const created = await h.call('POST', `/${kind.entity}`, { body: kind.create });
      expect(created.status).toBe(201);
      const version = created.data[kind.version];
      expect(version).not.toBeNull();
      if (kind.version === 'version') expect(version).toBe(1);
      await h.fails('POST', `/${kind.entity}`, { body: { ...kind.create, [kind.version]: version } }, 400);
      // Deleting with the current version works, and only once.
      const key = String(created.data[`${kind.entity}_id`]);
      const deleted = await h.call('DELETE', versioned, { params: { key, version: String(version) } });
      expect(deleted.data).toEqual(created.data);
      await h.fails('DELETE', versioned, { params: { key, version: String(version) } }, 404, 'not_found');
    });

    it('DELETE with If-Match', async () => {
      const created = await h.call('POST', `/${kind.entity}`, { body: kind.create });
      const key = String(created.data[`${kind.entity}_id`]);
      await h.fails('DELETE', byKey, { params: { key }, headers: { 'if-match': kind.stale } }, 409, 'version_conflict');
      const deleted = await h.call('DELETE', byKey, { params: { key }, headers: { 'if-match': `W/"${String(created.data[kind.version])}"` } });
      expect(deleted.data).toEqual(created.data);
    });
  });
});
