/**
 * Filters of SQL templates. The SQL filters keep pyDBAPI's names with safe meanings: each validates its input
 * and binds it (or, for operators and identifiers, emits text from a fixed list), returning a SqlFragment.
 * A bad value is a 400 `invalid_parameter` naming the filter and the value.
 *
 * A short list of nunjucks' builtin filters and tests is kept for template logic, each wrapped so it cannot
 * read a forbidden attribute, return a host function, or change SQL text. The HTML ones (`escape`, `safe`,
 * `urlize`, …) and those whose work is unbounded in an argument (`slice`, `center`, `indent`) are left out.
 */
import type { Dialect } from '../../datasources/dialect.ts';
import { SqlFragment, bind, currentRender, describeValue, invalidParameter, step, templateError } from './fragment.ts';
import { NjSafeString, njBuiltinFilters, njBuiltinTests } from './nunjucks.ts';
import { FORBIDDEN_MEMBERS, checkResult, toPlainData } from './sandbox.ts';

type AnyFunction = (...args: unknown[]) => unknown;

/** Kinds a value filter (and `in_list(kind)`) converts to. */
export const VALUE_KINDS = ['string', 'int', 'float', 'bool', 'date', 'datetime'] as const;
export type ValueKind = (typeof VALUE_KINDS)[number];

/** The escape character of the LIKE filters: `!` is plain in every dialect's string literals (unlike `\`). */
export const LIKE_ESCAPE = '!';

function refuseSql(filter: string, value: unknown): void {
  if (value instanceof SqlFragment) {
    throw templateError(`Filter ${filter}: SQL text (the output of a macro or an SQL filter) cannot be used as a value.`);
  }
}

function toText(value: unknown, filter: string): string | null {
  refuseSql(filter, value);
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'bigint' || typeof value === 'boolean') {
    return String(value);
  }
  if (value instanceof NjSafeString) return String(value);
  throw invalidParameter(filter, value, 'a string');
}

function toInt(value: unknown, filter: string): number | string | null {
  refuseSql(filter, value);
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') {
    const text = value.trim();
    if (/^[+-]?\d{1,40}$/.test(text)) {
      const n = Number(text);
      // Beyond 2^53 the digits are bound as text, so none is lost; the database converts them.
      return Number.isSafeInteger(n) ? n : text.replace(/^\+/, '');
    }
  }
  throw invalidParameter(filter, value, 'an integer');
}

function toFloat(value: unknown, filter: string): number | null {
  refuseSql(filter, value);
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(value)) {
    const n = Number(value);
    if (Number.isFinite(n)) return n;
  }
  throw invalidParameter(filter, value, 'a number');
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on', 't', 'y']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off', 'f', 'n']);

function toBool(value: unknown, filter: string): boolean | null {
  refuseSql(filter, value);
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  throw invalidParameter(filter, value, 'a boolean');
}

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 0;
  return d <= days;
}

function toDate(value: unknown, filter: string): string | null {
  refuseSql(filter, value);
  if (value === null || value === undefined) return null;
  const m = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim()) : null;
  if (m && validDate(Number(m[1]), Number(m[2]), Number(m[3]))) return m[0];
  throw invalidParameter(filter, value, 'a date (YYYY-MM-DD)');
}

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * An ISO 8601 date-time as the dialect reads it: `YYYY-MM-DD HH:MM:SS[.fraction]`, with the offset kept on
 * PostgreSQL and, on MySQL and SQLite (whose DATETIME has no zone), converted to UTC.
 */
