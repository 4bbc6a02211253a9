/**
 * Import (or replace) a table-API spec: module name, URL prefix, access, and the document — uploaded from a
 * file or pasted. A 400 `invalid_spec` lists every problem with its JSON path, right under the document.
 */
import { useRef, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Upload } from 'lucide-react';
import { api, unwrap } from '../../api/client';
import { ApiError, fieldErrors, type FieldErrors } from '../../api/errors';
import { qk } from '../../lib/query-keys';
import { FormField } from '../../components/ui/form-field';
import { Input } from '../../components/ui/input';
import { Select } from '../../components/ui/select';
import { Textarea } from '../../components/ui/textarea';
import { Button } from '../../components/ui/button';
import { DialogFooter } from '../../components/ui/dialog';
import { Alert } from '../../components/ui/alert';
import { toast } from '../../components/ui/toast';

export interface SpecProblem {
  path: string;
  message: string;
}

export interface ImportDefaults {
  module?: string;
  prefix?: string;
  access?: 'public' | 'private';
  content?: string;
  filename?: string | null;
}

const MODULE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

function problemsOf(error: unknown): SpecProblem[] | null {
  if (!(error instanceof ApiError) || error.code !== 'invalid_spec' || !Array.isArray(error.details)) return null;
  return error.details
    .filter((d): d is { path?: unknown; message?: unknown } => !!d && typeof d === 'object')
    .map((d) => ({ path: typeof d.path === 'string' ? d.path : '', message: typeof d.message === 'string' ? d.message : 'invalid' }));
}

export function ImportSpecForm(props: {
  defaults?: ImportDefaults;
  /** Replacing an existing spec: the module name is fixed. */
  replacing?: boolean;
  submitLabel?: string;
  onCancel: () => void;
  onImported: (spec: { id: string; module: string; routes: unknown[] }) => void;
}) {
  const d = props.defaults ?? {};
  const queryClient = useQueryClient();
  const fileInput = useRef<HTMLInputElement>(null);
  const [module, setModule] = useState(d.module ?? '');
  const [prefix, setPrefix] = useState(d.prefix ?? '');
  const [access, setAccess] = useState<'public' | 'private'>(d.access ?? 'private');
  const [content, setContent] = useState(d.content ?? '');
  const [filename, setFilename] = useState<string | null>(d.filename ?? null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problems, setProblems] = useState<SpecProblem[] | null>(null);

  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/specs/import', {
          body: { module: module.trim(), prefix: prefix.trim() === '' && !props.replacing ? undefined : prefix.trim(), content, filename, access },
        }),
      ),
    onSuccess: (spec) => {
      void queryClient.invalidateQueries({ queryKey: qk.specs.all });
      void queryClient.invalidateQueries({ queryKey: qk.modules.all });
      toast.success(`${props.replacing ? 'Replaced' : 'Imported'} "${spec.module}"`, `${spec.routes.length} routes are live.`);
      props.onImported(spec);
    },
    onError: (error) => {
      const found = problemsOf(error);
      if (found) {
        setProblems(found);
        setErrors({ content: `The document has ${found.length === 1 ? '1 problem' : `${found.length} problems`}` });
        return;
      }
      const fields = fieldErrors(error, ['module', 'prefix', 'content', 'access']);
      if (error instanceof ApiError && error.code === 'route_conflict' && !fields.prefix) fields.prefix = error.message;
      setErrors(fields);
      if (!Object.keys(fields).length) toast.error(error);
    },
  });

  const readFile = async (file: File | undefined) => {
    if (!file) return;
    setContent(await file.text());
    setFilename(file.name);
    setProblems(null);
    setErrors((e) => ({ ...e, content: '' }));
    if (!module.trim()) setModule(file.name.replace(/\..*$/, '').replace(/[^A-Za-z0-9_-]/g, '_'));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const e: FieldErrors = {};
    if (!module.trim()) e.module = 'Module name is required';
    else if (!MODULE_NAME.test(module.trim())) e.module = 'Use letters, digits, "_" and "-"';
    if (!content.trim()) e.content = 'Paste the document or choose a file';
    setErrors(e);
    setProblems(null);
    if (Object.keys(e).length === 0) save.mutate();
  };

  return (
    <form onSubmit={submit} noValidate className="grid gap-4">
      <div className="grid gap-4 sm:grid-cols-3">
        <FormField label="Module" error={errors.module} required hint={props.replacing ? 'Replacing this module’s spec.' : undefined}>
          <Input value={module} onChange={(e) => setModule(e.target.value)} readOnly={props.replacing} autoComplete="off" />
        </FormField>
        <FormField label="Path prefix" error={errors.prefix} hint="Default: the module name.">
          <Input value={prefix} onChange={(e) => setPrefix(e.target.value)} placeholder={module || 'module'} autoComplete="off" />
        </FormField>
        <FormField label="Access" error={errors.access} hint="Private routes need a client token.">
          <Select
            value={access}
            onChange={(e) => setAccess(e.target.value as 'public' | 'private')}
            options={[
              { value: 'private', label: 'Private' },
              { value: 'public', label: 'Public' },
            ]}
          />
        </FormField>
      </div>

      <div className="flex items-center gap-3">
        <input
          ref={fileInput}
          type="file"
          accept=".yaml,.yml,.json,application/json,text/yaml"
          className="sr-only"
          aria-label="Spec file"
          onChange={(e) => void readFile(e.target.files?.[0])}
        />
        <Button type="button" variant="outline" size="sm" onClick={() => fileInput.current?.click()}>
          <Upload />
          Upload file
        </Button>
        <span className="truncate text-sm text-muted-foreground">{filename ?? 'or paste the document below (YAML or JSON)'}</span>
      </div>

      <FormField label="Document" error={errors.content} required>
        <Textarea
          value={content}
          onChange={(e) => {
            setContent(e.target.value);
            setProblems(null);
          }}
          spellCheck={false}
          rows={14}
          className="font-mono text-xs leading-relaxed"
          placeholder={'openapi: 3.1.0\ncomponents:\n  schemas:\n    album:\n      x-am-database: my_connection\n      …'}
        />
      </FormField>

      {problems && (
        <Alert variant="destructive" title={`The spec was not imported: ${problems.length === 1 ? '1 problem' : `${problems.length} problems`}`}>
          <ul aria-label="Spec problems" className="mt-1 max-h-56 space-y-1 overflow-y-auto">
            {problems.map((p, i) => (
              <li key={i} className="text-foreground">
                <code className="rounded bg-muted px-1 py-0.5 font-mono text-xs">{p.path || '(document)'}</code> {p.message}
              </li>
            ))}
          </ul>
        </Alert>
      )}

      <DialogFooter>
        <Button type="button" variant="ghost" onClick={props.onCancel}>
          Cancel
        </Button>
        <Button type="submit" loading={save.isPending}>
          {props.submitLabel ?? (props.replacing ? 'Replace' : 'Import')}
        </Button>
      </DialogFooter>
    </form>
  );
}
