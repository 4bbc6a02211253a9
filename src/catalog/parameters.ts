/**
 * Endpoint paths and the parameter definitions stored with endpoints: checked when they are written, so
 * every stored definition is one the gateway can compile. A failure is a 400 `invalid_parameters` naming
 * the parameter and the problem.
 */
import { RE2JS } from 're2js';
import { AppError, badRequest } from '../errors.ts';

// The shape is the parameter engine's; the catalog checks it before storing it.
export { PARAMETER_LOCATIONS, PARAMETER_TYPES, type ParameterDefinition } from '../engines/params.ts';
import { PARAMETER_LOCATIONS, PARAMETER_TYPES, type ParameterDefinition } from '../engines/params.ts';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const STATIC_SEGMENT = /^[A-Za-z0-9_.~-]+$/;
const PARAM_SEGMENT = /^\{([^/{}]*)\}$/;

const invalid = (message: string, parameter?: string): AppError =>
  new AppError(400, 'invalid_parameters', message, parameter === undefined ? undefined : { parameter });

/**
 * `"orders//{id}/"` → `"/orders/{id}"`. A segment is either static text or a whole `{name}` parameter;
 * a parameter name appears once. 400 naming the faulty segment otherwise.
 */
export function normaliseEndpointPath(path: string): string {
  if (typeof path !== 'string') throw badRequest('path: required');
  const segments = path.split('/').filter((s) => s !== '');
  if (segments.length === 0) throw badRequest('path: needs at least one segment (like "/orders")');
  const seen = new Set<string>();
  for (const s of segments) {
    const param = PARAM_SEGMENT.exec(s);
    if (param) {
      const name = param[1]!;
      if (!IDENTIFIER.test(name)) throw badRequest(`path: parameter "{${name}}" must be a name of letters, digits and "_"`);
      if (seen.has(name)) throw badRequest(`path: parameter "{${name}}" appears twice`);
      seen.add(name);
    } else if (!STATIC_SEGMENT.test(s)) {
      throw badRequest(`path: segment "${s}" must be letters, digits, ".", "-", "_", "~" or a whole "{name}"`);
    }
  }
  return `/${segments.join('/')}`;
}

/** The `{name}` parameters of a (normalised) path, in order. */
export function pathParameterNames(path: string): string[] {
  return [...path.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!);
}

/**
 * Checks and normalises definitions against the endpoint's path: known keys only (others are dropped),
 * optional fields filled (`is_required` false, the rest null). When any definitions are given, each `{name}`
 * of the path needs one with location `path`, and a `path` definition must name a segment of the path.
 */
export function checkParameters(input: unknown, path: string): ParameterDefinition[] {
  if (input === undefined || input === null) return [];
  if (!Array.isArray(input)) throw invalid('params: must be a list of parameter definitions');
  const out: ParameterDefinition[] = [];
  const names = new Set<string>();
  const inPath = pathParameterNames(path);
  input.forEach((raw: unknown, i) => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw invalid(`params[${i}]: must be an object`);
    const def = raw as Record<string, unknown>;
    const name = def.name;
    if (typeof name !== 'string' || name === '') throw invalid(`params[${i}]: name is required`);
    const at = `Parameter "${name}"`;
    if (!IDENTIFIER.test(name)) {
      throw invalid(`${at}: the name must be letters, digits and "_", not starting with a digit`, name);
    }
    if (names.has(name)) throw invalid(`${at} is defined twice`, name);
    names.add(name);
    const location = def.location ?? (inPath.includes(name) ? 'path' : 'query');
    if (!PARAMETER_LOCATIONS.includes(location as never)) {
      throw invalid(`${at}: location must be one of ${PARAMETER_LOCATIONS.join(', ')}`, name);
    }
    const dataType = def.data_type ?? 'string';
    if (!PARAMETER_TYPES.includes(dataType as never)) {
      throw invalid(`${at}: data_type must be one of ${PARAMETER_TYPES.join(', ')}`, name);
    }
    if (def.is_required !== undefined && def.is_required !== null && typeof def.is_required !== 'boolean') {
      throw invalid(`${at}: is_required must be true or false`, name);
    }
    for (const key of ['validate', 'validate_message', 'description'] as const) {
      const v = def[key];
      if (v !== undefined && v !== null && typeof v !== 'string') throw invalid(`${at}: ${key} must be text`, name);
    }
    const validate = typeof def.validate === 'string' && def.validate !== '' ? def.validate : null;
    if (validate !== null) {
      try {
        RE2JS.compile(`^(?:${validate})$`);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        throw invalid(`${at}: validate "${validate}" is not a valid regular expression (${reason})`, name);
      }
    }
    const typed = { name, data_type: dataType as ParameterDefinition['data_type'] };
    // A form's empty field is no default, except for text.
    const given = def.default_value ?? null;
    const defaultValue = given === '' && typed.data_type !== 'string' ? null : given;
    if (defaultValue !== null && !fitsType(typed.data_type, defaultValue)) {
      throw invalid(`${at}: default_value ${JSON.stringify(defaultValue)} is not a valid ${typed.data_type}`, name);
    }
    if (location === 'path' && !inPath.includes(name)) {
      throw invalid(`${at}: location is path but the path ${path} has no {${name}} segment`, name);
    }
    out.push({
      name,
      location: location as ParameterDefinition['location'],
      data_type: typed.data_type,
      is_required: def.is_required === true,
      default_value: defaultValue,
      validate,
      validate_message: (def.validate_message as string | null | undefined) || null,
      description: (def.description as string | null | undefined) ?? null,
    });
  });
  if (out.length > 0) {
    for (const name of inPath) {
      const def = out.find((d) => d.name === name);
      if (!def) throw invalid(`Path parameter {${name}} of ${path} has no definition`, name);
      if (def.location !== 'path') {
        throw invalid(`Parameter "${name}" is a segment of ${path}: its location must be path`, name);
      }
    }
  }
  return out;
}

/** Whether a default can be read as the declared type (the same leniency the gateway has for inputs). */
function fitsType(type: ParameterDefinition['data_type'], value: unknown): boolean {
  switch (type) {
    case 'string':
      return ['string', 'number', 'boolean'].includes(typeof value);
    case 'integer':
      if (typeof value === 'number') return Number.isSafeInteger(value);
      return typeof value === 'string' && /^[+-]?\d+$/.test(value.trim());
    case 'number':
      if (typeof value === 'number') return Number.isFinite(value);
      return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value));
    case 'boolean':
      if (typeof value === 'boolean') return true;
      return typeof value === 'string' && /^(true|false|1|0|yes|no|on|off)$/i.test(value.trim());
    case 'array':
      return Array.isArray(value) || typeof value === 'string';
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
  }
}
