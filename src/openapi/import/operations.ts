/**
 * Path operations with `x-am-database` + `x-am-sql` → custom-SQL operations: inputs from path and query
 * parameters and (POST, PUT, PATCH) the JSON request body's properties; result columns renamed by the
 * response properties' `x-am-column-name`; every `:name` placeholder must be a declared input.
 */
import type { CustomOperationModel, CustomParameterModel } from '../../engines/table/model.ts';
import { sqlPlaceholders } from '../../engines/table/custom-sql.ts';
import { OPERATION_ATTRIBUTES, checkAttributes, descriptionOf, stringAttribute } from './attributes.ts';
import { unknownDatasource, type ImportContext } from './context.ts';
import { isObj, type Obj } from './refs.ts';
import type { PathSegments } from './problems.ts';
import { objectShape } from './shapes.ts';
import { readType, type DeclaredType } from './types.ts';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const SUPPORTED = new Set(['get', 'post', 'put', 'patch', 'delete']);
const BODY_METHODS = new Set(['post', 'put', 'patch']);

class OperationReader {
  constructor(private readonly ctx: ImportContext) {}

  private get p() {
    return this.ctx.problems;
  }

  /** A parameter's or body property's type; no `type` at all means string (query text). */
  private inputType(schema: unknown, path: PathSegments): DeclaredType | null {
    const resolved = isObj(schema) ? this.ctx.resolver.resolve(schema, path) : null;
    if (!resolved || resolved.node['type'] === undefined) return 'string';
    return readType(resolved.node, path, this.p)?.type ?? null;
  }

  private checkDefault(value: unknown, type: DeclaredType, path: PathSegments): void {
    if (value === undefined || value === null) return;
    const numeric = typeof value === 'number' || (typeof value === 'string' && value.trim() !== '');
    const ok =
      type === 'integer' ? numeric && Number.isInteger(Number(value))
      : type === 'number' ? numeric && Number.isFinite(Number(value))
      : type === 'boolean' ? typeof value === 'boolean'
      : true;
    if (!ok) this.p.add(path, `default ${JSON.stringify(value)} is not of type ${type}`);
  }

  /** Path-item and operation parameters (the operation's win), `$ref`s resolved; header and cookie ones skipped. */
  private parameters(item: Obj, op: Obj, itemPath: PathSegments, opPath: PathSegments): CustomParameterModel[] {
    const merged = new Map<string, CustomParameterModel>();
    const lists: [unknown, PathSegments][] = [[item['parameters'], [...itemPath, 'parameters']], [op['parameters'], [...opPath, 'parameters']]];
    for (const [list, listPath] of lists) {
      if (list === undefined) continue;
      if (!Array.isArray(list)) {
        this.p.add(listPath, 'must be a list');
        continue;
      }
      list.forEach((raw, i) => {
        const at = [...listPath, i];
        const resolved = isObj(raw) ? this.ctx.resolver.resolve(raw, at) : null;
        if (!resolved) {
          if (!isObj(raw)) this.p.add(at, 'must be a parameter object');
          return;
        }
        const param = resolved.node;
        const name = param['name'];
        const where = param['in'];
        if (typeof name !== 'string' || name === '') {
          this.p.add(at, 'a parameter needs a name');
          return;
        }
        if (where !== 'path' && where !== 'query') {
          if (where !== 'header' && where !== 'cookie') this.p.add([...at, 'in'], 'must be path, query, header or cookie');
          return; // header and cookie parameters are documentation only: they are not SQL inputs
        }
        const type = this.inputType(param['schema'], [...at, 'schema']);
        if (type === null) return;
        const schema = isObj(param['schema']) ? param['schema'] : {};
        const fallback = schema['default'] !== undefined ? schema['default'] : param['default'];
        this.checkDefault(fallback, type, [...at, schema['default'] !== undefined ? 'schema' : 'default']);
        const model: CustomParameterModel = { name, in: where, type, required: where === 'path' || param['required'] === true };
        if (fallback !== undefined) model.default = fallback;
        merged.set(`${where}\u0000${name}`, model);
      });
    }
    return [...merged.values()];
  }

