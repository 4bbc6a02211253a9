/**
 * Record selection: query-string pairs → a checked Selection (selection.ts). User guide with examples:
 * docs/record-selection.md. Every mistake is a 400 AppError whose message names the culprit, with a stable code:
 * unknown_property, unknown_relation, unknown_operator, invalid_value, invalid_parameter, invalid_regex.
 *
 * Grammar (keys and values as URL-decoded by the gateway; `naming` is already removed):
 *
 *   filter      key=value                 key = prop | relation.prop   (one level; 1:1 or 1:N relation)
 *   value       text                      equality
 *             | op::text                  op ∈ eq ne lt le gt ge in not-in between not-between
 *                                               like not-like is is-not
 *               The text is split at the FIRST `::` only. The part before it is an operator when it is one;
 *               when it is any other word ([A-Za-z][A-Za-z_-]*) → unknown_operator (a typo never silently
 *               becomes equality; compare with `a::b` by writing eq::a::b); otherwise (`::1`, `12:30::x`)
 *               the whole text is the value.
 *   in, not-in            v1,v2,…         one or more (at most 1000); `\,` = comma, `\\` = backslash, any
 *                                         other backslash is literal; `in::` (empty) → invalid_value
 *   between, not-between  low,high        exactly two, same escapes
 *   like, not-like        glob            `*` any run, `?` one character, `\*` `\?` `\\` literals; string
 *                                         properties only; becomes a LIKE pattern for ESCAPE '\'
 *   is, is-not            null            (case-insensitive) null test; values []
 *   Plain values (all other operators) are taken exactly as written: no escapes.
 *   Values are converted after the property is known (selection-values.ts): integer (safe, `00192` → 192),
 *   number (JS number), boolean (true false 1 0 yes no), date (YYYY-MM-DD, a real date), date-time (ISO 8601
 *   or a date; kept as written), uuid (kept as written), string (as is; `00192` stays "00192"; no NUL).
 *   A key repeated is several filters, ANDed. A filter on a 1:N relation is an existence test.
 *
 *   metadata    __properties=expr[ ,]…    regexes matched against whole property names (re2js); `rel:regex`
 *                                         selects relation rel (exact name) with its matching properties,
 *                                         `rel:` or `rel` all of them; each expression must select something
 *             | __sort=path[:asc|desc],…  own or 1:1 paths (customer.last_name:desc)
 *             | __limit=n                 0 ≤ n ≤ maxLimit (absent: null, the engine applies its page size)
 *             | __offset=n                n ≥ 0 (absent: 0)
 *             | __count[=true|false]      count instead of rows
 *   Any other `__x` → invalid_parameter; a metadata key given twice → invalid_parameter.
 *
 * With `naming: 'camel'`, property and relation names in filters, `__properties` and `__sort` may also be given
 * in camelCase (toCamel of the model name); model names keep working.
 */
import type { Naming } from '../engine.ts';
import type { EntityModel, TableApiModel } from './model.ts';
import { type EntityIndex, indexOf, quote, resolvePath, selectionError } from './selection-names.ts';
import { selectProperties } from './selection-properties.ts';
import { convertValue, likePattern, MAX_LIST_VALUES, splitList, splitOperator } from './selection-values.ts';
import type { Filter, Selection, SortKey } from './selection.ts';

export { likePattern, splitList };

export interface SelectionOptions {
  /** Largest `__limit` accepted. */
  maxLimit: number;
  naming: Naming;
}

const METADATA = ['__properties', '__count', '__sort', '__limit', '__offset'] as const;
type MetadataKey = (typeof METADATA)[number];
const isMetadata = (key: string): key is MetadataKey => (METADATA as readonly string[]).includes(key);

export function parseSelection(
  model: TableApiModel,
  entity: EntityModel,
  query: ReadonlyArray<readonly [string, string]>,
  options: SelectionOptions,
): Selection {
  const index = indexOf(entity);
  const filters: Filter[] = [];
  const metadata = new Map<MetadataKey, string>();

  for (const [key, value] of query) {
    if (key.startsWith('__')) {
      if (!isMetadata(key)) {
        throw selectionError(
          'invalid_parameter',
          `unknown metadata parameter ${quote(key)} (known: ${METADATA.join(', ')})`,
        );
      }
      if (metadata.has(key)) throw selectionError('invalid_parameter', `${key} is given more than once`);
      metadata.set(key, value);
    } else {
      filters.push(parseFilter(model, index, key, value, options.naming));
    }
  }

  const properties = metadata.get('__properties');
  const sort = metadata.get('__sort');
  const limit = metadata.get('__limit');
  const offset = metadata.get('__offset');
  const count = metadata.get('__count');
  const selected =
    properties === undefined
      ? { properties: entity.properties.map((p) => p.name), relations: [] }
      : selectProperties(model, index, properties, options.naming);
  return {
    filters,
    properties: selected.properties,
    relations: selected.relations,
    sort: sort === undefined ? [] : parseSort(model, index, sort, options.naming),
    limit: limit === undefined ? null : parseLimit(limit, options.maxLimit),
    offset: offset === undefined ? 0 : parseCount('__offset', offset),
    count: count === undefined ? false : parseFlag(count),
  };
}

