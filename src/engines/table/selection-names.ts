/**
 * Name resolution for record selection: property and relation names (as defined, or camelCase under
 * `naming: 'camel'`) → the model's entries, and the 400 errors that name what was not found.
 * Indexes are cached per model object: a model is an immutable snapshot, so they never go stale.
 */
import { AppError } from '../../errors.ts';
import type { Naming } from '../engine.ts';
import { fromCamelMap } from '../naming.ts';
import type { EntityModel, PropertyModel, RelationModel, TableApiModel } from './model.ts';
import type { PropertyPath } from './selection.ts';

export type SelectionErrorCode =
  | 'unknown_property'
  | 'unknown_relation'
  | 'unknown_operator'
  | 'invalid_value'
  | 'invalid_parameter'
  | 'invalid_regex';

export function selectionError(code: SelectionErrorCode, message: string): AppError {
  return new AppError(400, code, message);
}

/** User text for a message: JSON-quoted (control characters visible), cut at 80 characters. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}

export interface EntityIndex {
  entity: EntityModel;
  properties: Map<string, PropertyModel>;
  relations: Map<string, RelationModel>;
  /** camelCase → model name (only consulted under `naming: 'camel'`). */
  camelProperties: Map<string, string>;
  camelRelations: Map<string, string>;
}

const indexes = new WeakMap<EntityModel, EntityIndex>();
const entityMaps = new WeakMap<TableApiModel, Map<string, EntityModel>>();

export function indexOf(entity: EntityModel): EntityIndex {
  let index = indexes.get(entity);
  if (index === undefined) {
    index = {
      entity,
      properties: new Map(entity.properties.map((p) => [p.name, p])),
      relations: new Map(entity.relations.map((r) => [r.name, r])),
      camelProperties: fromCamelMap(entity.properties.map((p) => p.name)),
      camelRelations: fromCamelMap(entity.relations.map((r) => r.name)),
    };
    indexes.set(entity, index);
  }
  return index;
}

/** The target entity's index. A relation to a missing entity is a model bug (the importer rejects it): 500. */
export function targetIndex(model: TableApiModel, relation: RelationModel): EntityIndex {
  let byName = entityMaps.get(model);
  if (byName === undefined) {
    byName = new Map(model.entities.map((e) => [e.name, e]));
    entityMaps.set(model, byName);
  }
  const target = byName.get(relation.target);
  if (target === undefined) throw new Error(`model: relation ${relation.name} targets unknown entity ${relation.target}`);
  return indexOf(target);
}

export function findProperty(index: EntityIndex, name: string, naming: Naming): PropertyModel | undefined {
  const direct = index.properties.get(name);
  if (direct !== undefined || naming !== 'camel') return direct;
  const original = index.camelProperties.get(name);
  return original === undefined ? undefined : index.properties.get(original);
}

export function findRelation(index: EntityIndex, name: string, naming: Naming): RelationModel | undefined {
  const direct = index.relations.get(name);
  if (direct !== undefined || naming !== 'camel') return direct;
  const original = index.camelRelations.get(name);
  return original === undefined ? undefined : index.relations.get(original);
}

export interface ResolvedPath {
  path: PropertyPath;
  property: PropertyModel;
  relation: RelationModel | null;
}

/**
 * `prop` or `relation.prop` (one level) → the model's property. A whole name that is an own property wins over
 * splitting at a dot, so a property named `a.b` stays reachable. `what` prefixes messages (e.g. `__sort: `).
 */
export function resolvePath(
  model: TableApiModel,
  index: EntityIndex,
  key: string,
  naming: Naming,
  what = '',
): ResolvedPath {
  const own = findProperty(index, key, naming);
  if (own !== undefined) return { path: { relation: null, property: own.name }, property: own, relation: null };
  const entityName = index.entity.name;
  const dot = key.indexOf('.');
  if (dot < 0) {
    const rel = findRelation(index, key, naming);
    if (rel !== undefined) {
      throw selectionError(
        'unknown_property',
        `${what}${quote(key)} is a relation of ${entityName}, not a property: name one of its properties, e.g. ${key}.${rel.childProperty}`,
      );
    }
    throw selectionError('unknown_property', `${what}unknown property ${quote(key)} of ${entityName}`);
  }
  const relName = key.slice(0, dot);
  const rest = key.slice(dot + 1);
  const relation = findRelation(index, relName, naming);
  if (relation === undefined) {
    throw selectionError('unknown_relation', `${what}unknown relation ${quote(relName)} of ${entityName} (in ${quote(key)})`);
  }
  const target = targetIndex(model, relation);
  const property = findProperty(target, rest, naming);
  if (property === undefined) {
    const deeper = rest.includes('.') ? '; relations are followed one level only' : '';
    throw selectionError(
      'unknown_property',
      `${what}unknown property ${quote(key)}: ${relation.target} (relation ${relation.name}) has no property ${quote(rest)}${deeper}`,
    );
  }
  return { path: { relation: relation.name, property: property.name }, property, relation };
}
