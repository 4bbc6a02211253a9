/**
 * Keys and versions from the request: the `:key` path segment, the `:version` segment, `If-Match`.
 *
 * A composite key is written in one segment with its values comma-separated in key order:
 * `/playlist_track/1,3402` is playlist_id 1, track_id 3402. Inside a value, `\,` is a comma and `\\` a
 * backslash (percent-encoded in the URL as `%5C`). A one-column key takes the whole segment as it is.
 */
import { AppError } from '../../errors.ts';
import type { PropertyModel } from './model.ts';
import type { EntityPlan } from './plan.ts';
import { inputValue, shown } from './values.ts';
import { splitList } from './selection-values.ts';

/** The key values, converted by type, in key order. 400 `invalid_key` / `invalid_value` naming the property. */
export function parseKey(plan: EntityPlan, text: string | undefined): unknown[] {
  const columns = plan.primaryKey;
  const names = columns.map((c) => c.property.name);
  const raw = text ?? '';
  const parts = columns.length === 1 ? [raw] : splitList(raw);
  if (parts.length !== columns.length) {
    throw new AppError(400, 'invalid_key',
      `The key ${shown(raw)} of "${plan.entity.name}" needs ${columns.length} comma-separated values: ${names.join(',')}.`);
  }
  return columns.map((column, i) => {
    const part = parts[i] ?? '';
    if (part === '') throw new AppError(400, 'invalid_key', `Key property "${column.property.name}" is empty.`);
    return inputValue({ ...column.property, nullable: false }, part, column.property.name);
  });
}

const VERSION_TYPES = { integer: 'integer', timestamp: 'date-time', uuid: 'uuid' } as const;

/** A version value from a path segment or If-Match, converted as its kind (integer, date-time, uuid). */
export function parseVersion(plan: EntityPlan, text: string): unknown {
  const version = plan.version;
  if (!version) throw new Error('parseVersion on an entity without a version property');
  const property: PropertyModel = { ...version.column.property, type: VERSION_TYPES[version.kind], nullable: false, maxLength: null };
  return inputValue(property, text, version.column.property.name);
}

/** The version in `If-Match: "<version>"` (quotes and a weak `W/` prefix are optional), or undefined without the header. */
export function ifMatchVersion(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  let value = header.trim();
  if (value.startsWith('W/')) value = value.slice(2);
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  if (value === '' || value === '*') {
    throw new AppError(400, 'invalid_version', 'If-Match must carry the version value of the row (e.g. If-Match: "3").');
  }
  return value;
}
