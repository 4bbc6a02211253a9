/**
 * Parameters of managed endpoints (SQL and script engines alike): each definition says where a value comes
 * from, its type, whether it is required, its default and a regular expression it must match. Compiled once
 * per published version; per request only reading and converting remain.
 *
 * With definitions, a parameter is read only from its declared location (a path parameter only from the
 * path), unknown inputs are ignored, defaults apply before the required check. Without definitions, every
 * input is passed through: path over query over body.
 */
import { RE2JS } from 're2js';
import type { EngineRequest } from './engine.ts';
import { toCamel } from './naming.ts';
import { AppError } from '../errors.ts';

export const PARAMETER_LOCATIONS = ['path', 'query', 'header', 'body'] as const;
export const PARAMETER_TYPES = ['string', 'integer', 'number', 'boolean', 'array', 'object'] as const;

export interface ParameterDefinition {
  name: string;
  location: (typeof PARAMETER_LOCATIONS)[number];
  data_type: (typeof PARAMETER_TYPES)[number];
  is_required?: boolean;
  default_value?: unknown;
  /** A regular expression the value (as text) must match as a whole; run on a linear-time engine. */
  validate?: string | null;
  validate_message?: string | null;
  description?: string | null;
}

export interface CompiledParameters {
  readonly definitions: readonly ParameterDefinition[];
  /** The request's parameters, converted; 400 `invalid_parameter` / `missing_parameter` naming the culprit. */
  read(request: EngineRequest): Record<string, unknown>;
}

const invalid = (name: string, message: string) =>
  new AppError(400, 'invalid_parameter', `Parameter "${name}": ${message}`, { parameter: name });

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

function parseJson(name: string, text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw invalid(name, `expected ${what}`);
  }
}

/** Converts one raw input (text from path, query or header; any JSON value from a body) to the declared type. */
export function coerce(def: Pick<ParameterDefinition, 'name' | 'data_type'>, raw: unknown): unknown {
  const { name, data_type: type } = def;
  switch (type) {
    case 'string':
      if (typeof raw === 'string') return raw;
      if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
      throw invalid(name, 'expected a string');
    case 'integer': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^[+-]?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(n)) throw invalid(name, 'expected an integer');
      return n;
    }
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(n)) throw invalid(name, 'expected a number');
      return n;
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      const text = String(raw).trim().toLowerCase();
      if (TRUE.has(text)) return true;
      if (FALSE.has(text)) return false;
      throw invalid(name, 'expected true or false');
    }
    case 'array': {
      if (Array.isArray(raw)) return raw;
      if (typeof raw !== 'string') throw invalid(name, 'expected a list');
      const text = raw.trim();
      if (text.startsWith('[')) {
        const parsed = parseJson(name, text, 'a JSON array or a comma-separated list');
        if (!Array.isArray(parsed)) throw invalid(name, 'expected a list');
        return parsed;
      }
      return text === '' ? [] : text.split(',').map((s) => s.trim());
    }
    case 'object': {
      const value = typeof raw === 'string' ? parseJson(name, raw, 'a JSON object') : raw;
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(name, 'expected an object');
      return value;
    }
  }
}

function bodyObject(body: unknown): Record<string, unknown> {
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

/** Query pairs as values: one value stays text, a repeated key becomes a list. */
function queryValues(query: EngineRequest['query']): Map<string, string | string[]> {
  const out = new Map<string, string | string[]>();
  for (const [k, v] of query) {
    const had = out.get(k);
    out.set(k, had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v]);
  }
  return out;
}

function rawFrom(def: ParameterDefinition, request: EngineRequest, query: Map<string, string | string[]>): unknown {
  const names = request.naming === 'camel' ? [def.name, toCamel(def.name)] : [def.name];
  for (const name of names) {
    let value: unknown;
    switch (def.location) {
      case 'path':
        value = request.params[name];
        break;
      case 'query': {
        const q = query.get(name);
        // A scalar takes the last of repeated values; a list takes them all.
        value = Array.isArray(q) && def.data_type !== 'array' ? q[q.length - 1] : q;
        break;
      }
      case 'header':
        value = request.headers[name.toLowerCase()] ?? request.headers[name.toLowerCase().replaceAll('_', '-')];
        break;
      case 'body':
        value = bodyObject(request.body)[name];
        break;
    }
    if (value !== undefined) return value;
  }
  return undefined;
}

function compileRegex(def: ParameterDefinition): RE2JS | null {
  if (!def.validate) return null;
  try {
    return RE2JS.compile(`^(?:${def.validate})$`);
  } catch {
    throw new AppError(400, 'invalid_parameters', `Parameter "${def.name}": "${def.validate}" is not a valid regular expression`);
  }
}

export function compileParameters(definitions: readonly ParameterDefinition[]): CompiledParameters {
  const compiled = definitions.map((def) => ({ def, regex: compileRegex(def) }));
  return {
    definitions,
    read(request) {
      const query = queryValues(request.query);
      if (definitions.length === 0) {
        return { ...bodyObject(request.body), ...Object.fromEntries(query), ...request.params };
      }
      const out: Record<string, unknown> = {};
      for (const { def, regex } of compiled) {
        let raw = rawFrom(def, request, query);
        if (raw === undefined || raw === null || raw === '') {
          if (def.default_value !== undefined && def.default_value !== null) raw = def.default_value;
          else if (def.is_required) {
            throw new AppError(400, 'missing_parameter', `Missing required parameter "${def.name}" (${def.location})`, {
              parameter: def.name,
            });
          } else {
            out[def.name] = null;
            continue;
          }
        }
        const value = coerce(def, raw);
        if (regex) {
          const text = typeof value === 'string' ? value : JSON.stringify(value);
          if (!regex.matches(text)) throw invalid(def.name, def.validate_message || `does not match ${def.validate}`);
        }
        out[def.name] = value;
      }
      return out;
    },
  };
}
