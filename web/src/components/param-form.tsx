/**
 * A form generated from endpoint parameter definitions, for trying an endpoint (the Debug tab): one input per
 * parameter fitting its type (number inputs for integer/number, a true/false choice for boolean, JSON text for
 * array/object), required marks, defaults prefilled. `toRequestParams` turns what was typed into the typed
 * values a request carries, or per-parameter messages when something does not fit.
 */
import { FormField } from './ui/form-field';
import { Input } from './ui/input';
import { Select } from './ui/select';
import { Textarea } from './ui/textarea';
import { Badge } from './ui/badge';

export type ParamLocation = 'path' | 'query' | 'header' | 'body';
export type ParamType = 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object';

/** One declared parameter, as the API stores it. */
export interface ParamDef {
  name: string;
  location?: string;
  data_type?: string;
  is_required?: boolean;
  default_value?: unknown;
  validate?: string | null;
  validate_message?: string | null;
  description?: string | null;
}

/** What the user typed, per parameter name (always text; booleans are "true" / "false" / ""). */
export type ParamValues = Record<string, string>;

const typeOf = (d: ParamDef): ParamType => (['string', 'integer', 'number', 'boolean', 'array', 'object'].includes(d.data_type ?? '') ? (d.data_type as ParamType) : 'string');

function asText(value: unknown, type: ParamType): string {
  if (value === undefined || value === null) return '';
  if (type === 'array' || type === 'object') return typeof value === 'string' ? value : JSON.stringify(value);
  if (type === 'boolean') return value === true || value === 'true' ? 'true' : value === false || value === 'false' ? 'false' : '';
  return String(value);
}

/** The form's starting values: each parameter's default, or empty. */
export function initialValues(defs: readonly ParamDef[]): ParamValues {
  return Object.fromEntries(defs.map((d) => [d.name, asText(d.default_value, typeOf(d))]));
}

/**
 * The request's parameters from the typed values: empty optional ones are left out, the rest converted to
 * their type. `errors` names each parameter that is missing or does not fit its type.
 */
export function toRequestParams(defs: readonly ParamDef[], values: ParamValues): { params: Record<string, unknown>; errors: Record<string, string> } {
  const params: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const d of defs) {
    const type = typeOf(d);
    const raw = values[d.name] ?? '';
    // Blank is "not sent", except that a string may be spaces on purpose.
    if (type === 'string' ? raw === '' : raw.trim() === '') {
      if (d.is_required) errors[d.name] = `${d.name} is required`;
      continue;
    }
    const text = raw.trim();
    switch (type) {
      case 'integer':
        if (/^[+-]?\d+$/.test(text)) params[d.name] = Number(text);
        else errors[d.name] = `${d.name} must be a whole number`;
        break;
      case 'number':
        if (text !== '' && Number.isFinite(Number(text))) params[d.name] = Number(text);
        else errors[d.name] = `${d.name} must be a number`;
        break;
      case 'boolean':
        params[d.name] = text === 'true';
        break;
      case 'array':
      case 'object': {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          errors[d.name] = `${d.name} must be JSON`;
          break;
        }
        const ok = type === 'array' ? Array.isArray(parsed) : parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
        if (ok) params[d.name] = parsed;
        else errors[d.name] = type === 'array' ? `${d.name} must be a JSON array, e.g. [1, 2]` : `${d.name} must be a JSON object, e.g. {"a": 1}`;
        break;
      }
      default:
        params[d.name] = raw;
    }
  }
  return { params, errors };
}

export function ParamForm(props: {
  params: readonly ParamDef[];
  values: ParamValues;
  onChange: (values: ParamValues) => void;
  errors?: Record<string, string>;
  disabled?: boolean;
}) {
  if (props.params.length === 0) {
    return <p className="text-sm text-muted-foreground">This endpoint declares no parameters.</p>;
  }
  const set = (name: string, value: string) => props.onChange({ ...props.values, [name]: value });
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      {props.params.map((d) => {
        const type = typeOf(d);
        const value = props.values[d.name] ?? '';
        const hint = (
          <span className="inline-flex flex-wrap items-center gap-1.5">
            <Badge variant="outline" className="px-1.5 py-0 font-mono text-[10px]">
              {d.location ?? 'query'}
            </Badge>
            <span className="font-mono">{type}</span>
            {d.description && <span>· {d.description}</span>}
          </span>
        );
        const common = { disabled: props.disabled, name: d.name };
        return (
          <FormField key={d.name} label={d.name} required={!!d.is_required} hint={hint} error={props.errors?.[d.name]} className={type === 'array' || type === 'object' ? 'sm:col-span-2' : undefined}>
            {type === 'boolean' ? (
              <Select
                {...common}
                value={value}
                placeholder="(not sent)"
                options={[
                  { value: 'true', label: 'true' },
                  { value: 'false', label: 'false' },
                ]}
                onChange={(e) => set(d.name, e.target.value)}
              />
            ) : type === 'array' || type === 'object' ? (
              <Textarea {...common} className="font-mono text-xs" rows={3} value={value} placeholder={type === 'array' ? '[1, 2, 3]' : '{"key": "value"}'} onChange={(e) => set(d.name, e.target.value)} />
            ) : (
              <Input
                {...common}
                type={type === 'integer' || type === 'number' ? 'number' : 'text'}
                step={type === 'integer' ? 1 : type === 'number' ? 'any' : undefined}
                value={value}
                onChange={(e) => set(d.name, e.target.value)}
              />
            )}
          </FormField>
        );
      })}
    </div>
  );
}
