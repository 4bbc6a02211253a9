/**
 * Create or edit one data source: type-specific fields (PostgreSQL/MySQL: host, port, database, credentials,
 * SSL mode; SQLite: the file only), "Test connection" before saving (`/datasources/preTest`), and server errors
 * next to the field they name. On edit an empty password keeps the stored one.
 */
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { PlugZap } from 'lucide-react';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { fieldErrors, type FieldErrors } from '../../api/errors';
import { qk } from '../../lib/query-keys';
import { Dialog, DialogContent, DialogFooter } from '../../components/ui/dialog';
import { FormField } from '../../components/ui/form-field';
import { Input } from '../../components/ui/input';
import { Select } from '../../components/ui/select';
import { Switch } from '../../components/ui/switch';
import { Textarea } from '../../components/ui/textarea';
import { Button } from '../../components/ui/button';
import { toast } from '../../components/ui/toast';
import { TestResult, type ConnectionTest } from './test-result';

export type DataSource = components['schemas']['DataSource'];
type ProductType = DataSource['product_type'];
type SslMode = DataSource['ssl_mode'];

export const TYPE_LABELS: Record<ProductType, string> = { postgres: 'PostgreSQL', mysql: 'MySQL / MariaDB', sqlite: 'SQLite' };
const DEFAULT_PORT: Record<ProductType, number | null> = { postgres: 5432, mysql: 3306, sqlite: null };
const SSL_OPTIONS: { value: SslMode; label: string }[] = [
  { value: 'disable', label: 'disable' },
  { value: 'prefer', label: 'prefer' },
  { value: 'require', label: 'require' },
  { value: 'verify-full', label: 'verify-full' },
];
const FIELDS = ['name', 'product_type', 'host', 'port', 'database', 'username', 'password', 'ssl_mode', 'description'] as const;

interface Form {
  name: string;
  product_type: ProductType;
  host: string;
  port: string;
  database: string;
  username: string;
  password: string;
  ssl_mode: SslMode;
  description: string;
  is_active: boolean;
}

function initial(ds?: DataSource): Form {
  return {
    name: ds?.name ?? '',
    product_type: ds?.product_type ?? 'postgres',
    host: ds?.host ?? (ds ? '' : 'localhost'),
    port: ds?.port != null ? String(ds.port) : ds ? '' : '5432',
    database: ds?.database ?? '',
    username: ds?.username ?? '',
    password: '',
    ssl_mode: ds?.ssl_mode ?? 'disable',
    description: ds?.description ?? '',
    is_active: ds?.is_active ?? true,
  };
}

/** The connection part of the form as the API wants it (null for what a type does not use). */
function connection(f: Form) {
  const network = f.product_type !== 'sqlite';
  return {
    product_type: f.product_type,
    host: network ? f.host.trim() || null : null,
    port: network && f.port.trim() ? Number(f.port) : null,
    database: f.database.trim(),
    username: network ? f.username.trim() || null : null,
    ssl_mode: network ? f.ssl_mode : ('disable' as const),
  };
}

function validate(f: Form): FieldErrors {
  const e: FieldErrors = {};
  if (!f.name.trim()) e.name = 'Name is required';
  if (!f.database.trim()) e.database = f.product_type === 'sqlite' ? 'File path is required' : 'Database is required';
  if (f.product_type !== 'sqlite') {
    if (!f.host.trim()) e.host = 'Host is required';
    if (f.port.trim() && !/^\d+$/.test(f.port.trim())) e.port = 'Port must be a whole number';
    else if (f.port.trim() && (Number(f.port) < 1 || Number(f.port) > 65535)) e.port = 'Port must be between 1 and 65535';
  }
  return e;
}

export function ConnectionDialog(props: { open: boolean; onOpenChange: (open: boolean) => void; dataSource?: DataSource }) {
  return (
    <Dialog open={props.open} onOpenChange={props.onOpenChange}>
      {props.open && (
        <DialogContent
          title={props.dataSource ? `Edit ${props.dataSource.name}` : 'New connection'}
          description={props.dataSource ? 'Change how Portico connects to this database.' : 'A database Portico can serve APIs from.'}
          className="max-w-xl"
        >
          <ConnectionForm dataSource={props.dataSource} onDone={() => props.onOpenChange(false)} />
        </DialogContent>
      )}
    </Dialog>
  );
}

