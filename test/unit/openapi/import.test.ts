import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { EntityModel, TableApiModel } from '../../../src/engines/table/model.ts';
import {
  SpecValidationError, buildTableModel, loadSpecText, type ImportProblem,
} from '../../../src/openapi/import/index.ts';

const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/specs/music.openapi.yaml');
const ctx = {
  datasources: new Map([
    ['music', { type: 'postgres' as const }],
    ['other', { type: 'mysql' as const }],
    ['lite', { type: 'sqlite' as const }],
  ]),
};

type Json = Record<string, unknown>;

function doc(schemas: Json, extra: Json = {}, openapi = '3.1.0'): Json {
  return { openapi, info: { title: 't', version: '1' }, paths: {}, components: { schemas }, ...extra };
}

function problemsOf(input: unknown): ImportProblem[] {
  try {
    buildTableModel(input, ctx);
  } catch (err) {
    if (err instanceof SpecValidationError) return err.problems;
    throw err;
  }
  throw new Error('expected a SpecValidationError');
}

function entity(model: TableApiModel, name: string): EntityModel {
  const found = model.entities.find((e) => e.name === name);
  if (!found) throw new Error(`no entity ${name}`);
  return found;
}

const prop = (e: EntityModel, name: string) => e.properties.find((p) => p.name === name);

/** A minimal valid annotated schema. */
const simple = (extra: Json = {}, properties: Json = {}): Json => ({
  'x-am-database': 'music',
  type: 'object',
  properties: { id: { type: 'integer', 'x-am-primary-key': 'auto' }, ...properties },
  ...extra,
});

