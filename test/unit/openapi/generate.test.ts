import { describe, expect, it } from 'vitest';
import type { ColumnInfo, ForeignKeyInfo, SchemaInfo, TableInfo } from '../../../src/datasources/dialect.ts';
import { parse } from 'yaml';
import { describeTable, generateSpec, jsonTypeOf, specToYaml } from '../../../src/openapi/generate/index.ts';
import { buildTableModel } from '../../../src/openapi/import/index.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function col(name: string, dataType: string, extra: Partial<ColumnInfo> = {}): ColumnInfo {
  return {
    name, dataType, nullable: false, maxLength: null, numericPrecision: null, numericScale: null, defaultValue: null,
    isAutoIncrement: false, sequenceName: null, isUuidDefault: false, comment: null, ...extra,
  };
}

const fk = (name: string, columns: string[], referencedTable: string, referencedColumns: string[]): ForeignKeyInfo =>
  ({ name, columns, referencedSchema: 'app', referencedTable, referencedColumns });

function table(name: string, columns: ColumnInfo[], primaryKey: string[], foreignKeys: ForeignKeyInfo[] = [], extra: Partial<TableInfo> = {}): TableInfo {
  return { schema: 'app', name, kind: 'table', comment: null, columns, primaryKey, foreignKeys, ...extra };
}

const info: SchemaInfo = {
  sequences: ['person_id_seq'],
  tables: [
    table('person', [
      col('person_id', 'integer', { defaultValue: "nextval('person_id_seq'::regclass)", sequenceName: 'person_id_seq' }),
      col('name', 'character varying', { maxLength: 80, comment: 'Full name' }),
      col('manager', 'integer', { nullable: true }),
      col('team', 'text', { nullable: true }),
      col('team_id', 'uuid', { nullable: true }),
    ], ['person_id'], [
      fk('person_manager_fkey', ['manager'], 'person', ['person_id']),
      fk('person_team_id_fkey', ['team_id'], 'team', ['team_id']),
    ], { comment: 'People.' }),
    table('team', [col('team_id', 'uuid', { defaultValue: 'gen_random_uuid()', isUuidDefault: true }), col('code', 'char', { maxLength: 4 })], ['team_id']),
    table('transfer', [
      col('transfer_id', 'bigint', { isAutoIncrement: true }),
      col('from_person', 'integer'),
      col('to_person', 'integer'),
      col('amount', 'numeric', { numericPrecision: 12, numericScale: 2 }),
      col('at', 'timestamp with time zone', { defaultValue: 'now()' }),
      col('day', 'date'),
      col('site_a', 'integer', { nullable: true }),
      col('site_b', 'integer', { nullable: true }),
    ], ['transfer_id'], [
      fk('transfer_from_fkey', ['from_person'], 'person', ['person_id']),
      fk('transfer_to_fkey', ['to_person'], 'person', ['person_id']),
      fk('transfer_site_fkey', ['site_a', 'site_b'], 'site', ['a', 'b']),
      fk('transfer_elsewhere_fkey', ['site_a'], 'other', ['x']),
    ]),
    table('site', [col('a', 'integer'), col('b', 'integer')], ['a', 'b']),
    table('weird name', [col('the.value', 'jsonb', { nullable: true }), col('__hidden', 'boolean')], []),
    table('rich', [col('person_id', 'integer')], [], [], { kind: 'view' }),
  ],
};

const spec = generateSpec(info, { datasource: 'main', dialect: 'postgres', schema: 'app', title: 'App' }) as Json;
const schemas = spec['components']['schemas'] as Json;