function parseFilter(model: TableApiModel, index: EntityIndex, key: string, raw: string, naming: Naming): Filter {
  const { path, property } = resolvePath(model, index, key, naming);
  const label = key; // messages name the key as the client wrote it (camelCase included)
  const { op, text } = splitOperator(raw, label);
  switch (op) {
    case 'is':
    case 'is-not':
      if (text.toLowerCase() !== 'null') {
        throw selectionError('invalid_value', `${op} on ${label} takes null (${op}::null), not ${quote(text)}`);
      }
      return { path, op, values: [] };
    case 'in':
    case 'not-in': {
      const items = splitList(text);
      if (items.length === 0) {
        throw selectionError('invalid_value', `${op} on ${label} needs a comma-separated list of one or more values`);
      }
      if (items.length > MAX_LIST_VALUES) {
        throw selectionError('invalid_value', `${op} on ${label} lists more than ${MAX_LIST_VALUES} values`);
      }
      return { path, op, values: items.map((item) => convertValue(property, item, label)) };
    }
    case 'between':
    case 'not-between': {
      const items = splitList(text);
      if (items.length !== 2) {
        throw selectionError(
          'invalid_value',
          `${op} on ${label} needs exactly two values, low,high (got ${items.length}: ${quote(text)})`,
        );
      }
      return { path, op, values: items.map((item) => convertValue(property, item, label)) };
    }
    case 'like':
    case 'not-like': {
      if (property.type !== 'string') {
        throw selectionError(
          'invalid_value',
          `${op} applies to text properties only; ${label} is ${property.type === 'integer' ? 'an' : 'a'} ${property.type}`,
        );
      }
      convertValue(property, text, label); // rejects NUL
      return { path, op, values: [likePattern(text)] };
    }
    default:
      return { path, op, values: [convertValue(property, text, label)] };
  }
}

function parseSort(model: TableApiModel, index: EntityIndex, text: string, naming: Naming): SortKey[] {
  return text.split(',').map((item): SortKey => {
    const entry = item.trim();
    if (entry === '') throw selectionError('invalid_parameter', `__sort: empty sort key in ${quote(text)}`);
    const colon = entry.lastIndexOf(':');
    const name = (colon < 0 ? entry : entry.slice(0, colon)).trim();
    const given = colon < 0 ? 'asc' : entry.slice(colon + 1).trim().toLowerCase();
    if (given !== 'asc' && given !== 'desc') {
      throw selectionError(
        'invalid_parameter',
        `__sort: unknown direction ${quote(entry.slice(colon + 1))} for ${quote(name)} (use asc or desc)`,
      );
    }
    const { path, relation } = resolvePath(model, index, name, naming, '__sort: ');
    if (relation !== null && relation.kind === 'many') {
      throw selectionError(
        'invalid_parameter',
        `__sort: cannot sort by ${quote(name)}: ${relation.name} is a 1:N relation (sort by own or 1:1 properties)`,
      );
    }
    return { path, direction: given };
  });
}

const DIGITS = /^\d+$/;

function parseCount(name: string, text: string): number {
  const n = DIGITS.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n)) {
    throw selectionError('invalid_parameter', `${name} must be a non-negative integer, not ${quote(text)}`);
  }
  return n;
}

function parseLimit(text: string, maxLimit: number): number {
  const n = parseCount('__limit', text);
  if (n > maxLimit) throw selectionError('invalid_parameter', `__limit ${n} is above the maximum page size ${maxLimit}`);
  return n;
}

const FLAGS: ReadonlyMap<string, boolean> = new Map([
  ['', true],
  ['true', true],
  ['1', true],
  ['yes', true],
  ['false', false],
  ['0', false],
  ['no', false],
]);

function parseFlag(text: string): boolean {
  const flag = FLAGS.get(text.toLowerCase());
  if (flag === undefined) {
    throw selectionError('invalid_parameter', `__count takes true or false (or no value), not ${quote(text)}`);
  }
  return flag;
}
