/**
 * Values by property type, on their way to the database: JSON body values and path text (keys, versions)
 * checked and converted (a bad one is a 400 naming the property), and filter values from the selection
 * brought to the form every database compares the same way.
 *
 * Forms bound: integer → number (digit text beyond 2^53 stays text); number → number or its decimal text;
 * boolean → boolean (the pools turn it into 1/0 where needed); date → `YYYY-MM-DD`; date-time →
 * `YYYY-MM-DD HH:MM:SS[.ffffff]` in UTC when a zone was given (the columns hold wall-clock times); uuid →
 * lower-case text; string → text within maxLength.
 */
import { AppError } from '../../errors.ts';
import type { PropertyModel, PropertyType } from './model.ts';

export function invalidValue(message: string): AppError {
  return new AppError(400, 'invalid_value', message);
}

/** User text for a message: JSON-quoted, cut at 60 characters. */
export function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)? ?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function validDate(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** `YYYY-MM-DD` when `text` is a real date, else null. */
export function canonicalDate(text: string): string | null {
  const m = DATE.exec(text);
  return m && validDate(Number(m[1]), Number(m[2]), Number(m[3])) ? text : null;
}

/**
 * An ISO 8601 date-time (or a date, or `YYYY-MM-DD HH:MM`) → `YYYY-MM-DD HH:MM:SS[.ffffff]`, shifted to UTC
 * when it carries a zone; the fraction is cut to microseconds and loses trailing zeros. Null when invalid.
 */
export function canonicalDateTime(text: string): string | null {
  const m = DATE_TIME.exec(text.trim());
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
  const fraction = (m[7] ?? '').slice(0, 6).replace(/0+$/, '');
  let stamp = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  stamp.setUTCFullYear(year);
  const zone = m[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const hours = Number(digits.slice(0, 2));
    const minutes = Number(digits.slice(2) || 0);
    if (hours > 23 || minutes > 59) return null;
    stamp = new Date(stamp.getTime() - sign * (hours * 60 + minutes) * 60_000);
  }
  const date = `${pad(stamp.getUTCFullYear(), 4)}-${pad(stamp.getUTCMonth() + 1)}-${pad(stamp.getUTCDate())}`;
  const time = `${pad(stamp.getUTCHours())}:${pad(stamp.getUTCMinutes())}:${pad(stamp.getUTCSeconds())}`;
  return `${date} ${time}${fraction ? `.${fraction}` : ''}`;
}

const EXPECTED: Record<PropertyType, string> = {
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  string: 'a string',
  date: 'a date (YYYY-MM-DD)',
  'date-time': 'a date-time (ISO 8601, e.g. 2021-01-31T12:30:00)',
  uuid: 'a UUID',
};

/** The bind value for `value` as a `type`, or undefined when it is not one. Accepts JSON values and text. */
function convert(type: PropertyType, value: unknown): unknown {
  switch (type) {
    case 'integer':
      if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
      if (typeof value === 'string' && INTEGER.test(value.trim())) {
        const n = Number(value);
        return Number.isSafeInteger(n) ? n : value.trim().replace(/^\+/, '');
      }
      return undefined;
    case 'number':
      if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
      if (typeof value === 'string' && NUMBER.test(value.trim())) return value.trim();
      return undefined;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 1 || value === '1') return true;
      if (value === 'false' || value === 0 || value === '0') return false;
      return undefined;
    case 'date':
      return typeof value === 'string' ? (canonicalDate(value.trim()) ?? undefined) : undefined;
    case 'date-time':
      return typeof value === 'string' ? (canonicalDateTime(value) ?? undefined) : undefined;
    case 'uuid':
      return typeof value === 'string' && UUID.test(value.trim()) ? value.trim().toLowerCase() : undefined;
    case 'string':
      return typeof value === 'string' ? value : undefined;
    default:
      return undefined;
  }
}

/**
 * A value for a property in a body (or in a path), ready to bind; null stays null where the property is
 * nullable. Throws 400 `invalid_value` naming the property.
 */
export function inputValue(property: PropertyModel, value: unknown, label = property.name): unknown {
  if (value === null) {
    if (property.nullable) return null;
    throw invalidValue(`Property "${label}" may not be null.`);
  }
  const converted = convert(property.type, value);
  if (converted === undefined) {
    throw invalidValue(`Property "${label}": expected ${EXPECTED[property.type]}, got ${shown(value)}.`);
  }
  if (property.type === 'string' && property.maxLength !== null && [...(converted as string)].length > property.maxLength) {
    throw invalidValue(`Property "${label}": at most ${property.maxLength} characters allowed.`);
  }
  return converted;
}

/**
 * A filter value from the selection (already of the property's type) in the form the databases compare
 * alike: date-times canonical, UUIDs lower case. Anything unexpected is passed on to be bound as it is.
 */
export function filterValue(type: PropertyType, value: unknown): unknown {
  if (value instanceof Date) {
    return type === 'date' ? value.toISOString().slice(0, 10) : canonicalDateTime(value.toISOString());
  }
  if (typeof value !== 'string') return value;
  if (type === 'date-time') return canonicalDateTime(value) ?? value;
  if (type === 'uuid') return value.toLowerCase();
  return value;
}