describe('the fixture spec (YAML, OpenAPI 3.1, every attribute)', () => {
  const load = async () => buildTableModel(await loadSpecText(readFileSync(FIXTURE, 'utf8'), 'music.openapi.yaml'), ctx);

  it('makes one entity per annotated schema, in document order, ignoring plain schemas', async () => {
    const model = await load();
    expect(model.entities.map((e) => e.name)).toEqual(['artist', 'album', 'track', 'customer', 'playlist_entry', 'top_album', 'sale_summary']);
    expect(model.entities.map((e) => e.path)).toEqual(model.entities.map((e) => e.name));
  });

  it('reads the table binding: x-am-table, its alias x-am-table-name, x-am-schema, default table = schema name', async () => {
    const model = await load();
    expect(entity(model, 'artist')).toMatchObject({ table: 'artists', schema: 'media', datasource: 'music', description: 'Performers.' });
    expect(entity(model, 'album')).toMatchObject({ table: 'albums', schema: 'media' });
    expect(entity(model, 'customer')).toMatchObject({ table: 'customer', schema: null, description: null });
    expect(entity(model, 'playlist_entry').table).toBe('playlist_track');
  });

  it('reads scalar properties: column names, types with formats, nullability, required, readOnly, maxLength', async () => {
    const album = entity(await load(), 'album');
    expect(album.properties).toEqual([
      { name: 'id', column: 'album_id', type: 'integer', nullable: false, required: false, readOnly: false, maxLength: null, key: { strategy: 'sequence', sequence: 'album_id_seq' }, description: null },
      { name: 'title', column: 'title', type: 'string', nullable: false, required: true, readOnly: false, maxLength: 160, key: null, description: null },
      { name: 'artist_ref', column: 'artist_id', type: 'integer', nullable: false, required: true, readOnly: false, maxLength: null, key: null, description: null },
      { name: 'released', column: 'released', type: 'date', nullable: true, required: false, readOnly: false, maxLength: null, key: null, description: null },
      { name: 'version', column: 'version', type: 'integer', nullable: false, required: false, readOnly: true, maxLength: null, key: null, description: null },
    ]);
    const track = entity(await load(), 'track');
    expect(track.properties.map((p) => [p.name, p.type, p.nullable])).toEqual([
      ['track_uuid', 'uuid', false], ['name', 'string', false], ['album_id', 'integer', true], ['milliseconds', 'integer', false],
      ['price', 'number', false], ['explicit', 'boolean', false], ['updated_at', 'date-time', false],
    ]);
  });

  it('merges a $ref to a plain scalar schema with the property’s own keywords', async () => {
    const name = prop(entity(await load(), 'artist'), 'name');
    expect(name).toMatchObject({ type: 'string', maxLength: 120, required: true, description: 'Stage name.' });
  });

  it('reads every key strategy and its aliases, and composite keys in document order', async () => {
    const model = await load();
    expect(prop(entity(model, 'artist'), 'artist_id')?.key).toEqual({ strategy: 'auto', sequence: null });
    expect(prop(entity(model, 'album'), 'id')?.key).toEqual({ strategy: 'sequence', sequence: 'album_id_seq' });
    expect(prop(entity(model, 'track'), 'track_uuid')?.key).toEqual({ strategy: 'uuid', sequence: null }); // guid
    expect(prop(entity(model, 'customer'), 'customer_code')?.key).toEqual({ strategy: 'manual', sequence: null }); // required
    expect(entity(model, 'playlist_entry').primaryKey).toEqual(['playlist_id', 'track_uuid']);
    expect(prop(entity(model, 'playlist_entry'), 'playlist_id')?.key?.strategy).toBe('manual'); // true
    expect(entity(model, 'top_album').primaryKey).toEqual([]);
  });

  it('reads the three kinds of version property', async () => {
    const model = await load();
    expect(entity(model, 'album').version).toEqual({ property: 'version', kind: 'integer' });
    expect(entity(model, 'track').version).toEqual({ property: 'updated_at', kind: 'timestamp' });
    expect(entity(model, 'customer').version).toEqual({ property: 'version_stamp', kind: 'uuid' });
    expect(entity(model, 'artist').version).toBeNull();
  });

  it('marks x-am-read-only and schema-level readOnly entities read-only', async () => {
    const model = await load();
    expect(model.entities.filter((e) => e.readOnly).map((e) => e.name)).toEqual(['top_album', 'sale_summary']);
  });

  it('reads 1:1 relations ($ref and allOf) and 1:N relations (attributes beside or on items), with defaults', async () => {
    const model = await load();
    expect(entity(model, 'album').relations).toEqual([
      { name: 'artist', kind: 'one', target: 'artist', parentProperty: 'artist_ref', childProperty: 'artist_id', description: 'Who made it.' },
      { name: 'tracks', kind: 'many', target: 'track', parentProperty: 'id', childProperty: 'album_id', description: null },
    ]);
    expect(entity(model, 'artist').relations).toEqual([
      { name: 'albums', kind: 'many', target: 'album', parentProperty: 'artist_id', childProperty: 'artist_ref', description: null },
    ]);
    expect(entity(model, 'track').relations).toEqual([
      { name: 'album', kind: 'one', target: 'album', parentProperty: 'album_id', childProperty: 'id', description: null },
    ]);
    // Child defaults to the target's key; parent is the sibling named like it.
    expect(entity(model, 'playlist_entry').relations).toEqual([
      { name: 'track', kind: 'one', target: 'track', parentProperty: 'track_uuid', childProperty: 'track_uuid', description: null },
    ]);
    // Relations are not scalar properties.
    expect(prop(entity(model, 'album'), 'artist')).toBeUndefined();
  });

  it('reads custom-SQL operations: parameters from path, query and body, defaults, column map', async () => {
    const model = await load();
    expect(model.operations).toEqual([
      {
        id: 'albumTracks',
        method: 'GET',
        path: '/album/{id}/tracks',
        datasource: 'music',
        sql: expect.stringContaining('WHERE t.album_id = :id') as unknown as string,
        parameters: [
          { name: 'id', in: 'path', type: 'integer', required: true },
          { name: 'limit', in: 'query', type: 'integer', required: false, default: 10 },
        ],
        columnMap: { track_uuid: 'id', track_name: 'name' },
        description: 'Tracks of one album, longest first',
      },
      {
        id: 'POST /orders',
        method: 'POST',
        path: '/orders',
        datasource: 'music',
        sql: 'INSERT INTO orders (customer_code, total, note) VALUES (:customer_code, :total, :note) RETURNING order_id',
        parameters: [
          { name: 'dry_run', in: 'query', type: 'boolean', required: false, default: false },
          { name: 'customer_code', in: 'body', type: 'string', required: true },
          { name: 'total', in: 'body', type: 'number', required: true },
          { name: 'note', in: 'body', type: 'string', required: false, default: 'none' },
        ],
        columnMap: { order_id: 'order' },
        description: 'Places an order for one customer.',
      },
    ]);
  });

  it('gives the same model from the same document as JSON', async () => {
    const yamlModel = await load();
    const asJson = JSON.stringify(await loadSpecText(readFileSync(FIXTURE, 'utf8')));
    expect(buildTableModel(await loadSpecText(asJson), ctx)).toEqual(yamlModel);
    expect(buildTableModel(await loadSpecText(asJson, 'spec.json'), ctx)).toEqual(yamlModel);
  });
});

