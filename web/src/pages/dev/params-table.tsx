/**
 * The Parameters tab: one row per declared parameter (name, location, type, required, default, regex,
 * message), rows added and removed in place, checked before saving (`checkParams`).
 */
import { Plus, Trash2 } from 'lucide-react';
import type { ParamDef } from '../../components/param-form';
import { Button } from '../../components/ui/button';
import { Checkbox } from '../../components/ui/checkbox';
import { EmptyState } from '../../components/ui/empty-state';
import { Input } from '../../components/ui/input';
import { Select } from '../../components/ui/select';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table';
import { cn } from '../../lib/cn';
import { ListChecks } from 'lucide-react';

/** A row being edited: the definition with its default as text, and a key that survives reordering. */
export interface ParamRow {
  key: string;
  name: string;
  location: string;
  data_type: string;
  is_required: boolean;
  default_text: string;
  validate: string;
  validate_message: string;
  description: string;
}

let seq = 0;
export const newRow = (patch: Partial<ParamRow> = {}): ParamRow => ({
  key: `p${++seq}`,
  name: '',
  location: 'query',
  data_type: 'string',
  is_required: false,
  default_text: '',
  validate: '',
  validate_message: '',
  description: '',
  ...patch,
});

export function rowsFromDefs(defs: readonly ParamDef[]): ParamRow[] {
  return defs.map((d) =>
    newRow({
      name: d.name,
      location: d.location ?? 'query',
      data_type: d.data_type ?? 'string',
      is_required: !!d.is_required,
      default_text:
        d.default_value === undefined || d.default_value === null ? '' : typeof d.default_value === 'string' ? d.default_value : JSON.stringify(d.default_value),
      validate: d.validate ?? '',
      validate_message: d.validate_message ?? '',
      description: d.description ?? '',
    }),
  );
}

function defaultValue(row: ParamRow): { value?: unknown; error?: string } {
  const t = row.default_text.trim();
  if (t === '') return {};
  switch (row.data_type) {
    case 'integer':
      return /^[+-]?\d+$/.test(t) ? { value: Number(t) } : { error: 'Default must be a whole number' };
    case 'number':
      return Number.isFinite(Number(t)) ? { value: Number(t) } : { error: 'Default must be a number' };
    case 'boolean':
      return t === 'true' || t === 'false' ? { value: t === 'true' } : { error: 'Default must be true or false' };
    case 'array':
    case 'object':
      try {
        const v: unknown = JSON.parse(t);
        if (row.data_type === 'array' ? Array.isArray(v) : v !== null && typeof v === 'object' && !Array.isArray(v)) return { value: v };
      } catch {
        /* reported below */
      }
      return { error: `Default must be a JSON ${row.data_type}` };
    default:
      return { value: row.default_text };
  }
}

/**
 * The definitions to save, or an error per row field (`<key>.name`, `<key>.default`, `<key>.validate`) and
 * a summary. Path parameters named in the route must be declared with location "path".
 */
export function checkParams(rows: readonly ParamRow[], routePathParams: readonly string[]): { defs: ParamDef[]; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const defs: ParamDef[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const name = row.name.trim();
    if (!name) errors[`${row.key}.name`] = 'Name is required';
    else if (!/^[A-Za-z_][\w]*$/.test(name)) errors[`${row.key}.name`] = 'Letters, digits and _ only, not starting with a digit';
    else if (seen.has(name)) errors[`${row.key}.name`] = `"${name}" is declared twice`;
    seen.add(name);
    const d = defaultValue(row);
    if (d.error) errors[`${row.key}.default`] = d.error;
    if (row.validate.trim()) {
      try {
        new RegExp(row.validate);
      } catch {
        errors[`${row.key}.validate`] = 'Not a valid regular expression';
      }
    }
    defs.push({
      name,
      location: row.location,
      data_type: row.data_type,
      is_required: row.location === 'path' ? true : row.is_required,
      ...(d.value !== undefined ? { default_value: d.value } : {}),
      validate: row.validate.trim() || null,
      validate_message: row.validate_message.trim() || null,
      description: row.description.trim() || null,
    });
  }
  for (const p of routePathParams) {
    const row = rows.find((r) => r.name.trim() === p);
    if (row && row.location !== 'path') errors[`${row.key}.location`] = `{${p}} is in the path: set Location to path`;
  }
  return { defs, errors };
}

const LOCATIONS = ['path', 'query', 'header', 'body'].map((v) => ({ value: v, label: v }));
const TYPES = ['string', 'integer', 'number', 'boolean', 'array', 'object'].map((v) => ({ value: v, label: v }));

