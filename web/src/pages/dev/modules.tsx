/**
 * Modules: groups of endpoints sharing a URL prefix. List with search, create and edit in a dialog, delete
 * (with every endpoint, macro and spec in it) after a confirmation.
 */
import { useState } from 'react';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useMutation, useQueryClient, useQuery } from '@tanstack/react-query';
import { Boxes, Pencil, Plus, Search, Trash2 } from 'lucide-react';
import { api, unwrap } from '../../api/client';
import { useCan } from '../../auth/use-me';
import { RequirePermission } from '../../auth/require-permission';
import { qk } from '../../lib/query-keys';
import { formatRelative } from '../../lib/format';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { EmptyState } from '../../components/ui/empty-state';
import { FormField } from '../../components/ui/form-field';
import { Input } from '../../components/ui/input';
import { Pager } from '../../components/ui/pager';
import { Switch } from '../../components/ui/switch';
import { TableCell } from '../../components/ui/table';
import { Textarea } from '../../components/ui/textarea';
import { toast } from '../../components/ui/toast';
import { ACTIONS_COLUMN, DataTable } from '../../components/data-table';
import { FormDialog } from '../../components/form-dialog';
import { ListPage } from '../../components/list-page';
import { RowActions } from '../../components/row-actions';
import { useDeleteAction } from '../../components/use-delete-action';
import { useFieldErrors } from '../../components/use-field-errors';
import type { Module } from './shared';

const route = getRouteApi('/app/dev/modules');
const PAGE_SIZE = 50;

