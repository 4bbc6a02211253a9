/** A JSON schema's type, as the model names it: `type` + `format`, and nullability in 3.0 and 3.1 spelling. */
import type { PropertyType } from '../../engines/table/model.ts';
import type { Obj } from './refs.ts';
import type { PathSegments, Problems } from './problems.ts';

export type DeclaredType = PropertyType | 'array' | 'object';

export interface TypeInfo {
  type: DeclaredType;
  nullable: boolean;
}

const BASE_TYPES = new Set(['integer', 'number', 'boolean', 'string', 'array', 'object']);
const STRING_FORMATS: Record<string, PropertyType> = { date: 'date', 'date-time': 'date-time', uuid: 'uuid' };

/**
 * `type: integer` → integer; `type: string, format: date-time` → date-time; 3.1 `type: [string, "null"]` and
 * 3.0 `nullable: true` → nullable. Reports and returns null when the type is missing, unknown or ambiguous.
 */
export function readType(schema: Obj, path: PathSegments, problems: Problems): TypeInfo | null {
  const raw = schema['type'];
  let nullable = schema['nullable'] === true;
  let base: string | undefined;
  if (typeof raw === 'string') {
    base = raw;
  } else if (Array.isArray(raw) && raw.every((t) => typeof t === 'string')) {
    const types = raw.filter((t) => t !== 'null');
    if (types.length < raw.length) nullable = true;
    if (types.length !== 1) {
      problems.add([...path, 'type'], types.length === 0 ? 'type "null" alone is not a column type' : `one type expected besides "null", found ${types.join(', ')}`);
      return null;
    }
    base = types[0];
  } else if (raw === undefined) {
    problems.add(path, 'has no type: set `type` (integer, number, boolean or string)');
    return null;
  } else {
    problems.add([...path, 'type'], 'must be a type name or a list of type names');
    return null;
  }
  if (base === 'null') {
    problems.add([...path, 'type'], 'type "null" alone is not a column type');
    return null;
  }
  if (base === undefined || !BASE_TYPES.has(base)) {
    problems.add([...path, 'type'], `unknown type "${String(base)}"`);
    return null;
  }
  const format = schema['format'];
  const known = typeof format === 'string' && Object.hasOwn(STRING_FORMATS, format) ? STRING_FORMATS[format] : undefined;
  const type: DeclaredType = base === 'string' ? (known ?? 'string') : (base as DeclaredType);
  return { type, nullable };
}

/** Types a relation's two key properties may differ in without making the join meaningless. */
export function typeFamily(type: DeclaredType): string {
  if (type === 'integer' || type === 'number') return 'numeric';
  if (type === 'string' || type === 'uuid') return 'text';
  return type;
}
