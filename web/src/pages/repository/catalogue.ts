/**
 * The API repository's model: the gateway's live OpenAPI document (`/openapi.json`, everything published —
 * managed endpoints and table routes) flattened into operations grouped by module, each with its access and
 * parameters, plus the pure helpers Try it needs (build the URL, a body skeleton).
 */

export type ParamIn = 'path' | 'query' | 'header' | 'body';

export interface OperationParam {
  name: string;
  in: ParamIn;
  type: string;
  required: boolean;
  description: string | null;
  default?: unknown;
}

export interface Operation {
  /** `GET /music/album/{id}`: stable key, also the `?op=` of the page. */
  key: string;
  module: string;
  method: string;
  /** The full path with `{param}` placeholders. */
  path: string;
  summary: string;
  description: string | null;
  access: 'public' | 'private';
  params: OperationParam[];
  /** Whether the operation takes a JSON body, and whether that body is free-form (table rows). */
  body: 'none' | 'fields' | 'json';
}

export interface ModuleGroup {
  module: string;
  operations: Operation[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function schemaType(schema: unknown): string {
  if (!isObj(schema)) return 'string';
  if (Array.isArray(schema.type)) return schema.type.filter((t) => t !== 'null').join(' | ');
  if (typeof schema.type === 'string') return typeof schema.format === 'string' ? `${schema.type} (${schema.format})` : schema.type;
  if (schema.$ref) return 'object';
  return 'any';
}

/** Every operation of an OpenAPI document, in path order. */
export function operationsOf(doc: unknown): Operation[] {
  const out: Operation[] = [];
  const paths = isObj(doc) && isObj(doc.paths) ? doc.paths : {};
  for (const [path, item] of Object.entries(paths)) {
    if (!isObj(item)) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (!isObj(op)) continue;
      const params: OperationParam[] = (Array.isArray(op.parameters) ? op.parameters : []).filter(isObj).map((p) => ({
        name: String(p.name),
        in: (['path', 'query', 'header'].includes(String(p.in)) ? p.in : 'query') as ParamIn,
        type: schemaType(p.schema),
        required: p.required === true,
        description: typeof p.description === 'string' ? p.description : null,
        ...(isObj(p.schema) && p.schema.default !== undefined ? { default: p.schema.default } : {}),
      }));
      let body: Operation['body'] = 'none';
      const schema = isObj(op.requestBody) && isObj(op.requestBody.content) && isObj(op.requestBody.content['application/json']) ? op.requestBody.content['application/json'].schema : undefined;
      if (isObj(schema)) {
        if (isObj(schema.properties)) {
          body = 'fields';
          const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
          for (const [name, s] of Object.entries(schema.properties)) {
            params.push({ name, in: 'body', type: schemaType(s), required: required.has(name), description: isObj(s) && typeof s.description === 'string' ? s.description : null });
          }
        } else {
          body = 'json';
        }
      }
      const tags = Array.isArray(op.tags) ? op.tags : [];
      out.push({
        key: `${method.toUpperCase()} ${path}`,
        module: typeof tags[0] === 'string' ? tags[0] : '(no module)',
        method: method.toUpperCase(),
        path,
        summary: typeof op.summary === 'string' ? op.summary : '',
        description: typeof op.description === 'string' ? op.description : null,
        access: Array.isArray(op.security) && op.security.length > 0 ? 'private' : 'public',
        params,
        body,
      });
    }
  }
  return out;
}

/** Operations matching a search (module, path, method, summary), grouped by module in name order. */
export function groupByModule(operations: Operation[], query = ''): ModuleGroup[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const groups = new Map<string, Operation[]>();
  for (const op of operations) {
    const text = `${op.module} ${op.method} ${op.path} ${op.summary}`.toLowerCase();
    if (!words.every((w) => text.includes(w))) continue;
    (groups.get(op.module) ?? groups.set(op.module, []).get(op.module)!).push(op);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([module, ops]) => ({ module, operations: ops }));
}

/** The URL (path + query string) of a call: path parameters filled in and encoded, empty query values left out. */
export function requestPath(op: Operation, values: Record<string, string>): { url: string; missing: string[] } {
  const missing: string[] = [];
  const url = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const v = values[`path:${name}`] ?? '';
    if (v === '') missing.push(name);
    return encodeURIComponent(v);
  });
  const query = new URLSearchParams();
  for (const p of op.params) {
    if (p.in !== 'query') continue;
    const v = values[`query:${p.name}`] ?? '';
    if (v !== '') query.append(p.name, v);
    else if (p.required) missing.push(p.name);
  }
  const qs = query.toString();
  return { url: qs ? `${url}?${qs}` : url, missing };
}

/** A starting JSON body: the declared body fields with empty values of their type. */
export function bodySkeleton(op: Operation): string {
  if (op.body === 'none') return '';
  if (op.body === 'json') return '{\n  \n}';
  const fields = op.params.filter((p) => p.in === 'body');
  const value = (t: string) => (t.startsWith('integer') || t.startsWith('number') ? 0 : t.startsWith('boolean') ? false : t.startsWith('array') ? [] : t.startsWith('object') ? {} : '');
  return JSON.stringify(Object.fromEntries(fields.map((f) => [f.name, f.default ?? value(f.type)])), null, 2);
}
