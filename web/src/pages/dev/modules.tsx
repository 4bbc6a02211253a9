/**
 * Modules: groups of endpoints sharing a URL prefix. List with search, create and edit in a dialog, delete
 * (with every endpoint, macro and spec in it) after a confirmation.
 */
import { useState, type FormEvent } from 'react';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Boxes, MoreHorizontal, Pencil, Plus, Search, Trash2 } from 'lucide-react';
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
import { TableSkeleton } from '../../components/ui/skeleton';
import { Switch } from '../../components/ui/switch';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table';
import { Textarea } from '../../components/ui/textarea';
import { useConfirm } from '../../components/ui/alert-dialog';
import { toast } from '../../components/ui/toast';
import type { Module } from './shared';

const route = getRouteApi('/app/dev/modules');
const PAGE_SIZE = 50;

export default function ModulesPage() {
  const { q, page = 1 } = route.useSearch();
  const navigate = route.useNavigate();
  const can = useCan();
  const confirm = useConfirm();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<Module | 'new' | null>(null);

  const list = useQuery({
    queryKey: qk.modules.list({ q, page }),
    queryFn: () => unwrap(api.POST('/api/v1/modules/list', { body: { page, page_size: PAGE_SIZE, ...(q ? { name__ilike: `%${q}%` } : {}) } })),
  });
  const del = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/modules/delete/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: qk.modules.all });
      void queryClient.invalidateQueries({ queryKey: qk.endpoints.all });
      toast.success('Module deleted');
    },
    onError: (e) => toast.error(e),
  });

  const remove = async (m: Module) => {
    const ok = await confirm({
      title: `Delete module "${m.name}"?`,
      description:
        m.endpoint_count > 0
          ? `Its ${m.endpoint_count} endpoint(s), its macros and its spec are deleted with it, and their routes stop answering.`
          : 'The module has no endpoints. This cannot be undone.',
      confirmLabel: 'Delete',
      destructive: true,
    });
    if (ok) del.mutate(m.id);
  };

  const newButton = (
    <RequirePermission resource="module" action="create">
      <Button onClick={() => setEditing('new')}>
        <Plus />
        New module
      </Button>
    </RequirePermission>
  );

  return (
    <RequirePermission resource="module" action="read" page>
      <PageHeader title="Modules" description="Groups of endpoints served under one URL prefix." actions={newButton} />
      <div className="mb-4 flex items-center gap-2">
        <div className="relative w-full max-w-xs">
          <Search className="pointer-events-none absolute left-2.5 top-2.5 size-4 text-muted-foreground" />
          <Input
            aria-label="Search modules"
            placeholder="Search by name…"
            className="pl-8"
            defaultValue={q ?? ''}
            onChange={(e) => void navigate({ to: '/dev/modules', search: { q: e.target.value || undefined }, replace: true })}
          />
        </div>
      </div>
      {list.isPending ? (
        <TableSkeleton columns={5} />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.data.length === 0 ? (
        q ? (
          <EmptyState icon={Search} title="No module matches" description={`Nothing is named like "${q}".`} />
        ) : (
          <EmptyState
            icon={Boxes}
            title="No modules yet"
            description="A module groups endpoints under a URL prefix, e.g. /sales/orders. Create one to start building APIs."
            action={newButton}
          />
        )
      ) : (
        <div className="rounded-lg border bg-card">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Name</TableHead>
                <TableHead>Prefix</TableHead>
                <TableHead>Endpoints</TableHead>
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
                    <div className="font-medium">{m.name}</div>
                    {m.description && <div className="max-w-md truncate text-xs text-muted-foreground">{m.description}</div>}
                  </TableCell>
                  <TableCell className="font-mono text-xs">/{m.path_prefix}</TableCell>
                  <TableCell>
                    <Link to="/dev/endpoints" search={{ module: m.id }} className="text-primary hover:underline">
                      {m.endpoint_count}
                    </Link>
                  </TableCell>
                  <TableCell>{m.is_active ? <Badge variant="success">Active</Badge> : <Badge variant="secondary">Inactive</Badge>}</TableCell>
                  <TableCell className="text-muted-foreground">{formatRelative(m.updated_at)}</TableCell>
                  <TableCell>
                    {(can('module', 'update') || can('module', 'delete')) && (
                      <DropdownMenu>
                        <DropdownMenuTrigger asChild>
                          <Button variant="ghost" size="icon" aria-label="Actions">
                            <MoreHorizontal />
                          </Button>
                        </DropdownMenuTrigger>
                        <DropdownMenuContent>
                          {can('module', 'update') && (
                            <DropdownMenuItem onSelect={() => setEditing(m)}>
                              <Pencil />
                              Edit
                            </DropdownMenuItem>
                          )}
                          {can('module', 'delete') && (
                            <DropdownMenuItem className="text-destructive" onSelect={() => void remove(m)}>
                              <Trash2 />
                              Delete
                            </DropdownMenuItem>
                          )}
                        </DropdownMenuContent>
                      </DropdownMenu>
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          {list.data.total > PAGE_SIZE && (
            <div className="flex items-center justify-between border-t px-4 py-2 text-sm text-muted-foreground">
              <span>
                Page {page} of {Math.ceil(list.data.total / PAGE_SIZE)}
              </span>
              <div className="flex gap-2">
                <Button variant="outline" size="sm" disabled={page <= 1} onClick={() => void navigate({ to: '/dev/modules', search: { q, page: page - 1 } })}>
                  Previous
                </Button>
                <Button variant="outline" size="sm" disabled={page * PAGE_SIZE >= list.data.total} onClick={() => void navigate({ to: '/dev/modules', search: { q, page: page + 1 } })}>
                  Next
                </Button>
              </div>
            </div>
          )}
        </div>
      )}
      {editing && <ModuleDialog module={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </RequirePermission>
  );
}

function ModuleDialog({ module, onClose }: { module: Module | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(module?.name ?? '');
  const [prefix, setPrefix] = useState(module?.path_prefix ?? '');
  const [description, setDescription] = useState(module?.description ?? '');
  const [active, setActive] = useState(module?.is_active ?? true);
  const [errors, setErrors] = useState<FieldErrors>({});

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
    onError: (e) => {
      const f = fieldErrors(e, ['name', 'path_prefix', 'prefix', 'description']);
      if (f.prefix) f.path_prefix ??= f.prefix;
      setErrors(f);
      if (!Object.keys(f).length) toast.error(e);
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next: FieldErrors = {};
    if (!name.trim()) next.name = 'Give the module a name';
    if (prefix && !/^[\w\-/.]*$/.test(prefix.trim())) next.path_prefix = 'Use letters, digits, "-", "_", "." and "/" only';
    setErrors(next);
    if (!Object.keys(next).length) save.mutate();
  };

  return (
    <Dialog open onOpenChange={(o) => !o && onClose()}>
      <DialogContent title={module ? `Edit module "${module.name}"` : 'New module'} description="Endpoints of a module are served under its prefix.">
        <form onSubmit={submit} className="space-y-4" noValidate>
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
          <DialogFooter>
            <Button type="button" variant="outline" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {module ? 'Save' : 'Create module'}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