describe('generateSpec', () => {
  it('writes an OpenAPI 3.1 document with one annotated schema per table and view', () => {
    expect(spec['openapi']).toBe('3.1.0');
    expect(spec['info']['title']).toBe('App');
    expect(spec['paths']).toEqual({});
    expect(Object.keys(schemas)).toEqual(['person', 'team', 'transfer', 'site', 'weird_name', 'rich']);
    expect(schemas['person']).toMatchObject({ type: 'object', description: 'People.', 'x-am-database': 'main', 'x-am-table': 'person', 'x-am-schema': 'app' });
    expect(schemas['weird_name']['x-am-table']).toBe('weird name');
  });

  it('maps types, formats, lengths, nullability, comments and required', () => {
    const person = schemas['person'];
    expect(person['required']).toEqual(['name']);
    expect(person['properties']['name']).toEqual({ type: 'string', maxLength: 80, description: 'Full name', 'x-am-column-type': 'character varying(80)' });
    expect(person['properties']['manager']).toEqual({ type: ['integer', 'null'], 'x-am-column-type': 'integer' });
    const transfer = schemas['transfer']['properties'];
    expect(transfer['amount']).toEqual({ type: 'number', 'x-am-column-type': 'numeric(12,2)' });
    expect(transfer['at']).toEqual({ type: 'string', format: 'date-time', 'x-am-column-type': 'timestamp with time zone' });
    expect(transfer['day']).toMatchObject({ type: 'string', format: 'date' });
    expect(schemas['transfer']['required']).toEqual(['from_person', 'to_person', 'amount', 'day']);
  });

  it('writes key strategies: sequence with its name, uuid, auto (read-only), manual', () => {
    expect(schemas['person']['properties']['person_id']).toMatchObject({ 'x-am-primary-key': 'sequence', 'x-am-sequence-name': 'person_id_seq' });
    expect(schemas['team']['properties']['team_id']).toMatchObject({ type: 'string', format: 'uuid', 'x-am-primary-key': 'uuid' });
    expect(schemas['transfer']['properties']['transfer_id']).toMatchObject({ type: 'integer', readOnly: true, 'x-am-primary-key': 'auto' });
    expect(schemas['site']['properties']['a']['x-am-primary-key']).toBe('manual');
    expect(schemas['site']['properties']['b']['x-am-primary-key']).toBe('manual');
  });

  it('names 1:1 relations after the key column, avoiding existing properties', () => {
    const person = schemas['person']['properties'];
    // manager: no _id to strip → manager_person; team_id → team is a column already → team_team.
    expect(person['manager_person']).toMatchObject({ $ref: '#/components/schemas/person', 'x-am-parent-property': 'manager', 'x-am-child-property': 'person_id' });
    expect(person['team_team']).toMatchObject({ $ref: '#/components/schemas/team', 'x-am-parent-property': 'team_id', 'x-am-child-property': 'team_id' });
  });

  it('names 1:N relations <child>_items, or <child>_items_by_<column> for two keys to one parent', () => {
    const person = schemas['person']['properties'];
    expect(person['person_items']).toMatchObject({ type: 'array', items: { $ref: '#/components/schemas/person' }, 'x-am-child-property': 'manager', 'x-am-parent-property': 'person_id' });
    expect(person['transfer_items_by_from_person']).toMatchObject({ items: { $ref: '#/components/schemas/transfer' }, 'x-am-child-property': 'from_person' });
    expect(person['transfer_items_by_to_person']).toMatchObject({ 'x-am-child-property': 'to_person' });
    expect(schemas['team']['properties']['person_items']).toMatchObject({ 'x-am-child-property': 'team_id' });
  });

  it('skips composite and out-of-document foreign keys, saying so in the description', () => {
    expect(schemas['transfer']['description']).toContain('composite foreign key transfer_site_fkey (site_a, site_b) → site (a, b) is not exposed');
    expect(schemas['transfer']['description']).toContain('foreign key to a table outside this document transfer_elsewhere_fkey');
    expect(Object.keys(schemas['site']['properties'])).toEqual(['a', 'b']);
  });

  it('marks views read-only, without required properties', () => {
    expect(schemas['rich']).toMatchObject({ 'x-am-read-only': true, readOnly: true, description: 'View rich (read-only).' });
    expect(schemas['rich']['required']).toBeUndefined();
  });

  it('makes property names that routes and filters can carry, keeping the column name', () => {
    expect(schemas['weird_name']['properties']['the_value']).toEqual({ type: ['string', 'null'], 'x-am-column-name': 'the.value', 'x-am-column-type': 'jsonb' });
    expect(schemas['weird_name']['properties']['_hidden']).toMatchObject({ type: 'boolean', 'x-am-column-name': '__hidden' });
  });

  it('imports unchanged', () => {
    const model = buildTableModel(spec, { datasources: new Map([['main', { type: 'postgres' as const }]]) });
    expect(model.entities.map((e) => e.name)).toEqual(['person', 'team', 'transfer', 'site', 'weird_name', 'rich']);
    const person = model.entities[0];
    expect(person?.relations.map((r) => `${r.name}:${r.kind}:${r.target}:${r.parentProperty}=${r.childProperty}`)).toEqual([
      'manager_person:one:person:manager=person_id',
      'team_team:one:team:team_id=team_id',
      'person_items:many:person:person_id=manager',
      'transfer_items_by_from_person:many:transfer:person_id=from_person',
      'transfer_items_by_to_person:many:transfer:person_id=to_person',
    ]);
    expect(model.entities.find((e) => e.name === 'rich')?.readOnly).toBe(true);
    expect(model.entities.find((e) => e.name === 'site')?.primaryKey).toEqual(['a', 'b']);
  });

  it('writes YAML that reads back as the same document, short lists in flow style', () => {
    const text = specToYaml(spec, ' made by a test');
    expect(text.startsWith('# made by a test\n')).toBe(true);
    expect(text).toContain('required: [ name ]');
    expect(parse(text)).toEqual(spec);
  });

  it('omits x-am-schema without a schema option', () => {
    const plain = generateSpec({ tables: [table('t', [col('id', 'integer')], ['id'])], sequences: [] }, { datasource: 'd', dialect: 'sqlite' }) as Json;
    expect(plain['components']['schemas']['t']['x-am-schema']).toBeUndefined();
    expect(plain['info']['title']).toBe('d tables');
  });
});