describe('the Chinook demo spec (examples/chinook)', () => {
  it('imports: 11 entities, the three version properties', async () => {
    const file = path.resolve(path.dirname(FIXTURE), '../../../examples/chinook/chinook.openapi.yaml');
    const model = buildTableModel(await loadSpecText(readFileSync(file, 'utf8'), file), { datasources: new Map([['chinook', { type: 'sqlite' as const }]]) });
    expect(model.entities).toHaveLength(11);
    expect(model.entities.filter((e) => e.version).map((e) => [e.name, e.version?.property, e.version?.kind])).toEqual([
      ['customer', 'version_stamp', 'uuid'], ['genre', 'version', 'integer'], ['invoice', 'last_updated', 'timestamp'],
    ]);
  });
});

describe('OpenAPI 3.0', () => {
  const v30 = doc({
    artist: {
      'x-am-database': 'music',
      type: 'object',
      properties: {
        artist_id: { type: 'integer', 'x-am-primary-key': 'AUTO' },
        name: { type: 'string', nullable: true, maxLength: 120 },
      },
    },
    album: {
      'x-am-database': 'music',
      type: 'object',
      properties: {
        album_id: { type: 'integer', 'x-am-primary-key': 'auto' },
        artist_id: { type: 'integer', nullable: true },
        // 3.0 ignores siblings of $ref, so the relation attributes go beside an allOf.
        artist: { allOf: [{ $ref: '#/components/schemas/artist' }], nullable: true },
      },
    },
  }, {}, '3.0.3');

  it('accepts nullable: true and allOf-wrapped relations, inferring both ends', () => {
    const model = buildTableModel(v30, ctx);
    expect(prop(entity(model, 'artist'), 'name')).toMatchObject({ type: 'string', nullable: true, maxLength: 120 });
    expect(prop(entity(model, 'artist'), 'artist_id')?.key?.strategy).toBe('auto');
    expect(entity(model, 'album').relations).toEqual([
      { name: 'artist', kind: 'one', target: 'artist', parentProperty: 'artist_id', childProperty: 'artist_id', description: null },
    ]);
  });

  it('loads from YAML text as well', async () => {
    expect(buildTableModel(await loadSpecText(stringify(v30)), ctx)).toEqual(buildTableModel(v30, ctx));
  });

  it('accepts 3.1 anyOf [$ref, null] as a nullable 1:1 relation', () => {
    const model = buildTableModel(doc({
      artist: simple(),
      album: {
        'x-am-database': 'music',
        properties: {
          album_id: { type: 'integer', 'x-am-primary-key': 'auto' },
          artist_id: { type: ['integer', 'null'] },
          artist: { anyOf: [{ $ref: '#/components/schemas/artist' }, { type: 'null' }] },
        },
      },
    }), ctx);
    // Inferred parent: no sibling named "id" (the target key), so `<relation>_id`.
    expect(entity(model, 'album').relations[0]).toMatchObject({ parentProperty: 'artist_id', childProperty: 'id' });
  });
});

describe('document versions', () => {
  it('rejects Swagger 2.0 with a clear problem', () => {
    expect(problemsOf({ swagger: '2.0', info: {}, paths: {}, definitions: {} })).toEqual([
      { path: 'swagger', message: 'Swagger / OpenAPI 2.0 is not supported: convert the document to OpenAPI 3.0 or 3.1' },
    ]);
  });

  it('rejects a missing or unsupported openapi version', () => {
    expect(problemsOf(doc({ a: simple() }, {}, '4.0.0'))).toEqual([{ path: 'openapi', message: 'version 4.0.0 is not supported: use OpenAPI 3.0.x or 3.1.x' }]);
    const { openapi: _omit, ...noVersion } = doc({ a: simple() });
    expect(problemsOf(noVersion)[0]?.path).toBe('openapi');
  });

  it('rejects a document that is not an object', () => {
    expect(problemsOf([1, 2])).toEqual([{ path: '', message: expect.stringContaining('must be an object') as unknown as string }]);
  });
});

