/**
 * Annotated component schemas → entities: table binding, scalar properties, key, version property, read-only.
 * Relation properties are collected as drafts here and checked against their targets in relations.ts, once
 * every entity is known.
 */
import type { EntityModel, KeyStrategy, PropertyModel, PropertyType, VersionModel } from '../../engines/table/model.ts';
import {
  RELATION_ATTRIBUTES, SCALAR_ATTRIBUTES, SCHEMA_ATTRIBUTES, booleanAttribute, checkAttributes, descriptionOf, stringAttribute,
} from './attributes.ts';
import { unknownDatasource, type ImportContext } from './context.ts';
import { isObj, type Obj } from './refs.ts';
import { jsonPath, type PathSegments, type Problems } from './problems.ts';
import { isObjectSchema, objectShape, propertyRef, type PropertyEntry } from './shapes.ts';
import { readType, type TypeInfo } from './types.ts';

/** A relation attribute's value and where it was written. */
export interface Located {
  value: string;
  path: PathSegments;
}

export interface RelationDraft {
  name: string;
  kind: 'one' | 'many';
  /** Component schema name of the target (an annotated schema). */
  target: string;
  parent: Located | null;
  child: Located | null;
  path: PathSegments;
  description: string | null;
}

export interface EntityDraft {
  model: EntityModel;
  path: PathSegments;
  relations: RelationDraft[];
  /** Properties whose definition had a problem: later checks stay quiet about them rather than repeat it. */
  broken: Set<string>;
}

const SCHEMA_NAME = /^[A-Za-z0-9._-]+$/;

const STRATEGIES: Record<string, KeyStrategy> = {
  manual: 'manual',
  required: 'manual',
  auto: 'auto',
  sequence: 'sequence',
  uuid: 'uuid',
  guid: 'uuid',
};

const COMPOSITION = new Set(['$ref', 'allOf', 'anyOf', 'oneOf']);
const withoutComposition = (node: Obj): Obj => Object.fromEntries(Object.entries(node).filter(([k]) => !COMPOSITION.has(k)));

class EntityReader {
  readonly draft: EntityDraft;
  private readonly p: Problems;

  constructor(
    private readonly ctx: ImportContext,
    private readonly annotated: Set<string>,
    model: EntityModel,
    path: PathSegments,
    private readonly required: Set<string>,
  ) {
    this.draft = { model, path, relations: [], broken: new Set() };
    this.p = ctx.problems;
  }

  property(entry: PropertyEntry): void {
    const { name, node, path } = entry;
    if (name === '') this.p.add(path, 'a property needs a name');
    if (name.startsWith('__')) this.p.add(path, `property name "${name}" starts with "__", which is reserved for metadata parameters`);
    if (name.includes('.')) this.p.add(path, `property name "${name}" contains ".", which addresses relation properties in filters`);
    if (!isObj(node)) {
      this.fail(name, path, 'must be a schema object');
      return;
    }
    const ref = propertyRef(node, path);
    if (ref === 'ambiguous') {
      this.fail(name, path, 'a composition of several $refs, or of a $ref and other types, is not supported');
      return;
    }
    if (ref === null) {
      this.typed(name, node, path);
      return;
    }
    const resolved = this.ctx.resolver.resolve(ref.holder, ref.holderPath);
    if (!resolved) {
      this.draft.broken.add(name);
      return;
    }
    if (resolved.schemaName !== null && this.annotated.has(resolved.schemaName)) {
      this.relation(name, 'one', resolved.schemaName, path, [[node, path], [ref.holder, ref.holderPath]]);
      return;
    }
    if (isObjectSchema(resolved)) {
      this.fail(name, path, resolved.schemaName !== null
        ? `relation to schema "${resolved.schemaName}", which has no x-am-database: annotate that schema or remove the property`
        : `$ref "${String(ref.holder['$ref'])}" is an object but not a component schema: a relation must $ref an annotated schema`);
      return;
    }
    // A $ref to a reusable scalar definition: the property's own keywords win over the shared ones.
    const merged: Obj = { ...resolved.node, ...Object.fromEntries(ref.extras.flatMap((extra) => Object.entries(extra))), ...withoutComposition(node) };
    if (ref.nullable) merged['nullable'] = true;
    this.typed(name, merged, path);
  }