function toDateTime(value: unknown, filter: string, dialect: Dialect): string | null {
  refuseSql(filter, value);
  if (value === null || value === undefined) return null;
  const m = typeof value === 'string' ? DATETIME.exec(value.trim()) : null;
  if (!m) throw invalidParameter(filter, value, 'a date-time (YYYY-MM-DDTHH:MM[:SS[.fraction]][zone])');
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  const fraction = m[7] ?? '';
  const zone = m[8];
  if (!validDate(y, mo, d) || h > 23 || mi > 59 || s > 59) {
    throw invalidParameter(filter, value, 'a valid date-time');
  }
  const date = `${m[1]}-${m[2]}-${m[3]}`;
  const frac = fraction ? `.${fraction.slice(0, 6)}` : '';
  if (zone === undefined) return `${date} ${pad(h)}:${pad(mi)}:${pad(s)}${frac}`;
  if (dialect.type === 'postgres') return `${date} ${pad(h)}:${pad(mi)}:${pad(s)}${frac}${zone.toUpperCase() === 'Z' ? '+00:00' : zone}`;
  const offset = /^[Zz]$/.test(zone) ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.replace(':', '').slice(3, 5) || 0));
  const utc = new Date(0);
  utc.setUTCFullYear(y, mo - 1, d);
  utc.setUTCHours(h, mi - offset, s, 0);
  const ms = fraction ? `.${fraction.slice(0, 6)}` : '';
  return `${pad(utc.getUTCFullYear(), 4)}-${pad(utc.getUTCMonth() + 1)}-${pad(utc.getUTCDate())} ` +
    `${pad(utc.getUTCHours())}:${pad(utc.getUTCMinutes())}:${pad(utc.getUTCSeconds())}${ms}`;
}

function convert(kind: ValueKind, value: unknown, filter: string): unknown {
  switch (kind) {
    case 'string':
      return toText(value, filter);
    case 'int':
      return toInt(value, filter);
    case 'float':
      return toFloat(value, filter);
    case 'bool':
      return toBool(value, filter);
    case 'date':
      return toDate(value, filter);
    case 'datetime':
      return toDateTime(value, filter, currentRender().dialect);
  }
}

const bound = (value: unknown): SqlFragment => new SqlFragment(bind(value));

const valueFilter = (kind: ValueKind, name: string) => (value: unknown): SqlFragment => bound(convert(kind, value, name));

function scalar(value: unknown, filter: string): unknown {
  refuseSql(filter, value);
  if (value === null || value === undefined) return null;
  if (['string', 'number', 'boolean', 'bigint'].includes(typeof value)) return value;
  throw invalidParameter(filter, value, 'a plain value (string, number or boolean)');
}

/**
 * `col IN {{ ids | in_list }}` → `col IN ($1, $2, $3)`. An empty list gives `(NULL)`: `col IN (NULL)` is
 * never true. (`NOT IN (NULL)` is never true either — guard a NOT IN with `{% if ids %}`.) A string is a
 * comma-separated list. `in_list('int')` converts each item as `sql_int` does (any value kind).
 */
function inList(name: string) {
  return (value: unknown, kind?: unknown): SqlFragment => {
    if (kind !== undefined && !(typeof kind === 'string' && (VALUE_KINDS as readonly string[]).includes(kind))) {
      throw templateError(`Filter ${name}: the item kind must be one of ${VALUE_KINDS.join(', ')}, not ${describeValue(kind)}.`);
    }
    refuseSql(name, value);
    let items: unknown[];
    if (value === null || value === undefined) items = [];
    else if (Array.isArray(value)) items = value;
    else if (typeof value === 'string') items = value.trim() === '' ? [] : value.split(',').map((item) => item.trim());
    else if (['number', 'boolean', 'bigint'].includes(typeof value)) items = [value];
    else throw invalidParameter(name, value, 'a list');
    if (items.length === 0) return new SqlFragment('(NULL)');
    const markers = items.map((item) => bind(kind === undefined ? scalar(item, name) : convert(kind as ValueKind, item, name)));
    return new SqlFragment(`(${markers.join(', ')})`);
  };
}

/** `LIKE {{ q | sql_like }}` → `LIKE $1 ESCAPE '!'` with `%q%` bound, `%`, `_` and `!` in q escaped. */
function like(name: string, before: string, after: string) {
  return (value: unknown): SqlFragment => {
    const text = toText(value, name);
    if (text === null) return new SqlFragment(`${bind(null)} ESCAPE '${LIKE_ESCAPE}'`);
    const escaped = text.replace(/[!%_]/g, (c) => LIKE_ESCAPE + c);
    return new SqlFragment(`${bind(before + escaped + after)} ESCAPE '${LIKE_ESCAPE}'`);
  };
}

