/**
 * Macros: reusable `{% macro %}` definitions for SQL templates, global or per module, versioned and
 * published like endpoints. List with search, "New macro" (name, scope) opens the editor.
 */
import { useState } from 'react';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Braces, Pencil, Plus, Search, Trash2 } from 'lucide-react';
import { api, unwrap } from '../../api/client';
import { RequirePermission } from '../../auth/require-permission';
import { useCan } from '../../auth/use-me';
import { qk } from '../../lib/query-keys';
import { formatRelative } from '../../lib/format';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { EmptyState } from '../../components/ui/empty-state';
import { FormField } from '../../components/ui/form-field';
import { Input } from '../../components/ui/input';
import { Pager } from '../../components/ui/pager';
import { Select } from '../../components/ui/select';
import { TableCell } from '../../components/ui/table';
import { Textarea } from '../../components/ui/textarea';
import { toast } from '../../components/ui/toast';
import { ACTIONS_COLUMN, DataTable } from '../../components/data-table';
import { FormDialog } from '../../components/form-dialog';
import { ListPage } from '../../components/list-page';
import { RowActions } from '../../components/row-actions';
import { useDeleteAction } from '../../components/use-delete-action';
import { useFieldErrors } from '../../components/use-field-errors';
import { useAllModules, type Macro } from './shared';

const route = getRouteApi('/app/dev/macros');
const PAGE_SIZE = 50;

export default function MacrosPage() {
  const { q, page = 1 } = route.useSearch();
  const navigate = route.useNavigate();
  const can = useCan();
  const [creating, setCreating] = useState(false);

  const list = useQuery({
    queryKey: qk.macros.list({ q, page }),
    queryFn: () => unwrap(api.POST('/api/v1/macro-defs/list', { body: { page, page_size: PAGE_SIZE, ...(q ? { name__ilike: `%${q}%` } : {}) } })),
  });
  const remove = useDeleteAction({
    mutationFn: (m: Macro) => unwrap(api.DELETE('/api/v1/macro-defs/delete/{id}', { params: { path: { id: m.id } } })),
    invalidate: [qk.macros.all],
    confirm: (m) => ({
      title: `Delete macro "${m.name}"?`,
      description: 'Its versions are deleted too. A macro a published endpoint uses cannot be deleted.',
    }),
    success: 'Macro deleted',
  });

  const newButton = (
    <RequirePermission resource="macro_def" action="create">
      <Button onClick={() => setCreating(true)}>
        <Plus aria-hidden />
        New macro
      </Button>
    </RequirePermission>
  );

  return (
    <ListPage
      resource="macro_def"
      title="Macros"
      description="Reusable {% macro %} definitions SQL templates can call, global or per module."
      actions={newButton}
      search={{ label: 'Search macros', value: q, onChange: (v) => void navigate({ to: '.', search: { q: v }, replace: true }) }}
    >
      <DataTable
        query={list}
        rows={list.data?.data}
        columns={[{ header: 'Name' }, { header: 'Scope' }, { header: 'Status' }, { header: 'Updated' }, ACTIONS_COLUMN]}
        rowKey={(m) => m.id}
        empty={
          q ? (
            <EmptyState icon={Search} title="No macro matches" description={`Nothing is named like “${q}”.`} />
          ) : (
            <EmptyState
              icon={Braces}
              title="No macros yet"
              description="A macro is a reusable piece of SQL template, e.g. paging or a common filter. Publish it and endpoints can call it."
              action={newButton}
            />
          )
        }
        renderRow={(m) => (
          <>
            <TableCell>
              <Link to="/dev/macros/$id" params={{ id: m.id }} search={{}} className="font-mono font-medium hover:underline">
                {m.name}
              </Link>
              {m.description && <div className="max-w-md truncate text-xs text-muted-foreground">{m.description}</div>}
            </TableCell>
            <TableCell>{m.module ? m.module : <Badge variant="outline">Global</Badge>}</TableCell>
            <TableCell>{m.is_published ? <Badge variant="success">Published v{m.published_version}</Badge> : <Badge variant="secondary">Draft</Badge>}</TableCell>
            <TableCell className="whitespace-nowrap text-muted-foreground">{formatRelative(m.updated_at)}</TableCell>
            <TableCell>
              <RowActions
                name={m.name}
                actions={[
                  { label: 'Open', icon: Pencil, onSelect: () => void navigate({ to: '/dev/macros/$id', params: { id: m.id }, search: {} }) },
                  { label: 'Delete', icon: Trash2, destructive: true, onSelect: () => void remove.ask(m), show: can('macro_def', 'delete') },
                ]}
              />
            </TableCell>
          </>
        )}
        footer={<Pager page={page} pageSize={PAGE_SIZE} total={list.data?.total ?? 0} onPage={(p) => void navigate({ to: '.', search: { q, page: p } })} />}
      />
      {creating && <NewMacroDialog onClose={() => setCreating(false)} />}
    </ListPage>
  );
}

const TEMPLATE = (name: string) => `{% macro ${name || 'name'}(size=20, offset=0) %}\nLIMIT {{ size | sql_int }} OFFSET {{ offset | sql_int }}\n{% endmacro %}\n`;

function NewMacroDialog({ onClose }: { onClose: () => void }) {
  const navigate = route.useNavigate();
  const queryClient = useQueryClient();
  const modules = useAllModules();
  const [name, setName] = useState('');
  const [moduleId, setModuleId] = useState('');
  const [description, setDescription] = useState('');
  const { errors, check, onError } = useFieldErrors(['name', 'module_id', 'description']);
  const create = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/v1/macro-defs/create', { body: { name: name.trim(), module_id: moduleId || null, description: description.trim() || null, content: TEMPLATE(name.trim()) } })),
    onSuccess: (m) => {
      void queryClient.invalidateQueries({ queryKey: qk.macros.all });
      toast.success('Macro created');
      onClose();
      void navigate({ to: '/dev/macros/$id', params: { id: m.id }, search: {} });
    },
    onError,
  });
  const submit = () => {
    if (check(/^[A-Za-z_]\w*$/.test(name.trim()) ? {} : { name: 'A macro name: letters, digits and _, not starting with a digit' })) create.mutate();
  };
  return (
    <FormDialog title="New macro" description="You write its {% macro %} definitions next." onClose={onClose} onSubmit={submit} submitLabel="Create macro" pending={create.isPending}>
      <FormField label="Name" error={errors.name} required hint="Endpoints call it by this name.">
        <Input value={name} onChange={(e) => setName(e.target.value)} className="font-mono" autoFocus placeholder="paginate" />
      </FormField>
      <FormField label="Scope" error={errors.module_id} hint="A global macro serves every module.">
        <Select value={moduleId} onChange={(e) => setModuleId(e.target.value)} options={[{ value: '', label: 'Global' }, ...(modules.data ?? []).map((m) => ({ value: m.id, label: `Module ${m.name}` }))]} />
      </FormField>
      <FormField label="Description" error={errors.description}>
        <Textarea rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
      </FormField>
    </FormDialog>
  );
}