describe('loadSpecText', () => {
  const fail = async (text: string, filename?: string): Promise<ImportProblem[]> => {
    try {
      await loadSpecText(text, filename);
    } catch (err) {
      if (err instanceof SpecValidationError) return err.problems;
      throw err;
    }
    throw new Error('expected a SpecValidationError');
  };

  it('reads YAML and JSON, by content or file name', async () => {
    expect(await loadSpecText('openapi: 3.1.0\ninfo: {title: t}\n')).toEqual({ openapi: '3.1.0', info: { title: 't' } });
    expect(await loadSpecText('{"openapi": "3.1.0"}')).toEqual({ openapi: '3.1.0' });
    expect(await loadSpecText('\uFEFF  {"openapi": "3.0.0"}', 'x.JSON')).toEqual({ openapi: '3.0.0' });
    expect(await loadSpecText('{openapi: 3.1.0}', 'x.yaml')).toEqual({ openapi: '3.1.0' }); // YAML flow mapping
  });

  it('keeps YAML 1.2 scalars: yes/on and dates stay strings', async () => {
    expect(await loadSpecText('a: yes\nb: 2024-01-01\nc: on')).toEqual({ a: 'yes', b: '2024-01-01', c: 'on' });
  });

  it('honours YAML anchors and << merge keys', async () => {
    const text = 'base: &id {type: integer, x-am-primary-key: auto}\nother:\n  <<: *id\n  description: merged\n';
    expect(await loadSpecText(text)).toEqual({
      base: { type: 'integer', 'x-am-primary-key': 'auto' },
      other: { type: 'integer', 'x-am-primary-key': 'auto', description: 'merged' },
    });
  });

  it('reports unparsable, empty and non-object texts', async () => {
    expect((await fail('{"openapi": '))[0]?.message).toMatch(/^not valid JSON/);
    expect((await fail('a: [1, 2', 'spec.yml'))[0]?.message).toMatch(/^not valid YAML/);
    expect((await fail('a: 1\na: 2'))[0]?.message).toMatch(/not valid YAML.*[Mm]ap keys must be unique/);
    expect((await fail('   '))[0]?.message).toBe('the document is empty');
    expect((await fail('- 1\n- 2'))[0]?.message).toMatch(/must be an object/);
    expect((await fail('just text'))[0]?.message).toMatch(/must be an object/);
  });

  it('refuses alias bombs', async () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 8; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    expect((await fail(lines.join('\n')))[0]?.message).toMatch(/not valid YAML/);
  });
});

describe('$ref resolution', () => {
  it('follows chains of refs for scalars, parameters, request bodies and responses', () => {
    const model = buildTableModel(doc({
      Code: { $ref: '#/components/schemas/Text' },
      Text: { type: 'string', maxLength: 8 },
      item: simple({}, { code: { $ref: '#/components/schemas/Code' } }),
    }, {
      paths: {
        '/by-code/{code}': {
          post: {
            'x-am-database': 'music',
            'x-am-sql': 'SELECT * FROM item WHERE code = :code AND qty > :qty',
            parameters: [{ $ref: '#/components/parameters/Code' }],
            requestBody: { $ref: '#/components/requestBodies/Qty' },
            responses: { 200: { $ref: '#/components/responses/Items' } },
          },
        },
      },
      components: {
        schemas: {
          Code: { $ref: '#/components/schemas/Text' },
          Text: { type: 'string', maxLength: 8 },
          item: simple({}, { code: { $ref: '#/components/schemas/Code' } }),
          QtyBody: { type: 'object', required: ['qty'], properties: { qty: { type: 'integer' } } },
          Row: { type: 'object', properties: { code: { type: 'string', 'x-am-column-name': 'item_code' } } },
        },
        parameters: { Code: { name: 'code', in: 'path', required: true, schema: { $ref: '#/components/schemas/Code' } } },
        requestBodies: { Qty: { content: { 'application/json': { schema: { $ref: '#/components/schemas/QtyBody' } } } } },
        responses: {
          Items: {
            description: 'rows',
            content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Row' } } } },
          },
        },
      },
    }), ctx);
    expect(prop(entity(model, 'item'), 'code')).toMatchObject({ type: 'string', maxLength: 8 });
    expect(model.operations[0]?.parameters).toEqual([
      { name: 'code', in: 'path', type: 'string', required: true },
      { name: 'qty', in: 'body', type: 'integer', required: true },
    ]);
    expect(model.operations[0]?.columnMap).toEqual({ item_code: 'code' });
  });

  it('reports circular, dangling and external refs at the $ref', () => {
    const problems = problemsOf(doc({
      A: { $ref: '#/components/schemas/B' },
      B: { $ref: '#/components/schemas/A' },
      item: simple({}, {
        a: { $ref: '#/components/schemas/A' },
        b: { $ref: '#/components/schemas/Missing' },
        c: { $ref: 'common.yaml#/components/schemas/Name' },
        d: { $ref: '#/info/title' },
      }),
    }));
    expect(problems).toEqual([
      { path: 'components.schemas.B.$ref', message: 'circular $ref "#/components/schemas/A"' },
      { path: 'components.schemas.item.properties.b.$ref', message: '$ref "#/components/schemas/Missing" points to nothing' },
      { path: 'components.schemas.item.properties.c.$ref', message: 'external $ref "common.yaml#/components/schemas/Name" is not supported: bundle the document into one file first' },
      { path: 'components.schemas.item.properties.d.$ref', message: '$ref "#/info/title" must point to an object' },
    ]);
  });

  it('decodes JSON-pointer escapes (~1 for /, ~0 for ~)', () => {
    const model = buildTableModel(doc({
      'a/b~c': { type: 'boolean' },
      item: simple({}, { flag: { $ref: '#/components/schemas/a~1b~0c' } }),
    }), ctx);
    expect(prop(entity(model, 'item'), 'flag')?.type).toBe('boolean');
  });
});