export default function ModulesPage() {
  const { q, page = 1 } = route.useSearch();
  const navigate = route.useNavigate();
  const can = useCan();
  const [editing, setEditing] = useState<Module | 'new' | null>(null);

  const list = useQuery({
    queryKey: qk.modules.list({ q, page }),
    queryFn: () => unwrap(api.POST('/api/v1/modules/list', { body: { page, page_size: PAGE_SIZE, ...(q ? { name__ilike: `%${q}%` } : {}) } })),
  });
  const remove = useDeleteAction({
    mutationFn: (m: Module) => unwrap(api.DELETE('/api/v1/modules/delete/{id}', { params: { path: { id: m.id } } })),
    invalidate: [qk.modules.all, qk.endpoints.all],
    confirm: (m) => ({
      title: `Delete module "${m.name}"?`,
      description:
        m.endpoint_count > 0
          ? `Its ${m.endpoint_count} endpoint(s), its macros and its spec are deleted with it, and their routes stop answering.`
          : 'The module has no endpoints. This cannot be undone.',
    }),
    success: 'Module deleted',
  });

  const newButton = (
    <RequirePermission resource="module" action="create">
      <Button onClick={() => setEditing('new')}>
        <Plus aria-hidden />
        New module
      </Button>
    </RequirePermission>
  );

  return (
    <ListPage
      resource="module"
      title="Modules"
      description="Groups of endpoints served under one URL prefix."
      actions={newButton}
      search={{ label: 'Search modules', value: q, onChange: (v) => void navigate({ to: '.', search: { q: v }, replace: true }) }}
    >
      <DataTable
        query={list}
        rows={list.data?.data}
        columns={[{ header: 'Name' }, { header: 'Prefix' }, { header: 'Endpoints', className: 'text-right' }, { header: 'Status' }, { header: 'Updated' }, ACTIONS_COLUMN]}
        rowKey={(m) => m.id}
        empty={
          q ? (
            <EmptyState icon={Search} title="No module matches" description={`Nothing is named like “${q}”.`} />
          ) : (
            <EmptyState
              icon={Boxes}
              title="No modules yet"
              description="A module groups endpoints under a URL prefix, e.g. /sales/orders. Create one to start building APIs."
              action={newButton}
            />
          )
        }
        renderRow={(m) => (
          <>
            <TableCell>
              <div className="font-medium">{m.name}</div>
              {m.description && <div className="max-w-md truncate text-xs text-muted-foreground">{m.description}</div>}
            </TableCell>
            <TableCell className="font-mono text-xs">/{m.path_prefix}</TableCell>
            <TableCell className="text-right tabular-nums">
              <Link to="/dev/endpoints" search={{ module: m.id }} className="text-primary hover:underline">
                {m.endpoint_count}
              </Link>
            </TableCell>
            <TableCell>{m.is_active ? <Badge variant="success">Active</Badge> : <Badge variant="secondary">Inactive</Badge>}</TableCell>
            <TableCell className="whitespace-nowrap text-muted-foreground">{formatRelative(m.updated_at)}</TableCell>
            <TableCell>
              <RowActions
                name={m.name}
                actions={[
                  { label: 'Edit', icon: Pencil, onSelect: () => setEditing(m), show: can('module', 'update') },
                  { label: 'Delete', icon: Trash2, destructive: true, onSelect: () => void remove.ask(m), show: can('module', 'delete') },
                ]}
              />
            </TableCell>
          </>
        )}
        footer={<Pager page={page} pageSize={PAGE_SIZE} total={list.data?.total ?? 0} onPage={(p) => void navigate({ to: '.', search: { q, page: p } })} />}
      />
      {editing && <ModuleDialog module={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </ListPage>
  );
}

function ModuleDialog({ module, onClose }: { module: Module | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(module?.name ?? '');
  const [prefix, setPrefix] = useState(module?.path_prefix ?? '');
  const [description, setDescription] = useState(module?.description ?? '');
  const [active, setActive] = useState(module?.is_active ?? true);
  const { errors, check, onError } = useFieldErrors(['name', 'path_prefix', 'prefix', 'description'], { prefix: 'path_prefix' });

  const save = useMutation({
    mutationFn: () => {
      const fields = {
        name: name.trim(),
        path_prefix: prefix.trim().replace(/^\/+|\/+$/g, ''),
        description: description.trim() || null,
        is_active: active,
      };
      if (module) return unwrap(api.POST('/api/v1/modules/update', { body: { id: module.id, ...fields } }));
      // An empty prefix on create means "default to the name" for the API; send it only when given.
      const { path_prefix, ...rest } = fields;
      return unwrap(api.POST('/api/v1/modules/create', { body: path_prefix ? fields : rest }));
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: qk.modules.all });
      void queryClient.invalidateQueries({ queryKey: qk.endpoints.all });
      toast.success(module ? 'Module saved' : 'Module created');
      onClose();
    },
    onError,
  });

  const submit = () => {
    const next: Record<string, string> = {};
    if (!name.trim()) next.name = 'Give the module a name';
    if (prefix && !/^[\w\-/.]*$/.test(prefix.trim())) next.path_prefix = 'Use letters, digits, "-", "_", "." and "/" only';
    if (check(next)) save.mutate();
  };

  return (
    <FormDialog
      title={module ? `Edit module "${module.name}"` : 'New module'}
      description="Endpoints of a module are served under its prefix."
      onClose={onClose}
      onSubmit={submit}
      submitLabel={module ? 'Save' : 'Create module'}
      pending={save.isPending}
    >
      <FormField label="Name" error={errors.name} required>
        <Input value={name} onChange={(e) => setName(e.target.value)} autoFocus placeholder="sales" />
      </FormField>
      <FormField
        label="Path prefix"
        error={errors.path_prefix}
        hint={
          <>
            Routes are served at <code className="font-mono">/{(prefix.trim() || (module ? '' : name.trim())).replace(/^\/+|\/+$/g, '')}/…</code>
            {!module && ' — empty uses the name.'}
          </>
        }
      >
        <Input value={prefix} onChange={(e) => setPrefix(e.target.value)} placeholder={module ? '' : name || 'sales'} className="font-mono" />
      </FormField>
      <FormField label="Description" error={errors.description}>
        <Textarea value={description} onChange={(e) => setDescription(e.target.value)} rows={3} />
      </FormField>
      <FormField label="Active" inline>
        <Switch checked={active} onCheckedChange={setActive} />
      </FormField>
    </FormDialog>
  );
}