  private fail(name: string, path: PathSegments, message: string): void {
    this.p.add(path, message);
    this.draft.broken.add(name);
  }

  private typed(name: string, schema: Obj, path: PathSegments): void {
    const type = readType(schema, path, this.p);
    if (!type) {
      this.draft.broken.add(name);
    } else if (type.type === 'array') {
      this.many(name, schema, path);
    } else if (type.type === 'object') {
      this.fail(name, path, 'inline object properties are not supported: $ref an annotated schema for a 1:1 relation');
    } else {
      this.scalar(name, schema, path, type);
    }
  }

  private many(name: string, schema: Obj, path: PathSegments): void {
    const items = schema['items'];
    const itemsPath = [...path, 'items'];
    const ref = isObj(items) ? propertyRef(items, itemsPath) : null;
    if (!isObj(items) || ref === null || ref === 'ambiguous') {
      this.fail(name, isObj(items) ? itemsPath : path,
        'arrays of plain values are not supported: an array property is a 1:N relation, `items: {$ref: "#/components/schemas/<annotated schema>"}`');
      return;
    }
    const resolved = this.ctx.resolver.resolve(ref.holder, ref.holderPath);
    if (!resolved) {
      this.draft.broken.add(name);
      return;
    }
    if (resolved.schemaName === null || !this.annotated.has(resolved.schemaName)) {
      this.fail(name, itemsPath, resolved.schemaName !== null
        ? `relation to schema "${resolved.schemaName}", which has no x-am-database: annotate that schema or remove the property`
        : 'items must $ref an annotated component schema (`#/components/schemas/<name>`)');
      return;
    }
    this.relation(name, 'many', resolved.schemaName, path, [[schema, path], [items, itemsPath], [ref.holder, ref.holderPath]]);
  }

  private relation(name: string, kind: 'one' | 'many', target: string, path: PathSegments, sources: [Obj, PathSegments][]): void {
    const unique = sources.filter(([node], i) => sources.findIndex(([other]) => other === node) === i);
    for (const [node, nodePath] of unique) checkAttributes(node, nodePath, RELATION_ATTRIBUTES, 'a relation property', this.p);
    const parent = this.located('x-am-parent-property', unique);
    const child = this.located('x-am-child-property', unique);
    if (parent === 'conflict' || child === 'conflict') {
      this.draft.broken.add(name);
      return;
    }
    this.draft.relations.push({
      name,
      kind,
      target,
      parent,
      child,
      path,
      description: descriptionOf(sources[0]?.[0] ?? {}),
    });
  }

  /** An attribute written on the property, its items or its `$ref` holder; two different values are a problem. */
  private located(key: string, sources: [Obj, PathSegments][]): Located | null | 'conflict' {
    let found: Located | null = null;
    let conflict = false;
    for (const [node, path] of sources) {
      const value = stringAttribute(node, key, path, this.p);
      if (value === undefined) continue;
      if (found && found.value !== value) {
        this.p.add([...path, key], `says "${value}" but ${jsonPath(found.path)} says "${found.value}"`);
        conflict = true;
      } else if (!found) {
        found = { value, path: [...path, key] };
      }
    }
    return conflict ? 'conflict' : found;
  }

  private scalar(name: string, schema: Obj, path: PathSegments, type: TypeInfo): void {
    checkAttributes(schema, path, SCALAR_ATTRIBUTES, 'a scalar property', this.p);
    const column = stringAttribute(schema, 'x-am-column-name', path, this.p) ?? name;
    stringAttribute(schema, 'x-am-column-type', path, this.p); // informational: only its form is checked
    let maxLength: number | null = null;
    const rawMax = schema['maxLength'];
    if (rawMax !== undefined) {
      if (typeof rawMax === 'number' && Number.isInteger(rawMax) && rawMax >= 0) maxLength = rawMax;
      else this.p.add([...path, 'maxLength'], 'must be a non-negative integer');
    }
    const property: PropertyModel = {
      name,
      column,
      type: type.type as PropertyType,
      nullable: type.nullable,
      required: this.required.has(name),
      readOnly: schema['readOnly'] === true,
      maxLength,
      key: this.key(schema, path, type),
      description: descriptionOf(schema),
    };
    this.draft.model.properties.push(property);
  }