  /** The JSON schema of a request body or response, `$ref`s resolved. */
  private jsonSchema(holder: unknown, path: PathSegments): { node: Obj; path: PathSegments } | null {
    const resolved = isObj(holder) ? this.ctx.resolver.resolve(holder, path) : null;
    if (!resolved) return null;
    const content = resolved.node['content'];
    if (!isObj(content)) return null;
    const type = Object.keys(content).find((key) => key === 'application/json') ?? Object.keys(content).find((key) => /json/i.test(key));
    const media = type === undefined ? undefined : content[type];
    if (type === undefined || !isObj(media)) return null;
    const schemaPath = [...resolved.path, 'content', type, 'schema'];
    const schema = isObj(media['schema']) ? this.ctx.resolver.resolve(media['schema'], schemaPath) : null;
    return schema ? { node: schema.node, path: schema.path } : null;
  }

  private bodyParameters(op: Obj, opPath: PathSegments): CustomParameterModel[] {
    const bodyPath = [...opPath, 'requestBody'];
    if (op['requestBody'] === undefined) return [];
    const schema = this.jsonSchema(op['requestBody'], bodyPath);
    if (!schema) {
      this.p.add(bodyPath, 'needs `content: {application/json: {schema: {type: object, properties: …}}}`: body properties are the SQL inputs');
      return [];
    }
    const shape = objectShape(schema.node, schema.path, this.ctx.resolver);
    if (shape.properties.length === 0) {
      this.p.add(schema.path, 'the request body schema needs properties: each is a SQL input');
      return [];
    }
    return shape.properties.flatMap((entry): CustomParameterModel[] => {
      const type = this.inputType(entry.node, entry.path);
      if (type === null) return [];
      const node = isObj(entry.node) ? entry.node : {};
      this.checkDefault(node['default'], type, [...entry.path, 'default']);
      const model: CustomParameterModel = { name: entry.name, in: 'body', type, required: shape.required.has(entry.name) };
      if (node['default'] !== undefined) model.default = node['default'];
      return [model];
    });
  }

  /** Result column → property, from the 200/201 (else first 2xx) response's properties with `x-am-column-name`. */
  private columnMap(op: Obj, opPath: PathSegments): Record<string, string> {
    const map: Record<string, string> = {};
    const responses = op['responses'];
    if (!isObj(responses)) return map;
    const code = ['200', '201'].find((c) => responses[c] !== undefined) ?? Object.keys(responses).find((c) => /^2\d\d$/.test(c));
    if (code === undefined) return map;
    const schema = this.jsonSchema(responses[code], [...opPath, 'responses', code]);
    if (!schema) return map;
    let rows = schema;
    if (rows.node['type'] === 'array' && isObj(rows.node['items'])) {
      const items = this.ctx.resolver.resolve(rows.node['items'], [...rows.path, 'items']);
      if (!items) return map;
      rows = items;
    }
    for (const entry of objectShape(rows.node, rows.path, this.ctx.resolver).properties) {
      const node = isObj(entry.node) ? this.ctx.resolver.resolve(entry.node, entry.path) : null;
      if (!node) continue;
      // The attribute may sit beside a $ref (3.1) or on the referenced schema.
      const holder = isObj(entry.node) && entry.node['x-am-column-name'] !== undefined ? entry.node : node.node;
      const column = stringAttribute(holder, 'x-am-column-name', entry.path, this.p);
      if (column === undefined) continue;
      if (map[column] !== undefined) this.p.add([...entry.path, 'x-am-column-name'], `column "${column}" is already mapped to "${map[column]}"`);
      else map[column] = entry.name;
    }
    return map;
  }