describe('describeTable (progress lines)', () => {
  const tables = new Map(info.tables.map((t) => [t.name, t]));
  it('says columns, key and strategy, foreign keys', () => {
    expect(describeTable(info.tables[0]!, tables)).toBe('table person: 5 columns, key person_id (sequence), 2 foreign keys');
    expect(describeTable(info.tables[2]!, tables)).toBe(
      'table transfer: 8 columns, key transfer_id (auto), 4 foreign keys (2 skipped: not a single-column key within this schema)');
    expect(describeTable(info.tables[3]!, tables)).toBe('table site: 2 columns, key a, b (manual), 0 foreign keys');
    expect(describeTable(info.tables[4]!, tables)).toBe('table weird name: 2 columns, no key (no by-key routes), 0 foreign keys');
    expect(describeTable(info.tables[5]!, tables)).toBe('view rich: 1 column, read-only');
  });
});

describe('column type mapping', () => {
  const cases: [string, 'postgres' | 'mysql' | 'sqlite', string, string?][] = [
    ['integer', 'postgres', 'integer'], ['bigint', 'postgres', 'integer'], ['smallint', 'postgres', 'integer'],
    ['numeric', 'postgres', 'number'], ['double precision', 'postgres', 'number'], ['real', 'postgres', 'number'],
    ['boolean', 'postgres', 'boolean'], ['date', 'postgres', 'string', 'date'],
    ['timestamp without time zone', 'postgres', 'string', 'date-time'], ['timestamptz', 'postgres', 'string', 'date-time'],
    ['uuid', 'postgres', 'string', 'uuid'], ['time without time zone', 'postgres', 'string'], ['jsonb', 'postgres', 'string'],
    ['integer[]', 'postgres', 'string'], ['money', 'postgres', 'string'],
    ['int', 'mysql', 'integer'], ['mediumint', 'mysql', 'integer'], ['tinyint', 'mysql', 'integer'], ['tinyint(1)', 'mysql', 'boolean'],
    ['decimal', 'mysql', 'number'], ['float', 'mysql', 'number'], ['double', 'mysql', 'number'], ['datetime', 'mysql', 'string', 'date-time'],
    ['timestamp', 'mysql', 'string', 'date-time'], ['varchar', 'mysql', 'string'], ['enum', 'mysql', 'string'], ['year', 'mysql', 'string'],
    ['integer', 'sqlite', 'integer'], ['unsigned big int', 'sqlite', 'integer'], ['varchar', 'sqlite', 'string'], ['numeric', 'sqlite', 'number'],
    ['timestamp', 'sqlite', 'string', 'date-time'], ['datetime', 'sqlite', 'string', 'date-time'], ['date', 'sqlite', 'string', 'date'],
    ['boolean', 'sqlite', 'boolean'], ['double', 'sqlite', 'number'], ['blob', 'sqlite', 'string'], ['', 'sqlite', 'string'],
    ['json', 'sqlite', 'string'], ['serial', 'postgres', 'integer'],
  ];
  it.each(cases)('%s on %s → %s %s', (dataType, dialect, type, format) => {
    expect(jsonTypeOf(col('c', dataType), dialect)).toEqual(format ? { type, format } : { type });
  });

  it('gives text columns with a UUID default the uuid format', () => {
    expect(jsonTypeOf(col('v', 'char', { isUuidDefault: true, maxLength: 36 }), 'mysql')).toEqual({ type: 'string', format: 'uuid' });
  });
});
