/**
 * A hand-written table-API model resembling Chinook (invoice, customer, invoice_line), for unit tests that need a
 * model but no database. Every property type appears at least once: customer carries a boolean, a uuid and a date.
 */
import type {
  EntityModel,
  PropertyModel,
  PropertyType,
  RelationModel,
  TableApiModel,
} from '../../../src/engines/table/model.ts';

export function prop(
  name: string,
  type: PropertyType,
  extra: Partial<Omit<PropertyModel, 'name' | 'type'>> = {},
): PropertyModel {
  return {
    name,
    column: name,
    type,
    nullable: false,
    required: false,
    readOnly: false,
    maxLength: null,
    key: null,
    description: null,
    ...extra,
  };
}

const autoKey = { strategy: 'auto', sequence: null } as const;

export function relation(
  name: string,
  kind: 'one' | 'many',
  target: string,
  parentProperty: string,
  childProperty: string,
): RelationModel {
  return { name, kind, target, parentProperty, childProperty, description: null };
}

export function entity(
  name: string,
  properties: PropertyModel[],
  extra: Partial<Omit<EntityModel, 'name' | 'properties'>> = {},
): EntityModel {
  return {
    name,
    path: name,
    datasource: 'chinook',
    schema: null,
    table: name,
    properties,
    primaryKey: properties.filter((p) => p.key !== null).map((p) => p.name),
    version: null,
    relations: [],
    readOnly: false,
    description: null,
    ...extra,
  };
}

export function chinookModel(): TableApiModel {
  const invoice = entity(
    'invoice',
    [
      prop('invoice_id', 'integer', { key: autoKey, readOnly: true }),
      prop('customer_id', 'integer', { required: true }),
      prop('invoice_date', 'date-time', { required: true }),
      prop('billing_state', 'string', { nullable: true, maxLength: 40 }),
      prop('subtotal', 'number', { nullable: true }),
      prop('total', 'number', { required: true }),
      prop('note', 'string', { nullable: true }),
      prop('last_updated', 'date-time', { readOnly: true }),
    ],
    {
      version: { property: 'last_updated', kind: 'timestamp' },
      relations: [
        relation('customer', 'one', 'customer', 'customer_id', 'customer_id'),
        relation('invoice_line_items', 'many', 'invoice_line', 'invoice_id', 'invoice_id'),
      ],
    },
  );
  const customer = entity(
    'customer',
    [
      prop('customer_id', 'integer', { key: autoKey }),
      prop('first_name', 'string', { required: true, maxLength: 40 }),
      prop('last_name', 'string', { required: true, maxLength: 20 }),
      prop('state', 'string', { nullable: true, maxLength: 40 }),
      prop('postal_code', 'string', { nullable: true, maxLength: 10 }),
      prop('fax', 'string', { nullable: true }),
      prop('support_rep_id', 'integer', { nullable: true }),
      prop('is_active', 'boolean'),
      prop('external_id', 'uuid', { nullable: true }),
      prop('birth_date', 'date', { nullable: true }),
    ],
    { relations: [relation('invoices', 'many', 'invoice', 'customer_id', 'customer_id')] },
  );
  const invoiceLine = entity(
    'invoice_line',
    [
      prop('invoice_line_id', 'integer', { key: autoKey }),
      prop('invoice_id', 'integer', { required: true }),
      prop('track_id', 'integer', { required: true }),
      prop('unit_price', 'number', { required: true }),
      prop('quantity', 'integer', { required: true }),
    ],
    { relations: [relation('invoice', 'one', 'invoice', 'invoice_id', 'invoice_id')] },
  );
  return { entities: [invoice, customer, invoiceLine], operations: [] };
}

/** The named entity of a model (throws when absent, so tests read straight). */
export function entityOf(model: TableApiModel, name: string): EntityModel {
  const found = model.entities.find((e) => e.name === name);
  if (found === undefined) throw new Error(`fixture: no entity ${name}`);
  return found;
}