  read(pathKey: string, item: Obj, method: string, op: Obj): CustomOperationModel | null {
    const itemPath = ['paths', pathKey];
    const opPath = [...itemPath, method];
    checkAttributes(op, opPath, OPERATION_ATTRIBUTES, 'an operation', this.p);
    const hasDb = op['x-am-database'] !== undefined;
    const hasSql = op['x-am-sql'] !== undefined;
    if (!hasDb) this.p.add(opPath, 'x-am-sql needs x-am-database (the data source to run it on)');
    if (!hasSql) this.p.add(opPath, 'x-am-database on an operation needs x-am-sql (the statement to run)');
    if (!SUPPORTED.has(method)) {
      this.p.add(opPath, `custom SQL is served on get, post, put, patch and delete, not ${method}`);
      return null;
    }
    const datasource = stringAttribute(op, 'x-am-database', opPath, this.p);
    const source = datasource === undefined ? undefined : this.ctx.datasources.get(datasource);
    if (datasource !== undefined && !source) this.p.add([...opPath, 'x-am-database'], unknownDatasource(datasource, this.ctx.datasources));
    const sql = stringAttribute(op, 'x-am-sql', opPath, this.p);

    const parameters = this.parameters(item, op, itemPath, opPath);
    const templateNames = [...pathKey.matchAll(/\{([^}/]+)\}/g)].map((m) => m[1] ?? '');
    for (const name of templateNames) {
      if (!parameters.some((p) => p.in === 'path' && p.name === name)) {
        this.p.add(opPath, `path parameter {${name}} is not declared: add it to parameters with in: path`);
      }
    }
    for (const p of parameters) {
      if (p.in === 'path' && !templateNames.includes(p.name)) this.p.add([...opPath, 'parameters'], `path parameter "${p.name}" is not in the path ${pathKey}`);
    }
    if (BODY_METHODS.has(method)) parameters.push(...this.bodyParameters(op, opPath));
    else if (op['requestBody'] !== undefined) this.p.add([...opPath, 'requestBody'], `a ${method.toUpperCase()} operation takes no body: use path or query parameters`);
    const seen = new Map<string, string>();
    for (const p of parameters) {
      const other = seen.get(p.name);
      if (other !== undefined) this.p.add(opPath, `input "${p.name}" is declared in ${other} and in ${p.in}: one name, one input`);
      else seen.set(p.name, p.in);
    }

    if (sql !== undefined) {
      for (const name of sqlPlaceholders(sql, source?.type)) {
        if (!seen.has(name)) {
          this.p.add([...opPath, 'x-am-sql'], `placeholder :${name} is not a declared input: declare a path or query parameter${BODY_METHODS.has(method) ? ' or a request-body property' : ''} named "${name}"`);
        }
      }
    }
    const operationId = op['operationId'];
    return {
      id: typeof operationId === 'string' && operationId !== '' ? operationId : `${method.toUpperCase()} ${pathKey}`,
      method: method.toUpperCase() as CustomOperationModel['method'],
      path: pathKey,
      datasource: datasource ?? '',
      sql: sql ?? '',
      parameters,
      columnMap: this.columnMap(op, opPath),
      description: descriptionOf(op) ?? (typeof op['summary'] === 'string' && op['summary'] !== '' ? op['summary'] : null),
    };
  }
}

/** Every path operation carrying `x-am-database` or `x-am-sql`, in document order. */
export function readOperations(ctx: ImportContext): CustomOperationModel[] {
  const paths = ctx.doc['paths'];
  if (paths === undefined || paths === null) return [];
  if (!isObj(paths)) {
    ctx.problems.add(['paths'], 'must be an object');
    return [];
  }
  const reader = new OperationReader(ctx);
  const operations: CustomOperationModel[] = [];
  const ids = new Map<string, string>();
  for (const [pathKey, item] of Object.entries(paths)) {
    if (!isObj(item)) continue;
    if (!pathKey.startsWith('/')) {
      if (METHODS.some((m) => isObj(item[m]) && (item[m]['x-am-sql'] !== undefined || item[m]['x-am-database'] !== undefined))) {
        ctx.problems.add(['paths', pathKey], 'a path must start with "/"');
      }
      continue;
    }
    for (const method of METHODS) {
      const op = item[method];
      if (!isObj(op) || (op['x-am-sql'] === undefined && op['x-am-database'] === undefined)) continue;
      const model = reader.read(pathKey, item, method, op);
      if (!model) continue;
      const other = ids.get(model.id);
      if (other !== undefined) ctx.problems.add(['paths', pathKey, method, 'operationId'], `operationId "${model.id}" is also used by ${other}`);
      else ids.set(model.id, `${method.toUpperCase()} ${pathKey}`);
      operations.push(model);
    }
  }
  return operations;
}
