/** Reading schema shapes: the properties of an object schema (through `$ref` and `allOf`) and a property's `$ref`. */
import { isObj, type Obj, type RefResolver, type Resolved } from './refs.ts';
import type { PathSegments } from './problems.ts';

export interface PropertyEntry {
  name: string;
  node: unknown;
  path: PathSegments;
}

export interface ObjectShape {
  /** In document order; a name repeated by a later `allOf` element keeps its first place and its last definition. */
  properties: PropertyEntry[];
  required: Set<string>;
}

const MAX_DEPTH = 16;

/** Properties and `required` of an object schema, merged over `$ref` and `allOf` (schema composition). */
export function objectShape(node: Obj, path: PathSegments, resolver: RefResolver): ObjectShape {
  const properties = new Map<string, PropertyEntry>();
  const required = new Set<string>();
  const visit = (n: Obj, p: PathSegments, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    if (typeof n['$ref'] === 'string') {
      const target = resolver.resolve({ $ref: n['$ref'] }, p);
      if (target) visit(target.node, target.path, depth + 1);
    }
    const allOf = n['allOf'];
    if (Array.isArray(allOf)) {
      allOf.forEach((element, i) => {
        if (isObj(element)) visit(element, [...p, 'allOf', i], depth + 1);
      });
    }
    const props = n['properties'];
    if (isObj(props)) {
      for (const [name, value] of Object.entries(props)) {
        const entry = { name, node: value, path: [...p, 'properties', name] };
        properties.set(name, entry); // a Map keeps the first insertion's place
      }
    }
    const req = n['required'];
    if (Array.isArray(req)) for (const r of req) if (typeof r === 'string') required.add(r);
  };
  visit(node, path, 0);
  return { properties: [...properties.values()], required };
}

export const isNullSchema = (node: unknown): boolean => isObj(node) && node['type'] === 'null' && Object.keys(node).length === 1;

/** Where a property points with `$ref`: directly, through `allOf: [{$ref}]`, or `anyOf`/`oneOf: [{$ref}, {type: null}]`. */
export interface PropertyRef {
  /** The object holding `$ref`. */
  holder: Obj;
  holderPath: PathSegments;
  /** The other `allOf` elements (annotations such as `description`), merged into a scalar target. */
  extras: Obj[];
  /** `anyOf`/`oneOf` with `{type: "null"}`. */
  nullable: boolean;
}

/** The `$ref` a property uses, null when none, or 'ambiguous' when a composition holds several. */
export function propertyRef(node: Obj, path: PathSegments): PropertyRef | 'ambiguous' | null {
  if (typeof node['$ref'] === 'string') return { holder: node, holderPath: path, extras: [], nullable: false };
  for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = node[keyword];
    if (!Array.isArray(list)) continue;
    const refs = list.flatMap((element, i) => (isObj(element) && typeof element['$ref'] === 'string' ? [{ element, i }] : []));
    if (refs.length === 0) continue;
    const others = list.filter((element) => !(isObj(element) && typeof element['$ref'] === 'string'));
    if (refs.length > 1) return 'ambiguous';
    const ref = refs[0];
    if (!ref) continue;
    if (keyword === 'allOf') {
      return { holder: ref.element, holderPath: [...path, keyword, ref.i], extras: others.filter(isObj), nullable: false };
    }
    // anyOf / oneOf: a reference or null, nothing else.
    if (!others.every(isNullSchema)) return 'ambiguous';
    return { holder: ref.element, holderPath: [...path, keyword, ref.i], extras: [], nullable: others.length > 0 };
  }
  return null;
}

/** Whether a resolved schema describes an object (so a `$ref` to it is a relation, not a reusable scalar type). */
export function isObjectSchema(resolved: Resolved): boolean {
  const node = resolved.node;
  const type = node['type'];
  return (
    isObj(node['properties']) ||
    type === 'object' ||
    (Array.isArray(type) && type.includes('object')) ||
    Array.isArray(node['allOf']) ||
    node['x-am-database'] !== undefined
  );
}
