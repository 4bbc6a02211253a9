/** The `x-am-*` vocabulary per level, and small readers for attribute values that report what is wrong. */
import type { Obj } from './refs.ts';
import type { PathSegments, Problems } from './problems.ts';

export const SCHEMA_ATTRIBUTES = new Set([
  'x-am-database',
  'x-am-table',
  'x-am-table-name',
  'x-am-schema',
  'x-am-engine',
  'x-am-concurrency-control',
  'x-am-read-only',
]);

export const SCALAR_ATTRIBUTES = new Set(['x-am-column-name', 'x-am-primary-key', 'x-am-sequence-name', 'x-am-column-type']);
export const RELATION_ATTRIBUTES = new Set(['x-am-parent-property', 'x-am-child-property']);
export const OPERATION_ATTRIBUTES = new Set(['x-am-database', 'x-am-sql']);

/**
 * Reports every `x-am-*` key of `node` that is not in `allowed`: a typo (`x-am-primary_key`) or an attribute
 * in the wrong place (a key strategy on a relation) would otherwise be silently ignored.
 */
export function checkAttributes(node: Obj, path: PathSegments, allowed: Set<string>, where: string, problems: Problems): void {
  for (const key of Object.keys(node)) {
    if (!key.startsWith('x-am-') || allowed.has(key)) continue;
    const known = SCHEMA_ATTRIBUTES.has(key) || SCALAR_ATTRIBUTES.has(key) || RELATION_ATTRIBUTES.has(key) || OPERATION_ATTRIBUTES.has(key);
    problems.add([...path, key], known ? `${key} does not apply to ${where}` : `unknown attribute ${key}`);
  }
}

/** A non-empty string attribute, or undefined when absent; reports any other value. */
export function stringAttribute(node: Obj, key: string, path: PathSegments, problems: Problems): string | undefined {
  const value = node[key];
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.trim() !== '') return value;
  problems.add([...path, key], 'must be a non-empty string');
  return undefined;
}

/** A boolean attribute, or undefined when absent; reports any other value. */
export function booleanAttribute(node: Obj, key: string, path: PathSegments, problems: Problems): boolean | undefined {
  const value = node[key];
  if (value === undefined) return undefined;
  if (typeof value === 'boolean') return value;
  problems.add([...path, key], 'must be true or false');
  return undefined;
}

export const descriptionOf = (node: Obj): string | null =>
  typeof node['description'] === 'string' && node['description'] !== '' ? node['description'] : null;