  private key(schema: Obj, path: PathSegments, type: TypeInfo): PropertyModel['key'] {
    const raw = schema['x-am-primary-key'];
    const sequenceName = stringAttribute(schema, 'x-am-sequence-name', path, this.p);
    const keyPath = [...path, 'x-am-primary-key'];
    let strategy: KeyStrategy | undefined;
    if (raw === undefined || raw === false) {
      if (sequenceName !== undefined) this.p.add([...path, 'x-am-sequence-name'], 'applies only with x-am-primary-key: sequence');
      return null;
    } else if (raw === true) {
      strategy = 'manual';
    } else if (typeof raw === 'string') {
      const name = raw.trim().toLowerCase();
      strategy = Object.hasOwn(STRATEGIES, name) ? STRATEGIES[name] : undefined;
    }
    if (strategy === undefined) {
      this.p.add(keyPath, `bad key strategy ${JSON.stringify(raw)}: use manual (or required), auto, sequence (with x-am-sequence-name), uuid (or guid), or true for manual`);
      return null;
    }
    if (strategy === 'sequence') {
      if (sequenceName === undefined && schema['x-am-sequence-name'] === undefined) {
        this.p.add(path, 'key strategy sequence needs x-am-sequence-name (the sequence that supplies the values)');
      }
      if (type.type !== 'integer' && type.type !== 'number') this.p.add(keyPath, `a sequence key must be an integer or a number, not ${type.type}`);
    } else if (sequenceName !== undefined) {
      this.p.add([...path, 'x-am-sequence-name'], `applies only with x-am-primary-key: sequence, not ${strategy}`);
    }
    if (strategy === 'uuid' && type.type !== 'uuid' && type.type !== 'string') {
      this.p.add(keyPath, `a uuid key must be a string (format uuid), not ${type.type}`);
    }
    if (type.nullable) this.p.add(path, 'a primary-key property cannot be nullable');
    return { strategy, sequence: strategy === 'sequence' ? (sequenceName ?? null) : null };
  }

  /** Checks that need every property: one column per property, the primary key, the version property. */
  finish(node: Obj): void {
    const { model, path } = this.draft;
    const byColumn = new Map<string, string>();
    for (const property of model.properties) {
      const other = byColumn.get(property.column);
      if (other !== undefined) this.p.add([...path, 'properties', property.name], `column "${property.column}" is already mapped by property "${other}"`);
      else byColumn.set(property.column, property.name);
    }
    model.primaryKey = model.properties.filter((property) => property.key !== null).map((property) => property.name);
    model.version = this.version(node);
  }

  private version(node: Obj): VersionModel | null {
    const { model, path } = this.draft;
    const name = stringAttribute(node, 'x-am-concurrency-control', path, this.p);
    if (name === undefined) return null;
    const at = [...path, 'x-am-concurrency-control'];
    const property = model.properties.find((candidate) => candidate.name === name);
    if (!property) {
      if (this.draft.relations.some((relation) => relation.name === name)) {
        this.p.add(at, `names relation "${name}": the version property must be a scalar property`);
      } else if (!this.draft.broken.has(name)) {
        this.p.add(at, `names "${name}", which is not a property of this schema`);
      }
      return null;
    }
    const kind = property.type === 'integer' ? 'integer' : property.type === 'date-time' ? 'timestamp' : property.type === 'uuid' ? 'uuid' : null;
    if (kind === null) {
      this.p.add(at, `version property "${name}" is of type ${property.type}: use type integer, or type string with format date-time or uuid`);
    }
    if (property.key) this.p.add(at, `version property "${name}" cannot be part of the primary key`);
    if (model.primaryKey.length === 0) {
      this.p.add(at, 'concurrency control needs a primary key (versioned updates go by key and version): mark it with x-am-primary-key');
    }
    return kind === null ? null : { property: name, kind };
  }
}