const OPERATORS: Readonly<Record<string, string>> = Object.freeze(Object.assign(Object.create(null) as object, {
  '=': '=', '==': '=', '!=': '!=', '<>': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=',
  eq: '=', ne: '<>', neq: '<>', lt: '<', le: '<=', lte: '<=', gt: '>', ge: '>=', gte: '>=',
}));

function operator(value: unknown): string {
  const key = typeof value === 'string' ? value.trim().toLowerCase() : null;
  if (key !== null && Object.hasOwn(OPERATORS, key)) return OPERATORS[key] as string;
  throw invalidParameter('compare', value, 'a comparison operator (=, !=, <>, <, <=, >, >=, eq, ne, lt, le, gt, ge)');
}

/** `{{ op | compare }}` → the operator as SQL text; `{{ v | compare(op) }}` → `op $n` with v bound. */
function compare(value: unknown, op?: unknown): SqlFragment {
  if (op === undefined) {
    refuseSql('compare', value);
    return new SqlFragment(operator(value));
  }
  return new SqlFragment(`${operator(op)} ${bind(scalar(value, 'compare'))}`);
}

/**
 * `{{ col | sql_ident(['name', 'total']) }}` → `"name"`: the name must be in the list (or, without one, a
 * table of the data source), then the dialect quotes it. A dot separates schema and name. A list of names
 * gives a comma-separated list (for ORDER BY or a column list).
 */
function sqlIdent(value: unknown, allowed?: unknown): SqlFragment {
  const state = currentRender();
  let names: ReadonlySet<string>;
  let expected: string;
  if (allowed === undefined) {
    if (state.catalogTables === undefined) {
      throw templateError(
        "Filter sql_ident: no allow-list was given and the data source's tables are not known here; write sql_ident(['a', 'b']).",
      );
    }
    names = state.catalogTables;
    expected = 'a table of this data source';
  } else if (Array.isArray(allowed) && allowed.every((name) => typeof name === 'string')) {
    names = new Set(allowed as string[]);
    const list = [...names].slice(0, 20).map((name) => JSON.stringify(name)).join(', ');
    expected = `one of the allowed identifiers (${list}${names.size > 20 ? ', …' : ''})`;
  } else {
    throw templateError(`Filter sql_ident: the allow-list must be a list of names, not ${describeValue(allowed)}.`);
  }
  refuseSql('sql_ident', value);
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0) throw invalidParameter('sql_ident', value, 'a non-empty list of identifiers');
  const quoted = items.map((item) => {
    if (typeof item !== 'string' || !names.has(item)) throw invalidParameter('sql_ident', item, expected);
    const parts = item.split('.');
    // NUL would forge a value marker; other control characters are never meant.
    // eslint-disable-next-line no-control-regex
    if (parts.some((part) => part === '' || /[\u0000-\u001f\u007f]/.test(part))) {
      throw invalidParameter('sql_ident', item, 'a valid identifier');
    }
    return parts.map((part) => state.dialect.quoteIdent(part)).join('.');
  });
  return new SqlFragment(quoted.join(', '));
}

