/**
 * Reads the entities of an annotated OpenAPI document (YAML or JSON text) for the spec page: each table-backed
 * schema (`x-am-database`) with its columns, key and relations (1:1 through a `$ref`, 1:N through an array of
 * `$ref`s). Only for showing: the server is the one that validates and serves a document.
 */
import { parse } from 'yaml';

export interface SpecProperty {
  name: string;
  type: string;
  columnType: string | null;
  primaryKey: string | null;
  required: boolean;
  readOnly: boolean;
}

export interface SpecRelation {
  name: string;
  kind: '1:1' | '1:N';
  target: string;
  /** `parent_property → child_property` as annotated. */
  via: string | null;
}

export interface SpecEntity {
  name: string;
  database: string;
  table: string;
  key: string[];
  properties: SpecProperty[];
  relations: SpecRelation[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const refName = (ref: unknown) => (typeof ref === 'string' ? ref.replace(/^#\/components\/schemas\//, '') : null);

function typeText(schema: Obj): string {
  const t = schema.type;
  const base = Array.isArray(t) ? t.filter((x) => x !== 'null').join(' | ') + (t.includes('null') ? '?' : '') : typeof t === 'string' ? t : 'any';
  return typeof schema.format === 'string' ? `${base} (${schema.format})` : base;
}

/** The entities of a document; throws when the text is not YAML/JSON. */
export function specEntities(content: string): SpecEntity[] {
  const doc: unknown = parse(content);
  const schemas = isObj(doc) && isObj(doc.components) && isObj(doc.components.schemas) ? doc.components.schemas : {};
  const out: SpecEntity[] = [];
  for (const [name, raw] of Object.entries(schemas)) {
    if (!isObj(raw) || raw['x-am-database'] === undefined) continue;
    const required = new Set(Array.isArray(raw.required) ? raw.required.map(String) : []);
    const properties: SpecProperty[] = [];
    const relations: SpecRelation[] = [];
    for (const [prop, p] of Object.entries(isObj(raw.properties) ? raw.properties : {})) {
      if (!isObj(p)) continue;
      const parent = p['x-am-parent-property'];
      const child = p['x-am-child-property'];
      const via = parent !== undefined ? `${String(parent)} → ${String(child ?? parent)}` : null;
      if (p.$ref !== undefined) {
        relations.push({ name: prop, kind: '1:1', target: refName(p.$ref) ?? '?', via });
        continue;
      }
      if (p.type === 'array' && isObj(p.items) && p.items.$ref !== undefined) {
        relations.push({ name: prop, kind: '1:N', target: refName(p.items.$ref) ?? '?', via });
        continue;
      }
      const pk = p['x-am-primary-key'];
      properties.push({
        name: prop,
        type: typeText(p),
        columnType: typeof p['x-am-column-type'] === 'string' ? p['x-am-column-type'] : null,
        primaryKey: pk === undefined || pk === false ? null : typeof pk === 'string' ? pk : 'yes',
        required: required.has(prop),
        readOnly: p.readOnly === true,
      });
    }
    out.push({
      name,
      database: String(raw['x-am-database']),
      table: typeof raw['x-am-table'] === 'string' ? raw['x-am-table'] : name,
      key: properties.filter((p) => p.primaryKey).map((p) => p.name),
      properties,
      relations,
    });
  }
  return out;
}