function tableName(node: Obj, name: string, path: PathSegments, ctx: ImportContext): string {
  const table = stringAttribute(node, 'x-am-table', path, ctx.problems);
  const alias = stringAttribute(node, 'x-am-table-name', path, ctx.problems);
  if (table !== undefined && alias !== undefined && table !== alias) {
    ctx.problems.add([...path, 'x-am-table-name'], `says "${alias}" but x-am-table says "${table}": use one of them`);
  }
  return table ?? alias ?? name;
}

function readEntity(name: string, node: Obj, ctx: ImportContext, annotated: Set<string>): EntityDraft {
  const p = ctx.problems;
  const path = ['components', 'schemas', name];
  checkAttributes(node, path, SCHEMA_ATTRIBUTES, 'a schema', p);
  if (!SCHEMA_NAME.test(name)) {
    p.add(path, `schema name "${name}" is its route segment: use only letters, digits, ".", "_" and "-"`);
  }
  const datasource = stringAttribute(node, 'x-am-database', path, p) ?? '';
  const source = ctx.datasources.get(datasource);
  if (datasource !== '' && !source) p.add([...path, 'x-am-database'], unknownDatasource(datasource, ctx.datasources));
  const rawSchema = node['x-am-schema'];
  if (rawSchema !== undefined && rawSchema !== null && (typeof rawSchema !== 'string' || rawSchema === '')) {
    p.add([...path, 'x-am-schema'], 'must be a non-empty string (or null for the connection default)');
  }
  // x-am-engine is informational: the data source's type decides the dialect. Any value is accepted.
  const readOnly = booleanAttribute(node, 'x-am-read-only', path, p) === true || node['readOnly'] === true;
  const shape = objectShape(node, path, ctx.resolver);
  if (shape.properties.length === 0) p.add(path, 'an annotated schema needs properties');
  const names = new Set(shape.properties.map((entry) => entry.name));
  for (const required of shape.required) {
    if (!names.has(required)) p.add([...path, 'required'], `lists "${required}", which is not a property`);
  }
  const model: EntityModel = {
    name,
    path: name,
    datasource,
    schema: typeof rawSchema === 'string' && rawSchema !== '' ? rawSchema : null,
    table: tableName(node, name, path, ctx),
    properties: [],
    primaryKey: [],
    version: null,
    relations: [],
    readOnly,
    description: descriptionOf(node),
  };
  const reader = new EntityReader(ctx, annotated, model, path, shape.required);
  for (const entry of shape.properties) reader.property(entry);
  reader.finish(node);
  return reader.draft;
}

/** Every component schema with `x-am-database`, in document order. Other schemas are not entities. */
export function readEntities(ctx: ImportContext): EntityDraft[] {
  const components = ctx.doc['components'];
  if (components === undefined) return [];
  if (!isObj(components)) {
    ctx.problems.add(['components'], 'must be an object');
    return [];
  }
  const schemas = components['schemas'];
  if (schemas === undefined) return [];
  if (!isObj(schemas)) {
    ctx.problems.add(['components', 'schemas'], 'must be an object');
    return [];
  }
  const annotated = new Set(Object.entries(schemas).filter(([, node]) => isObj(node) && node['x-am-database'] !== undefined).map(([name]) => name));
  const drafts: EntityDraft[] = [];
  const paths = new Map<string, string>();
  for (const name of annotated) {
    const node = schemas[name] as Obj;
    const other = paths.get(name.toLowerCase());
    if (other !== undefined) {
      ctx.problems.add(['components', 'schemas', name], `route /${name} clashes with schema "${other}" (routes ignore case): rename one of them`);
    } else {
      paths.set(name.toLowerCase(), name);
    }
    drafts.push(readEntity(name, node, ctx, annotated));
  }
  return drafts;
}
