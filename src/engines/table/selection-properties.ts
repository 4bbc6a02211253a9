/**
 * `__properties`: which own properties and which relations (with which of their properties) a response carries.
 * Expressions are regular expressions run by re2js (RE2: linear time, no backreferences or lookaround), so
 * no pattern can make matching take exponential time; sizes are capped so compiling stays cheap too.
 */
import { RE2JS } from 're2js';
import type { Naming } from '../engine.ts';
import type { TableApiModel } from './model.ts';
import {
  type EntityIndex,
  findProperty,
  findRelation,
  quote,
  selectionError,
  targetIndex,
} from './selection-names.ts';
import type { RelationSelection } from './selection.ts';

/** Longest `__properties` value, longest single expression, largest compiled program (RE2 instructions). */
export const MAX_PROPERTIES_TEXT = 2048;
export const MAX_EXPRESSION = 256;
export const MAX_PROGRAM = 2000;

/** Characters that make an expression a regular expression rather than a plain name. */
const REGEX_META = /[\\()[\]{}|*+?.^$]/;
const SPACE = /\s/;

/**
 * Splits at commas and white space, except inside `(…)`, `{…}` and `[…]` and after a backslash, so `a{1,3}`
 * and `(?:x|y)` stay whole.
 */
export function splitExpressions(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '\\' && i + 1 < text.length) {
      current += c + text.charAt(i + 1);
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      current += c;
    } else if (c === '[') {
      inClass = true;
      current += c;
      if (text.charAt(i + 1) === '^') current += text.charAt(++i);
      if (text.charAt(i + 1) === ']') current += text.charAt(++i); // `[]…]`: a leading ] is literal
    } else if (depth === 0 && (c === ',' || SPACE.test(c))) {
      if (current !== '') out.push(current);
      current = '';
    } else {
      if (c === '(' || c === '{') depth++;
      else if ((c === ')' || c === '}') && depth > 0) depth--;
      current += c;
    }
  }
  if (current !== '') out.push(current);
  return out;
}

const compiled = new Map<string, RE2JS>();
const MAX_CACHED = 500;

function compile(expression: string): RE2JS {
  const cached = compiled.get(expression);
  if (cached !== undefined) return cached;
  if (expression.length > MAX_EXPRESSION) {
    throw selectionError(
      'invalid_regex',
      `__properties: expression ${quote(expression)} is longer than ${MAX_EXPRESSION} characters`,
    );
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(expression);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw selectionError('invalid_regex', `__properties: invalid regular expression ${quote(expression)}: ${reason}`);
  }
  const program = (re.re2().prog as { numInst?: () => number } | undefined)?.numInst?.() ?? 0;
  if (program > MAX_PROGRAM) {
    throw selectionError('invalid_regex', `__properties: regular expression ${quote(expression)} is too large`);
  }
  if (compiled.size >= MAX_CACHED) compiled.clear();
  compiled.set(expression, re);
  return re;
}

/** Names of `index`'s properties that `expression` selects: a plain name by lookup, else whole-name regex. */
function matching(index: EntityIndex, expression: string, naming: Naming): string[] {
  if (!REGEX_META.test(expression)) {
    const found = findProperty(index, expression, naming);
    return found === undefined ? [] : [found.name];
  }
  const re = compile(expression);
  const names = new Set<string>();
  for (const name of index.properties.keys()) if (re.testExact(name)) names.add(name);
  if (naming === 'camel') for (const [camel, name] of index.camelProperties) if (re.testExact(camel)) names.add(name);
  return [...names];
}

export interface PropertySelection {
  properties: string[];
  relations: RelationSelection[];
}

/**
 * Expressions (see splitExpressions) each select own properties whose whole name matches, or, as `rel:regex`,
 * relation `rel` (its exact name) and those of its target's properties that match (`rel:` or a bare relation
 * name: all of them). Every expression must select something. Results are in model order.
 */
export function selectProperties(
  model: TableApiModel,
  index: EntityIndex,
  text: string,
  naming: Naming,
): PropertySelection {
  if (text.length > MAX_PROPERTIES_TEXT) {
    throw selectionError('invalid_parameter', `__properties is longer than ${MAX_PROPERTIES_TEXT} characters`);
  }
  const expressions = splitExpressions(text);
  if (expressions.length === 0) throw selectionError('invalid_parameter', '__properties names no property');
  const own = new Set<string>();
  const related = new Map<string, Set<string>>();
  const entityName = index.entity.name;

  for (const expression of expressions) {
    const colon = expression.indexOf(':');
    const head = colon > 0 ? expression.slice(0, colon) : '';
    if (head !== '' && !REGEX_META.test(head)) {
      const relation = findRelation(index, head, naming);
      if (relation === undefined) {
        throw selectionError(
          'unknown_relation',
          `__properties: unknown relation ${quote(head)} of ${entityName} in ${quote(expression)} (rel:regex selects properties of relation rel)`,
        );
      }
      const target = targetIndex(model, relation);
      const rest = expression.slice(colon + 1);
      const names = rest === '' ? [...target.properties.keys()] : matching(target, rest, naming);
      if (names.length === 0) {
        throw selectionError(
          'unknown_property',
          `__properties: ${quote(rest)} matches no property of ${relation.target} (relation ${relation.name})`,
        );
      }
      const set = related.get(relation.name) ?? new Set<string>();
      for (const name of names) set.add(name);
      related.set(relation.name, set);
      continue;
    }
    const names = matching(index, expression, naming);
    if (names.length > 0) {
      for (const name of names) own.add(name);
      continue;
    }
    const relation = REGEX_META.test(expression) ? undefined : findRelation(index, expression, naming);
    if (relation === undefined) {
      throw selectionError('unknown_property', `__properties: ${quote(expression)} matches no property of ${entityName}`);
    }
    related.set(relation.name, new Set(targetIndex(model, relation).properties.keys()));
  }

  return {
    properties: index.entity.properties.filter((p) => own.has(p.name)).map((p) => p.name),
    relations: index.entity.relations.flatMap((r) => {
      const set = related.get(r.name);
      if (set === undefined) return [];
      const target = targetIndex(model, r).entity;
      return [{ name: r.name, properties: target.properties.filter((p) => set.has(p.name)).map((p) => p.name) }];
    }),
  };
}
