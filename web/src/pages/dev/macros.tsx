/**
 * Macros: reusable `{% macro %}` definitions for SQL templates, global or per module, versioned and
 * published like endpoints. List with search, "New macro" (name, scope) opens the editor.
 */
import { useState, type FormEvent } from 'react';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Braces, MoreHorizontal, Pencil, Plus, Search, Trash2 } from 'lucide-react';
import { api, unwrap } from '../../api/client';
import { fieldErrors, type FieldErrors } from '../../api/errors';
import { RequirePermission } from '../../auth/require-permission';
import { useCan } from '../../auth/use-me';
import { qk } from '../../lib/query-keys';
import { formatRelative } from '../../lib/format';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { Dialog, DialogContent, DialogFooter } from '../../components/ui/dialog';
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuTrigger } from '../../components/ui/dropdown-menu';
import { EmptyState, ErrorState } from '../../components/ui/empty-state';
import { FormField } from '../../components/ui/form-field';
import { Input } from '../../components/ui/input';
import { PageHeader } from '../../components/ui/page-header';
import { Select } from '../../components/ui/select';
import { TableSkeleton } from '../../components/ui/skeleton';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table';
import { Textarea } from '../../components/ui/textarea';
import { useConfirm } from '../../components/ui/alert-dialog';
import { toast } from '../../components/ui/toast';
import { useAllModules, type Macro } from './shared';

const route = getRouteApi('/app/dev/macros');
const PAGE_SIZE = 50;

export default function MacrosPage() {
  const { q, page = 1 } = route.useSearch();
  const navigate = useNavigate();
  const can = useCan();
  const confirm = useConfirm();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);

  const list = useQuery({
    queryKey: qk.macros.list({ q, page }),
    queryFn: () => unwrap(api.POST('/api/v1/macro-defs/list', { body: { page, page_size: PAGE_SIZE, ...(q ? { name__ilike: `%${q}%` } : {}) } })),
  });
  const del = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/macro-defs/delete/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: qk.macros.all });
      toast.success('Macro deleted');
    },
    onError: (e) => toast.error(e),
  });
  const remove = async (m: Macro) => {
    if (await confirm({ title: `Delete macro "${m.name}"?`, description: 'Its versions are deleted too. A macro a published endpoint uses cannot be deleted.', confirmLabel: 'Delete', destructive: true })) del.mutate(m.id);
  };

  const newButton = (
    <RequirePermission resource="macro_def" action="create">
      <Button onClick={() => setCreating(true)}>
        <Plus />
        New macro
      </Button>
    </RequirePermission>
  );

  return (
    <RequirePermission resource="macro_def" action="read" page>
      <PageHeader title="Macros" description="Reusable {% macro %} definitions SQL templates can call, global or per module." actions={newButton} />
      <div className="mb-4 relative w-full max-w-xs">
        <Search className="pointer-events-none absolute left-2.5 top-2.5 size-4 text-muted-foreground" />
        <Input aria-label="Search macros" placeholder="Search by name…" className="pl-8" defaultValue={q ?? ''} onChange={(e) => void navigate({ to: '/dev/macros', search: { q: e.target.value || undefined, page: undefined }, replace: true })} />
      </div>
      {list.isPending ? (
        <TableSkeleton columns={5} />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.data.length === 0 ? (
        q ? (
          <EmptyState icon={Search} title="No macro matches" description={`Nothing is named like "${q}".`} />
        ) : (
          <EmptyState icon={Braces} title="No macros yet" description="A macro is a reusable piece of SQL template, e.g. paging or a common filter. Publish it and endpoints can call it." action={newButton} />
        )
      ) : (
        <div className="rounded-lg border bg-card">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Name</TableHead>
                <TableHead>Scope</TableHead>
                <TableHead>Status</TableHead>
                <TableHead>Updated</TableHead>
                <TableHead className="w-10">
                  <span className="sr-only">Actions</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {list.data.data.map((m) => (
                <TableRow key={m.id}>
                  <TableCell>
                    <Link to="/dev/macros/$id" params={{ id: m.id }} search={{}} className="font-mono font-medium hover:underline">
                      {m.name}
                    </Link>
                    {m.description && <div className="max-w-md truncate text-xs text-muted-foreground">{m.description}</div>}
                  </TableCell>
                  <TableCell>{m.module ? m.module : <Badge variant="outline">Global</Badge>}</TableCell>
                  <TableCell>{m.is_published ? <Badge variant="success">Published v{m.published_version}</Badge> : <Badge variant="secondary">Draft</Badge>}</TableCell>
                  <TableCell className="text-muted-foreground">{formatRelative(m.updated_at)}</TableCell>
                  <TableCell>
                    <DropdownMenu>
                      <DropdownMenuTrigger asChild>
                        <Button variant="ghost" size="icon" aria-label="Actions">
                          <MoreHorizontal />
                        </Button>
                      </DropdownMenuTrigger>
                      <DropdownMenuContent>
                        <DropdownMenuItem onSelect={() => void navigate({ to: '/dev/macros/$id', params: { id: m.id }, search: {} })}>
                          <Pencil />
                          Open
                        </DropdownMenuItem>
                        {can('macro_def', 'delete') && (
                          <DropdownMenuItem className="text-destructive" onSelect={() => void remove(m)}>
                            <Trash2 />
                            Delete
                          </DropdownMenuItem>
                        )}
                      </DropdownMenuContent>
                    </DropdownMenu>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
      {creating && <NewMacroDialog onClose={() => setCreating(false)} />}
    </RequirePermission>
  );
}

const TEMPLATE = (name: string) => `{% macro ${name || 'name'}(size=20, offset=0) %}\nLIMIT {{ size | sql_int }} OFFSET {{ offset | sql_int }}\n{% endmacro %}\n`;

function NewMacroDialog({ onClose }: { onClose: () => void }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const modules = useAllModules();
  const [name, setName] = useState('');
  const [moduleId, setModuleId] = useState('');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const create = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/v1/macro-defs/create', { body: { name: name.trim(), module_id: moduleId || null, description: description.trim() || null, content: TEMPLATE(name.trim()) } })),
    onSuccess: (m) => {
      void queryClient.invalidateQueries({ queryKey: qk.macros.all });
      toast.success('Macro created');
      onClose();
      void navigate({ to: '/dev/macros/$id', params: { id: m.id }, search: {} });
    },
    onError: (e) => {
      const f = fieldErrors(e, ['name', 'module_id', 'description']);
      setErrors(f);
      if (!Object.keys(f).length) toast.error(e);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!/^[A-Za-z_]\w*$/.test(name.trim())) return setErrors({ name: 'A macro name: letters, digits and _, not starting with a digit' });
    create.mutate();
  };
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()}>
      <DialogContent title="New macro" description="You write its {% macro %} definitions next.">
        <form onSubmit={submit} className="space-y-4" noValidate>
          <FormField label="Name" error={errors.name} required hint="Endpoints call it by this name.">
            <Input value={name} onChange={(e) => setName(e.target.value)} className="font-mono" autoFocus placeholder="paginate" />
          </FormField>
          <FormField label="Scope" error={errors.module_id} hint="A global macro serves every module.">
            <Select value={moduleId} onChange={(e) => setModuleId(e.target.value)} options={[{ value: '', label: 'Global' }, ...(modules.data ?? []).map((m) => ({ value: m.id, label: `Module ${m.name}` }))]} />
          </FormField>
          <FormField label="Description" error={errors.description}>
            <Textarea rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
          </FormField>
          <DialogFooter>
            <Button type="button" variant="outline" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create macro
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
