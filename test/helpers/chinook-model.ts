/**
 * A hand-written TableApiModel of Chinook (shared/fixtures/chinook), valid on PostgreSQL, MariaDB and SQLite:
 * entity = table = path, property = column, identity / auto-increment keys `auto`, playlist_track's
 * composite key `manual`, and the three version columns (customer.version_stamp uuid, invoice.last_updated
 * timestamp, genre.version integer). employee.birth_date / hire_date are `date` (TIMESTAMP on PostgreSQL,
 * DATE elsewhere: the declared type decides the JSON form). The importer produces the same shape from a spec.
 */
import type {
  EntityModel, PropertyModel, PropertyType, RelationModel, TableApiModel, VersionModel,
} from '../../src/engines/table/model.ts';

export const CHINOOK_DATASOURCE = 'chinook';

interface PropertyOptions {
  maxLength?: number;
  required?: boolean;
  key?: PropertyModel['key'];
  readOnly?: boolean;
}

export function prop(name: string, type: PropertyType, options: PropertyOptions = {}): PropertyModel {
  const required = options.required ?? false;
  return {
    name,
    column: name,
    type,
    nullable: !required && !options.key,
    required: required || options.key?.strategy === 'manual',
    readOnly: options.readOnly ?? false,
    maxLength: options.maxLength ?? null,
    key: options.key ?? null,
    description: null,
  };
}

const auto = { key: { strategy: 'auto', sequence: null } } as const;
const manual = { key: { strategy: 'manual', sequence: null } } as const;
const text = (name: string, maxLength: number, required = false): PropertyModel =>
  prop(name, 'string', { maxLength, required });
const int = (name: string, required = false): PropertyModel => prop(name, 'integer', { required });

export function one(name: string, target: string, parentProperty: string, childProperty: string): RelationModel {
  return { name, kind: 'one', target, parentProperty, childProperty, description: null };
}

export function many(name: string, target: string, parentProperty: string, childProperty: string): RelationModel {
  return { name, kind: 'many', target, parentProperty, childProperty, description: null };
}

export function entity(
  name: string,
  properties: PropertyModel[],
  relations: RelationModel[] = [],
  version: VersionModel | null = null,
  datasource = CHINOOK_DATASOURCE,
): EntityModel {
  return {
    name,
    path: name,
    datasource,
    schema: null,
    table: name,
    properties,
    primaryKey: properties.filter((p) => p.key).map((p) => p.name),
    version,
    relations,
    readOnly: false,
    description: null,
  };
}

function place(prefix: string): PropertyModel[] {
  return [
    text(`${prefix}address`, 70), text(`${prefix}city`, 40), text(`${prefix}state`, 40), text(`${prefix}country`, 40),
    text(`${prefix}postal_code`, 10),
  ];
}

export function chinookEntities(datasource = CHINOOK_DATASOURCE): EntityModel[] {
  const e = (name: string, properties: PropertyModel[], relations: RelationModel[] = [], version: VersionModel | null = null) =>
    entity(name, properties, relations, version, datasource);
  return [
    e('album', [prop('album_id', 'integer', auto), text('title', 160, true), int('artist_id', true)], [
      one('artist', 'artist', 'artist_id', 'artist_id'),
      many('track_items', 'track', 'album_id', 'album_id'),
    ]),
    e('artist', [prop('artist_id', 'integer', auto), text('name', 120)], [
      many('album_items', 'album', 'artist_id', 'artist_id'),
    ]),
    e('customer', [
      prop('customer_id', 'integer', auto), text('first_name', 40, true), text('last_name', 20, true), text('company', 80),
      ...place(''), text('phone', 24), text('fax', 24), text('email', 60, true), int('support_rep_id'),
      prop('version_stamp', 'uuid'),
    ], [
      one('support_rep', 'employee', 'support_rep_id', 'employee_id'),
      many('invoice_items', 'invoice', 'customer_id', 'customer_id'),
    ], { property: 'version_stamp', kind: 'uuid' }),
    e('employee', [
      prop('employee_id', 'integer', auto), text('last_name', 20, true), text('first_name', 20, true), text('title', 30),
      int('reports_to'), prop('birth_date', 'date'), prop('hire_date', 'date'), ...place(''), text('phone', 24),
      text('fax', 24), text('email', 60),
    ], [one('reports_to_employee', 'employee', 'reports_to', 'employee_id')]),
    e('genre', [prop('genre_id', 'integer', auto), text('name', 120), int('version')], [], { property: 'version', kind: 'integer' }),
    e('invoice', [
      prop('invoice_id', 'integer', auto), int('customer_id', true), prop('invoice_date', 'date-time', { required: true }),
      ...place('billing_'), prop('total', 'number', { required: true }), prop('last_updated', 'date-time'),
    ], [
      one('customer', 'customer', 'customer_id', 'customer_id'),
      many('invoice_line_items', 'invoice_line', 'invoice_id', 'invoice_id'),
    ], { property: 'last_updated', kind: 'timestamp' }),
    e('invoice_line', [
      prop('invoice_line_id', 'integer', auto), int('invoice_id', true), int('track_id', true),
      prop('unit_price', 'number', { required: true }), int('quantity', true),
    ], [one('track', 'track', 'track_id', 'track_id'), one('invoice', 'invoice', 'invoice_id', 'invoice_id')]),
    e('media_type', [prop('media_type_id', 'integer', auto), text('name', 120)]),
    e('playlist', [prop('playlist_id', 'integer', auto), text('name', 120)], [
      many('playlist_track_items', 'playlist_track', 'playlist_id', 'playlist_id'),
    ]),
    e('playlist_track', [prop('playlist_id', 'integer', manual), prop('track_id', 'integer', manual)], [
      one('playlist', 'playlist', 'playlist_id', 'playlist_id'),
      one('track', 'track', 'track_id', 'track_id'),
    ]),
    e('track', [
      prop('track_id', 'integer', auto), text('name', 200, true), int('album_id'), int('media_type_id', true), int('genre_id'),
      text('composer', 220), int('milliseconds', true), int('bytes'), prop('unit_price', 'number', { required: true }),
    ], [
      one('album', 'album', 'album_id', 'album_id'),
      one('genre', 'genre', 'genre_id', 'genre_id'),
      one('media_type', 'media_type', 'media_type_id', 'media_type_id'),
      many('invoice_line_items', 'invoice_line', 'track_id', 'track_id'),
    ]),
  ];
}

/** The Chinook model; `extra` entities (scratch tables of a test) are added to it. */
export function chinookModel(extra: EntityModel[] = [], datasource = CHINOOK_DATASOURCE): TableApiModel {
  return { entities: [...chinookEntities(datasource), ...extra], operations: [] };
}

export function entityOf(model: TableApiModel, name: string): EntityModel {
  const found = model.entities.find((e) => e.name === name);
  if (!found) throw new Error(`no entity ${name} in the model`);
  return found;
}
