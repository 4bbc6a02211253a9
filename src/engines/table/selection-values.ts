/**
 * Filter values for record selection: the operator prefix (`op::value`), comma lists with `\,` / `\\` escapes,
 * `*`/`?` globs → LIKE patterns, and conversion of text to a property's declared type. The grammar is described
 * in selection-parser.ts and docs/record-selection.md.
 */
import type { PropertyModel } from './model.ts';
import { quote, selectionError } from './selection-names.ts';
import { FILTER_OPERATORS, type FilterOperator } from './selection.ts';

/** Most values one `in` / `not-in` list may hold (each becomes a bound parameter). */
export const MAX_LIST_VALUES = 1000;

const OPERATORS: ReadonlySet<string> = new Set(FILTER_OPERATORS);
/** Text before `::` that looks like an attempt at an operator name. */
const OPERATOR_LIKE = /^[A-Za-z][A-Za-z_-]*$/;

/**
 * `op::value` → operator and value text; no `::`, or text before it that is not a word (`::1`, `12:30::x`)
 * → `eq` and the whole text. A word that is not an operator is an error rather than part of the value, so a
 * mistyped operator (`gte::3`) never silently becomes an equality test; `eq::a::b` compares with `a::b`.
 */
export function splitOperator(raw: string, label: string): { op: FilterOperator; text: string } {
  const at = raw.indexOf('::');
  if (at < 0) return { op: 'eq', text: raw };
  const head = raw.slice(0, at);
  if (OPERATORS.has(head)) return { op: head as FilterOperator, text: raw.slice(at + 2) };
  if (OPERATOR_LIKE.test(head)) {
    throw selectionError(
      'unknown_operator',
      `unknown operator ${quote(head)} in the filter on ${label} (operators: ${FILTER_OPERATORS.join(', ')}; ` +
        `to compare with text containing "::", write eq::${head}::…)`,
    );
  }
  return { op: 'eq', text: raw };
}

/**
 * A comma-separated list: `\,` is a comma inside a value and `\\` a backslash; any other backslash is an
 * ordinary character. Empty text is an empty list; `a,,b` holds an empty string.
 */
export function splitList(text: string): string[] {
  if (text === '') return [];
  const items: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    const next = text[i + 1];
    if (c === '\\' && (next === ',' || next === '\\')) {
      current += next;
      i++;
    } else if (c === ',') {
      items.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  items.push(current);
  return items;
}

/**
 * A glob (`*` any run, `?` one character) → a LIKE pattern (`%`, `_`) for `LIKE … ESCAPE '\'`: a literal `%`,
 * `_` or `\` is escaped with `\`. In the glob, `\*`, `\?` and `\\` stand for a literal `*`, `?` and `\`; any
 * other backslash is a literal backslash.
 */
export function likePattern(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob.charAt(i);
    if (c === '\\') {
      const next = glob[i + 1];
      if (next === '*' || next === '?') {
        out += next;
        i++;
      } else {
        out += '\\\\';
        if (next === '\\') i++;
      }
    } else if (c === '*') out += '%';
    else if (c === '?') out += '_';
    else if (c === '%' || c === '_') out += `\\${c}`;
    else out += c;
  }
  return out;
}

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?(?:[Zz]|[+-](\d{2})(?::?(\d{2}))?)?)?$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const BOOLEANS: ReadonlyMap<string, boolean> = new Map([
  ['true', true],
  ['false', false],
  ['1', true],
  ['0', false],
  ['yes', true],
  ['no', false],
]);

const EXPECTED: Record<PropertyModel['type'], string> = {
  integer: 'an integer',
  number: 'a finite number',
  boolean: 'a boolean (true, false, 1, 0, yes, no)',
  string: 'text without NUL characters',
  date: 'a date (YYYY-MM-DD)',
  'date-time': 'a date-time (ISO 8601, e.g. 2021-01-31T12:30:00Z, or a date)',
  uuid: 'a UUID',
};

function validDate(y: string, m: string, d: string): boolean {
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day <= days;
}

const within = (text: string | undefined, max: number): boolean => text === undefined || Number(text) <= max;

function convert(property: PropertyModel, text: string): unknown {
  switch (property.type) {
    case 'integer': {
      if (!INTEGER.test(text)) return undefined;
      const n = Number(text);
      return Number.isSafeInteger(n) ? n + 0 : undefined; // + 0 turns -0 into 0
    }
    case 'number': {
      if (!NUMBER.test(text)) return undefined;
      const n = Number(text);
      return Number.isFinite(n) ? n + 0 : undefined;
    }
    case 'boolean':
      return BOOLEANS.get(text.toLowerCase());
    case 'date': {
      const m = DATE.exec(text);
      return m !== null && validDate(m[1] ?? '', m[2] ?? '', m[3] ?? '') ? text : undefined;
    }
    case 'date-time': {
      const m = DATE_TIME.exec(text);
      if (m === null || !validDate(m[1] ?? '', m[2] ?? '', m[3] ?? '')) return undefined;
      const ok = within(m[4], 23) && within(m[5], 59) && within(m[6], 59) && within(m[7], 23) && within(m[8], 59);
      return ok ? text : undefined;
    }
    case 'uuid':
      return UUID.test(text) ? text : undefined;
    case 'string':
      return text.includes('\0') ? undefined : text;
  }
}

/**
 * Text → the property's type: integer and number → JS number (safe integers only; `00192` → 192), boolean →
 * boolean, string / date / date-time / uuid → the text as given, once validated. Throws 400 `invalid_value`.
 */
export function convertValue(property: PropertyModel, text: string, label: string): unknown {
  const value = convert(property, text);
  if (value === undefined) {
    const range = property.type === 'integer' && INTEGER.test(text) ? ' within ±9007199254740991' : '';
    throw selectionError(
      'invalid_value',
      `invalid value ${quote(text)} for ${label}: expected ${EXPECTED[property.type]}${range}`,
    );
  }
  return value;
}