export function ParamsTable(props: {
  rows: ParamRow[];
  onChange: (rows: ParamRow[]) => void;
  errors: Record<string, string>;
  readOnly?: boolean;
  missingPathParams: string[];
}) {
  const set = (key: string, patch: Partial<ParamRow>) => props.onChange(props.rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const add = (patch?: Partial<ParamRow>) => props.onChange([...props.rows, newRow(patch)]);
  const cell = (row: ParamRow, field: string) => props.errors[`${row.key}.${field}`];

  return (
    <div className="space-y-3">
      {props.missingPathParams.length > 0 && !props.readOnly && (
        <div className="flex flex-wrap items-center gap-2 rounded-md border border-warning/50 bg-warning/10 px-3 py-2 text-sm">
          The path uses {props.missingPathParams.map((p) => `{${p}}`).join(', ')} but declares no such parameter.
          {props.missingPathParams.map((p) => (
            <Button key={p} size="sm" variant="outline" onClick={() => add({ name: p, location: 'path', data_type: 'string', is_required: true })}>
              <Plus />
              Add {p}
            </Button>
          ))}
        </div>
      )}
      {props.rows.length === 0 ? (
        <EmptyState
          icon={ListChecks}
          title="No parameters"
          description="Declare the values callers send: path segments like {id}, query strings, headers or body fields. Each is checked and converted before the endpoint runs."
          action={
            !props.readOnly && (
              <Button variant="outline" onClick={() => add()}>
                <Plus />
                Add parameter
              </Button>
            )
          }
        />
      ) : (
        <div className="overflow-x-auto rounded-lg border bg-card">
          <Table aria-label="Parameters">
            <TableHeader>
              <TableRow>
                <TableHead className="min-w-36">Name</TableHead>
                <TableHead>Location</TableHead>
                <TableHead>Type</TableHead>
                <TableHead className="text-center">Required</TableHead>
                <TableHead className="min-w-28">Default</TableHead>
                <TableHead className="min-w-32">Regex</TableHead>
                <TableHead className="min-w-40">Message</TableHead>
                <TableHead className="w-10">
                  <span className="sr-only">Remove</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {props.rows.map((row, i) => {
                const n = i + 1;
                const err = (field: string) => {
                  const e = cell(row, field);
                  return e ? (
                    <p className="mt-1 text-xs font-medium text-destructive" role="alert">
                      {e}
                    </p>
                  ) : null;
                };
                return (
                  <TableRow key={row.key} className="align-top">
                    <TableCell>
                      <Input aria-label={`Parameter ${n} name`} aria-invalid={!!cell(row, 'name')} className={cn('font-mono', cell(row, 'name') && 'border-destructive')} value={row.name} disabled={props.readOnly} placeholder="name" onChange={(e) => set(row.key, { name: e.target.value })} />
                      {err('name')}
                    </TableCell>
                    <TableCell>
                      <Select aria-label={`Parameter ${n} location`} className="w-24" value={row.location} options={LOCATIONS} disabled={props.readOnly} onChange={(e) => set(row.key, { location: e.target.value, ...(e.target.value === 'path' ? { is_required: true } : {}) })} />
                      {err('location')}
                    </TableCell>
                    <TableCell>
                      <Select aria-label={`Parameter ${n} type`} className="w-28" value={row.data_type} options={TYPES} disabled={props.readOnly} onChange={(e) => set(row.key, { data_type: e.target.value })} />
                    </TableCell>
                    <TableCell className="text-center">
                      <Checkbox aria-label={`Parameter ${n} required`} className="mt-2" checked={row.is_required || row.location === 'path'} disabled={props.readOnly || row.location === 'path'} onCheckedChange={(c) => set(row.key, { is_required: c === true })} />
                    </TableCell>
                    <TableCell>
                      <Input aria-label={`Parameter ${n} default`} aria-invalid={!!cell(row, 'default')} className="font-mono" value={row.default_text} disabled={props.readOnly} onChange={(e) => set(row.key, { default_text: e.target.value })} />
                      {err('default')}
                    </TableCell>
                    <TableCell>
                      <Input aria-label={`Parameter ${n} regex`} aria-invalid={!!cell(row, 'validate')} className="font-mono" value={row.validate} placeholder="^\d+$" disabled={props.readOnly} onChange={(e) => set(row.key, { validate: e.target.value })} />
                      {err('validate')}
                    </TableCell>
                    <TableCell>
                      <Input aria-label={`Parameter ${n} message`} value={row.validate_message} placeholder="Shown when the regex fails" disabled={props.readOnly} onChange={(e) => set(row.key, { validate_message: e.target.value })} />
                    </TableCell>
                    <TableCell>
                      {!props.readOnly && (
                        <Button variant="ghost" size="icon" aria-label={`Remove parameter ${n}`} onClick={() => props.onChange(props.rows.filter((r) => r.key !== row.key))}>
                          <Trash2 />
                        </Button>
                      )}
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </div>
      )}
      {props.rows.length > 0 && !props.readOnly && (
        <Button variant="outline" size="sm" onClick={() => add()}>
          <Plus />
          Add parameter
        </Button>
      )}
    </div>
  );
}