describe('inferred relation ends', () => {
  it('infers a 1:N child property named like the parent key, and parent = this key', () => {
    const model = buildTableModel(doc({
      artist: { 'x-am-database': 'music', properties: { artist_id: { type: 'integer', 'x-am-primary-key': 'auto' }, albums: { type: 'array', items: { $ref: '#/components/schemas/album' } } } },
      album: simple({}, { artist_id: { type: 'integer' } }),
    }), ctx);
    expect(entity(model, 'artist').relations[0]).toMatchObject({ kind: 'many', parentProperty: 'artist_id', childProperty: 'artist_id' });
  });

  it('allows relations to schemas that have relations of their own, and to themselves', () => {
    const model = buildTableModel(doc({
      employee: simple({}, {
        boss_id: { type: ['integer', 'null'] },
        boss: { $ref: '#/components/schemas/employee', 'x-am-parent-property': 'boss_id' },
        reports: { type: 'array', items: { $ref: '#/components/schemas/employee' }, 'x-am-child-property': 'boss_id' },
      }),
    }), ctx);
    expect(entity(model, 'employee').relations.map((r) => [r.name, r.kind, r.parentProperty, r.childProperty])).toEqual([
      ['boss', 'one', 'boss_id', 'id'],
      ['reports', 'many', 'id', 'boss_id'],
    ]);
  });

  it('allows entities without a key (no by-key routes)', () => {
    const model = buildTableModel(doc({ log: { 'x-am-database': 'lite', properties: { line: { type: 'string' } } } }), ctx);
    expect(entity(model, 'log').primaryKey).toEqual([]);
  });
});

