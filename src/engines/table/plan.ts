/**
 * An entity prepared for SQL once, at snapshot build: quoted table and column names, lookups by property
 * name, the relations' targets, and the per-naming JSON key for each property. The statements themselves are
 * assembled per request from these pieces (compile-select.ts, compile-write.ts).
 */
import type { Dialect, SqlFeatures } from '../../datasources/dialect.ts';
import type { Naming } from '../engine.ts';
import { toCamel } from '../naming.ts';
import type { EntityModel, PropertyModel, RelationModel, TableApiModel } from './model.ts';

export interface ColumnPlan {
  property: PropertyModel;
  /** Quoted column name. */
  column: string;
  /** JSON key per naming. */
  key: Record<Naming, string>;
}

/** A table as seen from SQL: enough to select, filter and sort its rows. */
export interface TablePlan {
  entity: EntityModel;
  /** Quoted, possibly schema-qualified. */
  table: string;
  columns: Map<string, ColumnPlan>;
  /** Scalar properties in document order. */
  ordered: ColumnPlan[];
  primaryKey: ColumnPlan[];
}

export interface RelationPlan {
  relation: RelationModel;
  target: TablePlan;
  /** This entity's column holding the key. */
  parent: ColumnPlan;
  /** The target's column matched against it. */
  child: ColumnPlan;
  key: Record<Naming, string>;
  /** Alias of the target inside correlated subqueries (unique per relation, so nesting never shadows). */
  alias: string;
}

export interface EntityPlan extends TablePlan {
  dialect: Dialect;
  sql: SqlFeatures;
  relations: Map<string, RelationPlan>;
  version: { column: ColumnPlan; kind: 'integer' | 'timestamp' | 'uuid' } | null;
  /** SQL fragments already assembled, by what they depend on (naming, properties chosen): see compile-select.ts. */
  fragments: Map<string, string>;
}

/** The alias of the entity's own table in every statement. */
export const SELF = 't0';

function keys(name: string): Record<Naming, string> {
  return { 'as-is': name, camel: toCamel(name) };
}

function column(plan: TablePlan, name: string, what: string): ColumnPlan {
  const found = plan.columns.get(name);
  if (!found) throw new Error(`Table model error: ${what} names unknown property "${name}" of "${plan.entity.name}".`);
  return found;
}

function tablePlan(entity: EntityModel, dialect: Dialect): TablePlan {
  const ordered = entity.properties.map((property) => ({
    property,
    column: dialect.quoteIdent(property.column),
    key: keys(property.name),
  }));
  const plan: TablePlan = {
    entity,
    table: dialect.sql.table(entity.schema, entity.table),
    columns: new Map(ordered.map((c) => [c.property.name, c])),
    ordered,
    primaryKey: [],
  };
  plan.primaryKey = entity.primaryKey.map((name) => column(plan, name, 'the primary key'));
  return plan;
}

/**
 * Checks the parts of the model the engine relies on and prepares them. A relation to an entity that is
 * missing or on another data source is a model error (the importer rejects it), thrown as a plain Error.
 */
export function planEntity(model: TableApiModel, entity: EntityModel, dialect: Dialect): EntityPlan {
  const own = tablePlan(entity, dialect);
  const relations = new Map<string, RelationPlan>();
  entity.relations.forEach((relation, index) => {
    const targetEntity = model.entities.find((e) => e.name === relation.target);
    if (!targetEntity) throw new Error(`Table model error: relation "${entity.name}.${relation.name}" targets unknown "${relation.target}".`);
    if (targetEntity.datasource !== entity.datasource) {
      throw new Error(`Table model error: relation "${entity.name}.${relation.name}" crosses data sources.`);
    }
    const target = targetEntity === entity ? own : tablePlan(targetEntity, dialect);
    relations.set(relation.name, {
      relation,
      target,
      parent: column(own, relation.parentProperty, `relation "${relation.name}"`),
      child: column(target, relation.childProperty, `relation "${entity.name}.${relation.name}"`),
      key: keys(relation.name),
      alias: `r${index + 1}`,
    });
  });
  const version = entity.version
    ? { column: column(own, entity.version.property, 'the version'), kind: entity.version.kind }
    : null;
  return { ...own, dialect, sql: dialect.sql, relations, version, fragments: new Map() };
}

/** `alias.column` for a property of a plan. */
export function ref(alias: string, column: ColumnPlan): string {
  return `${alias}.${column.column}`;
}
