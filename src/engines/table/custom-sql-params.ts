/**
 * Inputs of custom-SQL operations: reading a declared parameter from its one source (path, query or JSON
 * body) and converting it to its declared type, then to the value a dialect binds.
 *
 * Text inputs (path, query, form fields, string body values) are parsed; JSON body values must already have
 * the right JSON type (a number for `integer`, …) or be text that parses. Bound values:
 * integer / number → number; boolean → boolean (the MySQL and SQLite pools bind 1/0); date, date-time, uuid,
 * string → text; array → a JS array on PostgreSQL (use `= ANY(:ids)`), JSON text elsewhere (MySQL cannot bind
 * a list into one placeholder: use `JSON_TABLE` / `json_each`); object → JSON text.
 */
import type { DataSourceType } from '../../datasources/dialect.ts';
import type { CustomParameterModel } from './model.ts';

export type CustomParameterType = CustomParameterModel['type'];

/** Thrown by the converters; the caller turns it into a 400 naming the parameter. */
export class InvalidValue extends Error {}

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BOOLEAN_TEXT: Record<string, boolean> = { true: true, false: false, '1': true, '0': false, yes: true, no: false };

const EXPECTED: Record<CustomParameterType, string> = {
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean (true, false, 1, 0, yes or no)',
  string: 'a string',
  date: 'a date (YYYY-MM-DD)',
  'date-time': 'a date-time (YYYY-MM-DDTHH:MM:SS, optionally with fraction and offset)',
  uuid: 'a UUID',
  array: 'an array (JSON array or comma-separated list)',
  object: 'a JSON object',
};

export function expected(type: CustomParameterType): string {
  return EXPECTED[type];
}

function validDate(y: string, m: string, d: string): boolean {
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function validTime(h: string, min: string, s: string | undefined): boolean {
  return Number(h) <= 23 && Number(min) <= 59 && (s === undefined || Number(s) <= 59);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new InvalidValue();
  }
}

/** Parses text (from the path, the query string or a form) into the canonical value of `type`. */
export function fromText(type: CustomParameterType, text: string): unknown {
  switch (type) {
    case 'integer': {
      const n = Number(text);
      if (!INTEGER.test(text) || !Number.isSafeInteger(n)) throw new InvalidValue();
      return n;
    }
    case 'number': {
      const n = Number(text);
      if (!NUMBER.test(text) || !Number.isFinite(n)) throw new InvalidValue();
      return n;
    }
    case 'boolean': {
      const b = BOOLEAN_TEXT[text.toLowerCase()];
      if (b === undefined) throw new InvalidValue();
      return b;
    }
    case 'date': {
      const m = DATE.exec(text);
      if (!m || !validDate(m[1] as string, m[2] as string, m[3] as string)) throw new InvalidValue();
      return text;
    }
    case 'date-time': {
      const m = DATE_TIME.exec(text);
      if (!m || !validDate(m[1] as string, m[2] as string, m[3] as string)) throw new InvalidValue();
      if (!validTime(m[4] as string, m[5] as string, m[6])) throw new InvalidValue();
      return text;
    }
    case 'uuid':
      if (!UUID.test(text)) throw new InvalidValue();
      return text.toLowerCase();
    case 'string':
      return text;
    case 'array': {
      const trimmed = text.trim();
      if (trimmed.startsWith('[')) {
        const parsed = parseJson(trimmed);
        if (!Array.isArray(parsed)) throw new InvalidValue();
        return parsed;
      }
      return text === '' ? [] : text.split(',');
    }
    case 'object': {
      const parsed = parseJson(text);
      if (parsed === null || typeof parsed !== 'object') throw new InvalidValue();
      return parsed;
    }
  }
}

/** Converts a JSON value (body or `default`) into the canonical value of `type`; text is parsed. */
export function fromJson(type: CustomParameterType, value: unknown): unknown {
  if (typeof value === 'string' && type !== 'object') return fromText(type, value);
  switch (type) {
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new InvalidValue();
      return value;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidValue();
      return value;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 1 || value === 0) return value === 1;
      throw new InvalidValue();
    case 'string':
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      throw new InvalidValue();
    case 'array':
      if (!Array.isArray(value)) throw new InvalidValue();
      return value;
    case 'object':
      if (typeof value === 'string') return fromText('object', value);
      if (value === null || typeof value !== 'object') throw new InvalidValue();
      return value;
    default:
      // date, date-time, uuid: text only.
      throw new InvalidValue();
  }
}

/** Values from several occurrences of a query key: the last one for a scalar, all (each split) for an array. */
export function fromQueryValues(type: CustomParameterType, values: readonly string[]): unknown {
  if (type !== 'array') return fromText(type, values[values.length - 1] as string);
  if (values.length === 1) return fromText('array', values[0] as string);
  return values.flatMap((v) => fromText('array', v) as unknown[]);
}

/** `2024-01-02T03:04:05.123+02:00` → `2024-01-02 01:04:05.123` (UTC, no offset), for MySQL and SQLite. */
function plainDateTime(text: string): string {
  const m = DATE_TIME.exec(text);
  if (!m) return text;
  const [, y, mo, d, h, mi, s = '00', fraction = '', offset] = m;
  if (offset === undefined) return `${y}-${mo}-${d} ${h}:${mi}:${s}${fraction}`;
  // Offsets are whole minutes: the fraction is unchanged by the shift to UTC.
  const iso = new Date(Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${offsetText(offset)}`)).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction}`;
}

function offsetText(offset: string): string {
  if (offset === 'Z' || offset === 'z') return 'Z';
  if (offset.length === 3) return `${offset}:00`;
  if (!offset.includes(':')) return `${offset.slice(0, 3)}:${offset.slice(3)}`;
  return offset;
}

/** The value handed to the driver for a canonical value of `type` (null stays null). */
export function bindValue(type: CustomParameterType, value: unknown, dialectType: DataSourceType): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'array':
      return dialectType === 'postgres' ? value : JSON.stringify(value);
    case 'object':
      return JSON.stringify(value);
    case 'date-time':
      return dialectType === 'postgres' ? value : plainDateTime(value as string);
    default:
      return value;
  }
}