describe('validation reports every problem at once, with JSON paths', () => {
  const bad = doc({
    Plain: { type: 'object', properties: { x: { type: 'string' } } },
    ghost: simple({ 'x-am-database': 'nowhere' }),
    Ghost: simple(),
    strategies: {
      'x-am-database': 'lite',
      'x-am-table': 'a',
      'x-am-table-name': 'b',
      'x-am-concurrency-control': 'missing',
      'x-am-read-only': 'yes',
      'x-am-cache': true,
      required: ['nope'],
      properties: {
        k1: { type: 'integer', 'x-am-primary-key': 'random' },
        k2: { type: 'integer', 'x-am-primary-key': 'sequence' },
        k3: { type: 'integer', 'x-am-primary-key': 'uuid' },
        k4: { type: ['integer', 'null'], 'x-am-primary-key': 'manual' },
        s: { type: 'string', 'x-am-sequence-name': 'seq' },
        col_a: { type: 'string', 'x-am-column-name': 'same' },
        col_b: { type: 'string', 'x-am-column-name': 'same' },
        __meta: { type: 'string' },
        'a.b': { type: 'string' },
        notype: { description: 'no type' },
        weird: { type: 'text' },
        two: { type: ['string', 'integer'] },
        obj: { type: 'object', properties: { a: { type: 'string' } } },
        list: { type: 'array', items: { type: 'string' } },
        len: { type: 'string', maxLength: -1 },
        typo: { type: 'string', 'x-am-colum-name': 'x' },
      },
    },
    versions: simple({ 'x-am-concurrency-control': 'label' }, { label: { type: 'string' } }),
    keyless: { 'x-am-database': 'music', 'x-am-concurrency-control': 'v', properties: { v: { type: 'integer' } } },
    rel: simple({}, {
      plain: { $ref: '#/components/schemas/Plain' },
      plains: { type: 'array', items: { $ref: '#/components/schemas/Plain' } },
      elsewhere: { $ref: '#/components/schemas/remote' },
      unguessable: { $ref: '#/components/schemas/okey' },
      keylessOne: { $ref: '#/components/schemas/keyless' },
      badParent: { $ref: '#/components/schemas/versions', 'x-am-parent-property': 'nope', 'x-am-primary-key': 'auto' },
      badChild: { type: 'array', items: { $ref: '#/components/schemas/versions' }, 'x-am-child-property': 'nope' },
      noChild: { type: 'array', items: { $ref: '#/components/schemas/versions', 'x-am-child-property': 'id' }, 'x-am-child-property': 'label' },
      toKeyless: { type: 'array', items: { $ref: '#/components/schemas/keyless' } },
      label_text: { type: 'string' },
      mismatch: { $ref: '#/components/schemas/versions', 'x-am-parent-property': 'label_text' },
    }),
    remote: { ...simple(), 'x-am-database': 'other' },
    okey: { 'x-am-database': 'music', properties: { ok_id: { type: 'integer', 'x-am-primary-key': 'auto' } } },
  }, {
    paths: {
      '/report/{year}': {
        get: {
          'x-am-database': 'music',
          'x-am-sql': 'SELECT :year, :month, :region FROM t -- :ignored',
          parameters: [{ name: 'month', in: 'query', schema: { type: 'integer', default: 'june' } }],
        },
        post: { 'x-am-sql': 'SELECT 1', requestBody: { content: { 'text/plain': {} } } },
        head: { 'x-am-database': 'music', 'x-am-sql': 'SELECT 1' },
      },
      '/twice': {
        get: { operationId: 'dup', 'x-am-database': 'elsewhere', 'x-am-sql': 'SELECT 1', 'x-am-timeout': 5 },
        delete: { operationId: 'dup', 'x-am-database': 'music' },
      },
    },
  });

  const problems = problemsOf(bad);
  const at = (path: string): string[] => problems.filter((p) => p.path === path).map((p) => p.message);
  const S = 'components.schemas';

  it('throws one SpecValidationError (400 invalid_spec) whose details are all the problems', () => {
    let error: unknown;
    try {
      buildTableModel(bad, ctx);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SpecValidationError);
    const e = error as SpecValidationError;
    expect(e.status).toBe(400);
    expect(e.code).toBe('invalid_spec');
    expect(e.details).toBe(e.problems);
    expect(e.message).toMatch(new RegExp(`^Invalid spec \\(${problems.length} problems\\): ${S.replace('.', '\\.')}\\.ghost\\.x-am-database: unknown data source "nowhere" \\(known: lite, music, other\\);`));
    expect(e.message).toMatch(/… and \d+ more$/);
  });

  it('reports schema-level problems', () => {
    expect(at(`${S}.ghost.x-am-database`)).toEqual(['unknown data source "nowhere" (known: lite, music, other)']);
    expect(at(`${S}.Ghost`)).toEqual(['route /Ghost clashes with schema "ghost" (routes ignore case): rename one of them']);
    expect(at(`${S}.strategies.x-am-table-name`)).toEqual(['says "b" but x-am-table says "a": use one of them']);
    expect(at(`${S}.strategies.x-am-read-only`)).toEqual(['must be true or false']);
    expect(at(`${S}.strategies.x-am-cache`)).toEqual(['unknown attribute x-am-cache']);
    expect(at(`${S}.strategies.required`)).toEqual(['lists "nope", which is not a property']);
    expect(at(`${S}.strategies.x-am-concurrency-control`)).toEqual(['names "missing", which is not a property of this schema']);
  });

  it('reports key problems', () => {
    const P = `${S}.strategies.properties`;
    expect(at(`${P}.k1.x-am-primary-key`)).toEqual([expect.stringMatching(/^bad key strategy "random": use manual \(or required\), auto, sequence/)]);
    expect(at(`${P}.k2`)).toEqual(['key strategy sequence needs x-am-sequence-name (the sequence that supplies the values)']);
    expect(at(`${P}.k3.x-am-primary-key`)).toEqual(['a uuid key must be a string (format uuid), not integer']);
    expect(at(`${P}.k4`)).toEqual(['a primary-key property cannot be nullable']);
    expect(at(`${P}.s.x-am-sequence-name`)).toEqual(['applies only with x-am-primary-key: sequence']);
  });

  it('reports property problems', () => {
    const P = `${S}.strategies.properties`;
    expect(at(`${P}.col_b`)).toEqual(['column "same" is already mapped by property "col_a"']);
    expect(at(`${P}.__meta`)).toEqual(['property name "__meta" starts with "__", which is reserved for metadata parameters']);
    expect(at(`${P}["a.b"]`)).toEqual(['property name "a.b" contains ".", which addresses relation properties in filters']);
    expect(at(`${P}.notype`)).toEqual(['has no type: set `type` (integer, number, boolean or string)']);
    expect(at(`${P}.weird.type`)).toEqual(['unknown type "text"']);
    expect(at(`${P}.two.type`)).toEqual(['one type expected besides "null", found string, integer']);
    expect(at(`${P}.obj`)).toEqual(['inline object properties are not supported: $ref an annotated schema for a 1:1 relation']);
    expect(at(`${P}.list.items`)).toEqual([expect.stringMatching(/^arrays of plain values are not supported/)]);
    expect(at(`${P}.len.maxLength`)).toEqual(['must be a non-negative integer']);
    expect(at(`${P}.typo.x-am-colum-name`)).toEqual(['unknown attribute x-am-colum-name']);
  });

  it('reports version-property problems', () => {
    expect(at(`${S}.versions.x-am-concurrency-control`)).toEqual([
      'version property "label" is of type string: use type integer, or type string with format date-time or uuid',
    ]);
    expect(at(`${S}.keyless.x-am-concurrency-control`)).toEqual([
      'concurrency control needs a primary key (versioned updates go by key and version): mark it with x-am-primary-key',
    ]);
  });

  it('reports relation problems', () => {
    const P = `${S}.rel.properties`;
    expect(at(`${P}.plain`)).toEqual(['relation to schema "Plain", which has no x-am-database: annotate that schema or remove the property']);
    expect(at(`${P}.plains.items`)).toEqual(['relation to schema "Plain", which has no x-am-database: annotate that schema or remove the property']);
    expect(at(`${P}.elsewhere`)).toEqual(['relation to "remote" in data source "other", but this schema is in "music": both sides must be in the same x-am-database']);
    expect(at(`${P}.unguessable`)).toEqual([
      'cannot infer x-am-parent-property: no property named "ok_id" or "unguessable_id"; set x-am-parent-property (the property holding the key)',
    ]);
    expect(at(`${P}.keylessOne`)).toEqual(['"keyless" has no single-column primary key: set x-am-child-property (the key in the target)']);
    expect(at(`${P}.badParent.x-am-parent-property`)).toEqual(['unknown x-am-parent-property: rel has no property "nope"']);
    expect(at(`${P}.badParent.x-am-primary-key`)).toEqual(['x-am-primary-key does not apply to a relation property']);
    expect(at(`${P}.badChild.x-am-child-property`)).toEqual(['unknown x-am-child-property: versions has no property "nope"']);
    expect(at(`${P}.noChild.items.x-am-child-property`)).toEqual([`says "id" but ${P}.noChild.x-am-child-property says "label"`]);
    expect(at(`${P}.toKeyless`)).toEqual(['cannot infer x-am-child-property: "keyless" has no property named "id"; set x-am-child-property (the property of keyless holding the key)']);
    expect(at(`${P}.mismatch`)).toEqual(['joins rel.label_text (string) to versions.id (integer): the key types differ']);
  });

  it('reports custom-operation problems', () => {
    const G = 'paths./report/{year}.get';
    expect(at(G)).toEqual(['path parameter {year} is not declared: add it to parameters with in: path']);
    expect(at(`${G}.x-am-sql`)).toEqual([
      'placeholder :year is not a declared input: declare a path or query parameter named "year"',
      'placeholder :region is not a declared input: declare a path or query parameter named "region"',
    ]);
    expect(at(`${G}.parameters[0].schema`)).toEqual(['default "june" is not of type integer']);
    expect(at('paths./report/{year}.post')).toEqual(['x-am-sql needs x-am-database (the data source to run it on)', 'path parameter {year} is not declared: add it to parameters with in: path']);
    expect(at('paths./report/{year}.post.requestBody')).toEqual([expect.stringMatching(/^needs `content: \{application\/json/)]);
    expect(at('paths./report/{year}.head')).toEqual(['custom SQL is served on get, post, put, patch and delete, not head']);
    expect(at('paths./twice.get.x-am-database')).toEqual(['unknown data source "elsewhere" (known: lite, music, other)']);
    expect(at('paths./twice.get.x-am-timeout')).toEqual(['unknown attribute x-am-timeout']);
    expect(at('paths./twice.delete')).toEqual(['x-am-database on an operation needs x-am-sql (the statement to run)']);
    expect(at('paths./twice.delete.operationId')).toEqual(['operationId "dup" is also used by GET /twice']);
  });

  it('reports nothing else (no cascades from one mistake)', () => {
    const S = 'components.schemas.strategies';
    const R = 'components.schemas.rel.properties';
    expect(problems.map((p) => p.path).sort()).toEqual([
      'components.schemas.Ghost', 'components.schemas.ghost.x-am-database',
      `${S}.x-am-cache`, `${S}.x-am-read-only`, `${S}.required`, `${S}.x-am-table-name`, `${S}.x-am-concurrency-control`,
      ...['k1.x-am-primary-key', 'k2', 'k3.x-am-primary-key', 'k4', 's.x-am-sequence-name', '__meta',
        '["a.b"]', 'notype', 'weird.type', 'two.type', 'obj', 'list.items', 'len.maxLength', 'typo.x-am-colum-name', 'col_b']
        .map((rest) => `${S}.properties${rest.startsWith('[') ? '' : '.'}${rest}`),
      'components.schemas.versions.x-am-concurrency-control', 'components.schemas.keyless.x-am-concurrency-control',
      ...['plain', 'plains.items', 'badParent.x-am-primary-key', 'noChild.items.x-am-child-property', 'elsewhere', 'unguessable',
        'keylessOne', 'badParent.x-am-parent-property', 'badChild.x-am-child-property', 'toKeyless', 'mismatch']
        .map((rest) => `${R}.${rest}`),
      'paths./report/{year}.get.parameters[0].schema', 'paths./report/{year}.get', 'paths./report/{year}.get.x-am-sql',
      'paths./report/{year}.get.x-am-sql', 'paths./report/{year}.post', 'paths./report/{year}.post',
      'paths./report/{year}.post.requestBody', 'paths./report/{year}.head', 'paths./twice.get.x-am-timeout',
      'paths./twice.get.x-am-database', 'paths./twice.delete', 'paths./twice.delete.operationId',
    ].sort());
  });
});

describe('other problems', () => {
  it('never reads inherited names as attribute values or pointer segments', () => {
    const problems = problemsOf(JSON.parse(JSON.stringify(doc({
      a: simple({}, {
        k: { type: 'integer', 'x-am-primary-key': 'constructor' },
        f: { type: 'string', format: 'constructor' },
        p: { $ref: '#/__proto__' },
        c: { $ref: '#/components/constructor' },
      }),
    }))));
    expect(problems).toEqual([
      { path: 'components.schemas.a.properties.k.x-am-primary-key', message: expect.stringMatching(/^bad key strategy "constructor"/) as unknown as string },
      { path: 'components.schemas.a.properties.p.$ref', message: '$ref "#/__proto__" points to nothing' },
      { path: 'components.schemas.a.properties.c.$ref', message: '$ref "#/components/constructor" points to nothing' },
    ]);
  });

  it('a __proto__ key in JSON is data, not a prototype', async () => {
    const text = '{"openapi":"3.1.0","components":{"schemas":{"a":{"x-am-database":"music","properties":{"id":{"type":"integer","x-am-primary-key":"auto"}},"__proto__":{"x-am-read-only":true}}}}}';
    const model = buildTableModel(await loadSpecText(text), ctx);
    expect(entity(model, 'a').readOnly).toBe(false);
    expect(({} as Json)['x-am-read-only']).toBeUndefined();
  });

  it('a relation property may not name a relation as its key, nor a version a relation', () => {
    const problems = problemsOf(doc({
      a: simple({ 'x-am-concurrency-control': 'b' }, {
        b_id: { type: 'integer' },
        b: { $ref: '#/components/schemas/b', 'x-am-parent-property': 'b_id' },
        c: { $ref: '#/components/schemas/b', 'x-am-parent-property': 'b' },
      }),
      b: simple(),
    }));
    expect(problems).toEqual([
      { path: 'components.schemas.a.x-am-concurrency-control', message: 'names relation "b": the version property must be a scalar property' },
      { path: 'components.schemas.a.properties.c.x-am-parent-property', message: 'x-am-parent-property "b" is a relation of a, not a scalar property' },
    ]);
  });

  it('a schema name must be a route segment; an annotated schema needs properties', () => {
    expect(problemsOf(doc({ 'my table': { 'x-am-database': 'music' } }))).toEqual([
      { path: 'components.schemas["my table"]', message: 'schema name "my table" is its route segment: use only letters, digits, ".", "_" and "-"' },
      { path: 'components.schemas["my table"]', message: 'an annotated schema needs properties' },
    ]);
  });

  it('a path parameter must be in the path; one input name is one input; GET takes no body', () => {
    const problems = problemsOf(doc({}, {
      paths: {
        '/x': {
          get: {
            'x-am-database': 'music', 'x-am-sql': 'SELECT :a',
            parameters: [{ name: 'a', in: 'path', schema: { type: 'string' } }, { name: 'a', in: 'query' }],
            requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { a: { type: 'string' } } } } } },
          },
        },
      },
    }));
    expect(problems).toEqual([
      { path: 'paths./x.get.parameters', message: 'path parameter "a" is not in the path /x' },
      { path: 'paths./x.get.requestBody', message: 'a GET operation takes no body: use path or query parameters' },
      { path: 'paths./x.get', message: 'input "a" is declared in path and in query: one name, one input' },
    ]);
  });

  it('an empty document serves nothing and says so', () => {
    expect(problemsOf(doc({ Plain: { type: 'object' } }))).toEqual([
      { path: 'components.schemas', message: 'nothing to serve: no schema has x-am-database and no operation has x-am-sql' },
    ]);
  });

  it('x-am-engine is informational and never contradicts the data source', () => {
    const model = buildTableModel(doc({ a: simple({ 'x-am-engine': 'mysql' }) }), ctx);
    expect(entity(model, 'a').datasource).toBe('music');
  });
});