/** `{{ obj | json }}` binds the JSON text of the value. */
function json(value: unknown): SqlFragment {
  refuseSql('json', value);
  const text = JSON.stringify(value === undefined ? null : value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return bound(text);
}

/** `{% set f = filters | fromjson %}` parses JSON text into plain data for template logic. */
function fromjson(value: unknown): unknown {
  refuseSql('fromjson', value);
  if (typeof value !== 'string') return toPlainData(value) ?? null;
  try {
    return toPlainData(JSON.parse(value)) ?? null;
  } catch {
    throw invalidParameter('fromjson', value, 'valid JSON');
  }
}

const SQL_FILTERS: Readonly<Record<string, AnyFunction>> = {
  sql_string: valueFilter('string', 'sql_string'),
  sql_int: valueFilter('int', 'sql_int'),
  sql_float: valueFilter('float', 'sql_float'),
  sql_bool: valueFilter('bool', 'sql_bool'),
  sql_date: valueFilter('date', 'sql_date'),
  sql_datetime: valueFilter('datetime', 'sql_datetime'),
  in_list: inList('in_list'),
  sql_in_list: inList('sql_in_list'),
  sql_like: like('sql_like', '%', '%'),
  sql_like_start: like('sql_like_start', '', '%'),
  sql_like_end: like('sql_like_end', '%', ''),
  json,
  fromjson,
  compare,
  sql_ident: sqlIdent,
} as Record<string, AnyFunction>;

/** nunjucks builtin filters kept for template logic. */
const BUILTIN_FILTERS = [
  'abs', 'batch', 'capitalize', 'default', 'd', 'dictsort', 'dump', 'first', 'float', 'groupby', 'int', 'join',
  'last', 'length', 'list', 'lower', 'reject', 'rejectattr', 'replace', 'reverse', 'round', 'select', 'selectattr',
  'sort', 'sum', 'title', 'trim', 'truncate', 'upper', 'urlencode', 'wordcount',
];

/** Builtins that may pass SQL text through unchanged (a default, a count). */
const PASS_SQL = new Set(['default', 'd', 'length']);

function guardBuiltin(name: string, fn: AnyFunction): AnyFunction {
  return function guarded(this: unknown, ...args: unknown[]): unknown {
    step();
    for (const arg of args) {
      // Attribute names (`join(', ', 'a.b')`, `sort(false, false, 'x')`) may not lead to prototypes.
      if (typeof arg === 'string' && arg.split('.').some((part) => FORBIDDEN_MEMBERS.has(part))) {
        throw templateError(`Filter ${name}: access to ${describeValue(arg)} is not allowed.`);
      }
    }
    if (args[0] instanceof SqlFragment) {
      if (name === 'length') return args[0].length;
      if (!PASS_SQL.has(name)) throw templateError(`Filter ${name} cannot change SQL text (the output of a macro or an SQL filter).`);
    }
    return checkResult(fn.apply(this, args), `Filter ${name}`);
  };
}

/** Jinja's `string`: the value as text (nunjucks' own returns non-strings unchanged). */
function stringFilter(value: unknown): string {
  refuseSql('string', value);
  if (typeof value === 'function') throw templateError('Filter string: a macro or function has no text.');
  return checkResult(value === null || value === undefined ? '' : String(value), 'Filter string');
}

export const FILTERS: Readonly<Record<string, AnyFunction>> = Object.freeze(Object.assign(
  Object.create(null) as object,
  Object.fromEntries(BUILTIN_FILTERS.map((name) => {
    const fn = njBuiltinFilters[name];
    if (typeof fn !== 'function') throw new Error(`nunjucks has no builtin filter "${name}"`);
    return [name, guardBuiltin(name, fn)];
  })),
  { string: stringFilter },
  SQL_FILTERS,
)) as Readonly<Record<string, AnyFunction>>;

/** Tests for `x is …` (the HTML one, `escaped`, is left out). */
const BUILTIN_TESTS = [
  'callable', 'defined', 'divisibleby', 'equalto', 'eq', 'sameas', 'even', 'falsy', 'ge', 'greaterthan', 'gt',
  'le', 'lessthan', 'lt', 'lower', 'ne', 'null', 'number', 'odd', 'string', 'truthy', 'undefined', 'upper',
  'iterable', 'mapping',
];

export const TESTS: Readonly<Record<string, AnyFunction>> = Object.freeze(Object.assign(
  Object.create(null) as object,
  Object.fromEntries(BUILTIN_TESTS.map((name) => {
    const fn = njBuiltinTests[name];
    if (typeof fn !== 'function') throw new Error(`nunjucks has no builtin test "${name}"`);
    return [name, function test(this: unknown, ...args: unknown[]): unknown {
      step();
      return fn.apply(this, args);
    }];
  })),
)) as Readonly<Record<string, AnyFunction>>;

export const SQL_FILTER_NAMES: readonly string[] = Object.keys(SQL_FILTERS);