function ConnectionForm({ dataSource, onDone }: { dataSource?: DataSource; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState<Form>(() => initial(dataSource));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [tested, setTested] = useState<ConnectionTest | null>(null);
  const editing = !!dataSource;
  const network = form.product_type !== 'sqlite';

  const set = <K extends keyof Form>(key: K, value: Form[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setErrors((e) => ({ ...e, [key]: '' }));
    setTested(null);
  };

  const changeType = (type: ProductType) => {
    setForm((f) => {
      const oldDefault = DEFAULT_PORT[f.product_type];
      const keepPort = f.port.trim() !== '' && f.port !== String(oldDefault ?? '');
      return { ...f, product_type: type, port: keepPort ? f.port : String(DEFAULT_PORT[type] ?? '') };
    });
    setErrors({});
    setTested(null);
  };

  const preTest = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/v1/datasources/preTest', { body: { ...connection(form), password: form.password === '' ? null : form.password } })),
    onSuccess: (result) => setTested(result),
    onError: (error) => {
      const fields = fieldErrors(error, FIELDS);
      setErrors(fields);
      if (!Object.keys(fields).length) toast.error(error);
    },
  });

  const save = useMutation({
    mutationFn: async () => {
      const common = { name: form.name.trim(), ...connection(form), description: form.description.trim() || null, is_active: form.is_active };
      if (dataSource) {
        // An empty password keeps the stored one (the API ignores an omitted password).
        const body = { id: dataSource.id, ...common, ...(form.password !== '' ? { password: form.password } : {}) };
        return unwrap(api.POST('/api/v1/datasources/update', { body }));
      }
      return unwrap(api.POST('/api/v1/datasources/create', { body: { ...common, password: form.password === '' ? null : form.password } }));
    },
    onSuccess: (ds) => {
      void queryClient.invalidateQueries({ queryKey: qk.connections.all });
      void queryClient.invalidateQueries({ queryKey: qk.overview.all });
      toast.success(editing ? 'Connection saved' : `Connection "${ds.name}" created`);
      onDone();
    },
    onError: (error) => {
      const fields = fieldErrors(error, FIELDS);
      setErrors(fields);
      if (!Object.keys(fields).length) toast.error(error);
    },
  });

  const check = (): boolean => {
    const found = validate(form);
    setErrors(found);
    return Object.keys(found).length === 0;
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (check()) save.mutate();
  };

  return (
    <form onSubmit={submit} noValidate className="grid gap-4">
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField label="Name" error={errors.name} required hint="Spec documents refer to it by this name.">
          <Input value={form.name} onChange={(e) => set('name', e.target.value)} autoComplete="off" autoFocus />
        </FormField>
        <FormField label="Type" error={errors.product_type} required>
          <Select
            value={form.product_type}
            onChange={(e) => changeType(e.target.value as ProductType)}
            options={(Object.keys(TYPE_LABELS) as ProductType[]).map((t) => ({ value: t, label: TYPE_LABELS[t] }))}
          />
        </FormField>
      </div>

      {network ? (
        <>
          <div className="grid gap-4 sm:grid-cols-[1fr_8rem]">
            <FormField label="Host" error={errors.host} required>
              <Input value={form.host} onChange={(e) => set('host', e.target.value)} autoComplete="off" />
            </FormField>
            <FormField label="Port" error={errors.port} hint={`Default ${DEFAULT_PORT[form.product_type]}`}>
              <Input value={form.port} inputMode="numeric" onChange={(e) => set('port', e.target.value)} />
            </FormField>
          </div>
          <FormField label="Database" error={errors.database} required>
            <Input value={form.database} onChange={(e) => set('database', e.target.value)} autoComplete="off" />
          </FormField>
          <div className="grid gap-4 sm:grid-cols-2">
            <FormField label="Username" error={errors.username}>
              <Input value={form.username} onChange={(e) => set('username', e.target.value)} autoComplete="off" />
            </FormField>
            <FormField
              label="Password"
              error={errors.password}
              hint={editing ? (dataSource?.has_password ? 'Leave empty to keep the stored password.' : 'No password stored; leave empty for none.') : 'Stored encrypted; never shown again.'}
            >
              <Input type="password" value={form.password} onChange={(e) => set('password', e.target.value)} autoComplete="new-password" />
            </FormField>
          </div>
          <FormField label="SSL mode" error={errors.ssl_mode}>
            <Select value={form.ssl_mode} onChange={(e) => set('ssl_mode', e.target.value as SslMode)} options={SSL_OPTIONS} />
          </FormField>
        </>
      ) : (
        <FormField label="File path" error={errors.database} required hint="An SQLite file under Portico's DATA_DIR/databases/, or any path outside DATA_DIR.">
          <Input value={form.database} onChange={(e) => set('database', e.target.value)} placeholder="/var/lib/portico/databases/app.db" autoComplete="off" />
        </FormField>
      )}

      <FormField label="Description" error={errors.description}>
        <Textarea rows={2} value={form.description} onChange={(e) => set('description', e.target.value)} />
      </FormField>
      <FormField label="Active" inline hint="Inactive connections serve no APIs.">
        <Switch checked={form.is_active} onCheckedChange={(v) => set('is_active', v)} />
      </FormField>

      {tested && <TestResult result={tested} />}
      {editing && !tested && form.password === '' && dataSource?.has_password && network && (
        <p className="text-xs text-muted-foreground">Testing uses the password you type; with the field empty, save first and use Test on the list.</p>
      )}

      <DialogFooter className="sm:justify-between">
        <Button
          type="button"
          variant="outline"
          loading={preTest.isPending}
          onClick={() => {
            if (check()) preTest.mutate();
          }}
        >
          <PlugZap />
          Test connection
        </Button>
        <div className="flex flex-col-reverse gap-2 sm:flex-row">
          <Button type="button" variant="ghost" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            {editing ? 'Save' : 'Create connection'}
          </Button>
        </div>
      </DialogFooter>
    </form>
  );
}
