/** JSON Schemas and query parameters of table entities, for /openapi.json. */
import type { EntityModel, PropertyModel } from '../../engines/table/model.ts';

type Json = Record<string, unknown>;

export function propertySchema(p: PropertyModel): Json {
  const base: Json =
    p.type === 'date' || p.type === 'date-time' || p.type === 'uuid' ? { type: 'string', format: p.type } : { type: p.type };
  if (p.maxLength !== null) base.maxLength = p.maxLength;
  if (p.nullable) base.type = [base.type, 'null'];
  if (p.readOnly || p.key?.strategy === 'auto') base.readOnly = true;
  if (p.description) base.description = p.description;
  return base;
}

export function entitySchema(entity: EntityModel, refOf: (entity: string) => string): Json {
  const properties: Json = Object.fromEntries(entity.properties.map((p) => [p.name, propertySchema(p)]));
  for (const r of entity.relations) {
    properties[r.name] =
      r.kind === 'one'
        ? { oneOf: [{ $ref: refOf(r.target) }, { type: 'null' }], description: r.description ?? `related ${r.target} (select with __properties)` }
        : { type: 'array', items: { $ref: refOf(r.target) }, description: r.description ?? `${r.target} rows (select with __properties)` };
  }
  const schema: Json = { type: 'object', properties };
  if (entity.description) schema.description = entity.description;
  return schema;
}

const OPERATORS =
  'Filter: `value` (equals) or `op::value` with op one of lt le eq ne ge gt in not-in between not-between like not-like is is-not; ' +
  'lists comma-separated (`\\,` for a literal comma), like uses `*` and `?`, `is::null` tests for null.';

export function selectionParameters(entity: EntityModel, options: { filtersOnly?: boolean } = {}): Json[] {
  const filters: Json[] = entity.properties.map((p) => ({
    name: p.name,
    in: 'query',
    required: false,
    schema: { type: 'string' },
    description: `${OPERATORS} Typed as ${p.type}.`,
  }));
  if (options.filtersOnly) return filters;
  const meta = (name: string, description: string, schema: Json = { type: 'string' }): Json => ({
    name,
    in: 'query',
    required: false,
    schema,
    description,
  });
  return [
    ...filters,
    meta('__properties', 'Regular expressions (space or comma separated) matched against whole property names; `relation:regex` embeds a relation.'),
    meta('__sort', '`property[:asc|desc]`, comma-separated; 1:1 relation properties as `relation.property`.'),
    meta('__limit', 'Rows per page.', { type: 'integer', minimum: 0 }),
    meta('__offset', 'Rows to skip.', { type: 'integer', minimum: 0 }),
    meta('__count', 'Answer `{"count": N}` instead of rows.', { type: 'boolean' }),
    meta('naming', '`camel` for camelCase keys (also header X-Response-Naming).'),
  ];
}
