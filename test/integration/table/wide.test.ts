/**
 * Shapes Chinook lacks: a table with more columns than one JSON object call takes (PostgreSQL's
 * json_build_object stops at 50 pairs, old SQLite builds at 63), booleans, and date-times with fractions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityModel } from '../../../src/engines/table/model.ts';
import { ENGINES, type Engine } from '../../helpers/databases.ts';
import { chinookModel, entity, prop } from '../../helpers/chinook-model.ts';
import { TableHarness } from './harness.ts';

const COLUMNS = Array.from({ length: 130 }, (_, i) => `c${String(i + 1).padStart(3, '0')}`);

function ddl(engine: Engine): string {
  const id = {
    postgres: 'wide_id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
    mysql: 'wide_id integer AUTO_INCREMENT PRIMARY KEY',
    sqlite: 'wide_id INTEGER PRIMARY KEY AUTOINCREMENT',
  }[engine.type];
  const flag = engine.type === 'postgres' ? 'boolean' : 'BOOLEAN';
  const stamp = engine.type === 'mysql' ? 'DATETIME(6)' : 'TIMESTAMP';
  return `CREATE TABLE wide (${id}, flag ${flag}, stamp ${stamp}, ${COLUMNS.map((c) => `${c} varchar(10)`).join(', ')})`;
}

function wideEntity(): EntityModel {
  return entity('wide', [
    prop('wide_id', 'integer', { key: { strategy: 'auto', sequence: null } }),
    prop('flag', 'boolean'),
    prop('stamp', 'date-time'),
    ...COLUMNS.map((c) => prop(c, 'string', { maxLength: 10 })),
  ]);
}

describe.each(ENGINES)('wide rows, booleans and fractions on $type', (engine) => {
  const h = new TableHarness(engine);
  const full = Object.fromEntries(COLUMNS.map((c, i) => [c, `v${i}`]));

  beforeAll(async () => {
    await h.start();
    await h.exec(ddl(engine));
    h.prepare(chinookModel([wideEntity()]));
  });
  afterAll(() => h.stop());

  it('creates and reads a row of 133 properties', async () => {
    const stamp = engine.type === 'sqlite' ? '2024-05-06T07:08:09.123' : '2024-05-06T07:08:09.123456';
    const created = await h.call('POST', '/wide', { body: { flag: true, stamp, ...full } });
    expect(created.data).toEqual({ wide_id: 1, flag: true, stamp, ...full });
    const read = await h.call('GET', '/wide/:key', { params: { key: '1' } });
    expect(read.data).toEqual(created.data);
    const camel = await h.call('GET', '/wide', { naming: 'camel', query: { __properties: 'wideId c0.*' } });
    expect(Object.keys(camel.data[0])).toHaveLength(1 + 99);
  });

  it('booleans are JSON booleans, null stays null, and filters take them', async () => {
    await h.call('POST', '/wide', { body: [{ flag: false, c001: 'f' }, { c001: 'n' }] });
    const all = await h.call('GET', '/wide', { query: { __properties: 'wide_id flag' } });
    expect(all.data).toEqual([{ wide_id: 1, flag: true }, { wide_id: 2, flag: false }, { wide_id: 3, flag: null }]);
    const falses = await h.call('GET', '/wide', { query: { flag: 'false', __properties: 'wide_id' } });
    expect(falses.data).toEqual([{ wide_id: 2 }]);
    const updated = await h.call('PUT', '/wide/:key', { params: { key: '2' }, body: { flag: 'true' } });
    expect(updated.data.flag).toBe(true);
  });

  it('date-time fractions filter exactly', async () => {
    const stamp = engine.type === 'sqlite' ? '2024-05-06T07:08:09.123' : '2024-05-06T07:08:09.123456';
    const hit = await h.call('GET', '/wide', { query: { stamp, __properties: 'wide_id' } });
    expect(hit.data).toEqual([{ wide_id: 1 }]);
    const miss = await h.call('GET', '/wide', { query: { stamp: '2024-05-06T07:08:09', __properties: 'wide_id' } });
    expect(miss.data).toEqual([]);
  });
});
