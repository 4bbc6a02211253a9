/**
 * Roles and their permission matrix: resource types × actions as a grid of checkboxes, plus the permissions a
 * role holds on single objects. System roles keep their name and cannot be deleted (the server's rule).
 */
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { Lock, Pencil, Plus, Search, ShieldCheck, Trash2, X } from 'lucide-react';
import { api, unwrap } from '../../api/client';
import { fieldErrors, type FieldErrors } from '../../api/errors';
import type { components } from '../../api/schema';
import { RequirePermission } from '../../auth/require-permission';
import { useCan } from '../../auth/use-me';
import { qk } from '../../lib/query-keys';
import { formatDate, formatNumber } from '../../lib/format';
import { Button } from '../../components/ui/button';
import { Input } from '../../components/ui/input';
import { Textarea } from '../../components/ui/textarea';
import { Badge } from '../../components/ui/badge';
import { Checkbox } from '../../components/ui/checkbox';
import { FormField } from '../../components/ui/form-field';
import { Pager } from '../../components/ui/pager';
import { Skeleton } from '../../components/ui/skeleton';
import { EmptyState, ErrorState } from '../../components/ui/empty-state';
import { Dialog, DialogContent, DialogFooter } from '../../components/ui/dialog';
import { toast } from '../../components/ui/toast';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table';
import { ACTIONS_COLUMN, DataTable } from '../../components/data-table';
import { ListPage } from '../../components/list-page';
import { RowActions } from '../../components/row-actions';
import { useDeleteAction } from '../../components/use-delete-action';

type Role = components['schemas']['Role'];
type Permission = components['schemas']['RolePermission'];
const route = getRouteApi('/app/admin/roles');
const PAGE_SIZE = 20;

const RESOURCE_LABELS: Record<string, string> = {
  datasource: 'Connections',
  module: 'Modules',
  api_assignment: 'Endpoints',
  macro_def: 'Macros',
  group: 'Groups',
  client: 'Clients',
  firewall: 'Firewall',
  access_log: 'Access logs',
  overview: 'Dashboard',
  user: 'Users',
  role: 'Roles',
};
const label = (r: string) => RESOURCE_LABELS[r] ?? r;
const key = (p: { resource_type: string; action: string }) => `${p.resource_type}:${p.action}`;

export default function RolesPage() {
  const { q, page = 1 } = route.useSearch();
  const navigate = route.useNavigate();
  const can = useCan();
  const [editing, setEditing] = useState<{ id?: string } | null>(null);

  const list = useQuery({
    queryKey: qk.roles.list({ q, page }),
    queryFn: () => unwrap(api.POST('/api/v1/roles/list', { body: { page, page_size: PAGE_SIZE, ...(q ? { name__ilike: q } : {}) } })),
  });

  const remove = useDeleteAction({
    mutationFn: (r: Role) => unwrap(api.DELETE('/api/v1/roles/delete/{id}', { params: { path: { id: r.id } } })),
    invalidate: [qk.roles.all, qk.users.all],
    confirm: (r) => ({
      title: `Delete role "${r.name}"?`,
      description:
        r.user_count > 0 ? `${r.user_count} user(s) have it and lose its permissions. This cannot be undone.` : 'No user has it. This cannot be undone.',
    }),
    success: (_r, res) => res.message,
  });

  const newButton = (
    <RequirePermission resource="role" action="create">
      <Button onClick={() => setEditing({})}>
        <Plus aria-hidden />
        New role
      </Button>
    </RequirePermission>
  );

  return (
    <ListPage
      resource="role"
      title="Roles"
      description="Named sets of permissions; users get what their roles allow."
      actions={newButton}
      search={{ label: 'Search roles', value: q, onChange: (v) => void navigate({ to: '.', search: { q: v }, replace: true }) }}
    >
      <DataTable
        aria-label="Roles"
        query={list}
        rows={list.data?.data}
        columns={[{ header: 'Name' }, { header: 'Description' }, { header: 'Users', className: 'text-right' }, { header: 'Created' }, ACTIONS_COLUMN]}
        rowKey={(r) => r.id}
        empty={
          q ? (
            <EmptyState icon={Search} title="No roles match" description={`Nothing is named like “${q}”.`} />
          ) : (
            <EmptyState icon={ShieldCheck} title="No roles yet" description="Create a role, tick what it may do, then give it to users." action={newButton} />
          )
        }
        renderRow={(r) => (
          <>
            <TableCell>
              <button type="button" className="font-medium text-primary hover:underline" onClick={() => setEditing({ id: r.id })}>
                {r.name}
              </button>
              {r.is_system && (
                <Badge variant="secondary" className="ml-2">
                  <Lock className="size-3" aria-hidden />
                  System
                </Badge>
              )}
            </TableCell>
            <TableCell className="max-w-md truncate text-muted-foreground">{r.description || '—'}</TableCell>
            <TableCell className="text-right tabular-nums">{formatNumber(r.user_count)}</TableCell>
            <TableCell className="whitespace-nowrap text-muted-foreground">{formatDate(r.created_at)}</TableCell>
            <TableCell>
              <RowActions
                name={r.name}
                actions={[
                  { label: 'Edit permissions', icon: Pencil, onSelect: () => setEditing({ id: r.id }), show: can('role', 'update') },
                  { label: 'Delete', icon: Trash2, destructive: true, onSelect: () => void remove.ask(r), show: can('role', 'delete') && !r.is_system },
                ]}
              />
            </TableCell>
          </>
        )}
        footer={<Pager page={page} pageSize={PAGE_SIZE} total={list.data?.total ?? 0} onPage={(p) => void navigate({ to: '.', search: { q, page: p } })} />}
      />
      {editing && <RoleDialog id={editing.id} onClose={() => setEditing(null)} />}
    </ListPage>
  );
}

function RoleDialog({ id, onClose }: { id?: string; onClose: () => void }) {
  const role = useQuery({
    queryKey: qk.roles.detail(id ?? ''),
    enabled: !!id,
    queryFn: () => unwrap(api.GET('/api/v1/roles/{id}', { params: { path: { id: id! } } })),
  });
  const matrix = useQuery({
    queryKey: qk.roles.sub('matrix', 'matrix'),
    queryFn: () => unwrap(api.GET('/api/v1/roles/permission-matrix')),
    staleTime: Infinity,
  });
  const loading = (id && role.isPending) || matrix.isPending;
  const error = (id && role.isError ? role.error : null) ?? (matrix.isError ? matrix.error : null);
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()}>
      <DialogContent
        title={id ? (role.data ? `Role ${role.data.name}` : 'Role') : 'New role'}
        description="Tick what holders of this role may do. A permission on a resource type covers every object of it."
        className="max-w-4xl"
      >
        {loading ? (
          <div className="space-y-3" role="status" aria-label="Loading">
            <Skeleton className="h-9 w-full" />
            <Skeleton className="h-72 w-full" />
          </div>
        ) : error ? (
          <ErrorState error={error} onRetry={() => void (role.refetch(), matrix.refetch())} />
        ) : (
          <RoleForm
            id={id}
            isSystem={role.data?.is_system ?? false}
            initial={{
              name: role.data?.name ?? '',
              description: role.data?.description ?? '',
              permissions: role.data?.permissions ?? [],
            }}
            resources={matrix.data!.resource_types}
            actions={matrix.data!.actions}
            onClose={onClose}
          />
        )}
      </DialogContent>
    </Dialog>
  );
}

function RoleForm(props: {
  id?: string;
  isSystem: boolean;
  initial: { name: string; description: string; permissions: Permission[] };
  resources: string[];
  actions: string[];
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const can = useCan();
  const canEdit = props.id ? can('role', 'update') : can('role', 'create');
  const [name, setName] = useState(props.initial.name);
  const [description, setDescription] = useState(props.initial.description);
  const [global, setGlobal] = useState(() => new Set(props.initial.permissions.filter((p) => !p.resource_id).map(key)));
  const [objects, setObjects] = useState(() => props.initial.permissions.filter((p) => p.resource_id));
  const [errors, setErrors] = useState<FieldErrors>({});

  const toggle = (k: string, on: boolean) =>
    setGlobal((s) => {
      const next = new Set(s);
      if (on) next.add(k);
      else next.delete(k);
      return next;
    });
  const toggleRow = (resource: string, on: boolean) =>
    setGlobal((s) => {
      const next = new Set(s);
      for (const a of props.actions) {
        if (on) next.add(`${resource}:${a}`);
        else next.delete(`${resource}:${a}`);
      }
      return next;
    });

  const save = useMutation({
    mutationFn: () => {
      const permissions = [
        ...[...global].map((k) => {
          const [resource_type = '', action = ''] = k.split(':');
          return { resource_type, action, resource_id: null };
        }),
        ...objects.map((p) => ({ resource_type: p.resource_type, action: p.action, resource_id: p.resource_id })),
      ];
      const body = {
        ...(props.isSystem ? {} : { name: name.trim() }),
        description: description.trim() || null,
        permissions,
      };
      return props.id
        ? unwrap(api.POST('/api/v1/roles/update', { body: { id: props.id, ...body } }))
        : unwrap(api.POST('/api/v1/roles/create', { body: { ...body, name: name.trim() } }));
    },
    onSuccess: (r) => {
      void queryClient.invalidateQueries({ queryKey: qk.roles.all });
      void queryClient.invalidateQueries({ queryKey: qk.me });
      toast.success(props.id ? `Role "${r.name}" saved` : `Role "${r.name}" created`);
      props.onClose();
    },
    onError: (e) => {
      const f = fieldErrors(e, ['name', 'description', 'permissions']);
      setErrors(f);
      if (!Object.keys(f).length || (f.permissions && Object.keys(f).length === 1)) toast.error(e);
    },
  });

  return (
    <form
      className="space-y-4"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const next: FieldErrors = {};
        if (!name.trim()) next.name = 'Give the role a name';
        setErrors(next);
        if (!Object.keys(next).length) save.mutate();
      }}
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField label="Name" error={errors.name} required hint={props.isSystem ? 'A system role keeps its name.' : undefined}>
          <Input value={name} onChange={(e) => setName(e.target.value)} disabled={props.isSystem || !canEdit} maxLength={255} />
        </FormField>
        <FormField label="Description" error={errors.description}>
          <Textarea value={description} onChange={(e) => setDescription(e.target.value)} rows={1} className="min-h-9" disabled={!canEdit} />
        </FormField>
      </div>
      <div className="overflow-x-auto rounded-lg border">
        <table className="w-full text-sm" aria-label="Permission matrix">
          <thead className="bg-muted/50">
            <tr className="border-b">
              <th scope="col" className="h-9 px-3 text-left text-xs font-medium uppercase tracking-wide text-muted-foreground">
                Resource
              </th>
              {props.actions.map((a) => (
                <th key={a} scope="col" className="h-9 px-2 text-center text-xs font-medium uppercase tracking-wide text-muted-foreground">
                  {a}
                </th>
              ))}
              <th scope="col" className="h-9 px-2 text-center text-xs font-medium uppercase tracking-wide text-muted-foreground">
                All
              </th>
            </tr>
          </thead>
          <tbody>
            {props.resources.map((r) => {
              const all = props.actions.every((a) => global.has(`${r}:${a}`));
              return (
                <tr key={r} className="border-b last:border-0 hover:bg-muted/30">
                  <th scope="row" className="px-3 py-2 text-left font-medium">
                    {label(r)}
                    <code className="ml-2 text-xs font-normal text-muted-foreground">{r}</code>
                  </th>
                  {props.actions.map((a) => (
                    <td key={a} className="px-2 py-2 text-center">
                      <Checkbox
                        aria-label={`${r} ${a}`}
                        checked={global.has(`${r}:${a}`)}
                        disabled={!canEdit}
                        onCheckedChange={(c) => toggle(`${r}:${a}`, c === true)}
                      />
                    </td>
                  ))}
                  <td className="px-2 py-2 text-center">
                    <Checkbox aria-label={`${r} all actions`} checked={all} disabled={!canEdit} onCheckedChange={(c) => toggleRow(r, c === true)} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {errors.permissions && (
        <p role="alert" className="text-xs font-medium text-destructive">
          {errors.permissions}
        </p>
      )}
      <section aria-label="Permissions on single objects" className="space-y-2">
        <h3 className="text-sm font-semibold">Permissions on single objects</h3>
        {objects.length === 0 ? (
          <p className="text-sm text-muted-foreground">None. Per-object permissions are granted through the API (a permission with a resource_id).</p>
        ) : (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Resource</TableHead>
                <TableHead>Action</TableHead>
                <TableHead>Object id</TableHead>
                <TableHead className="w-12">
                  <span className="sr-only">Remove</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {objects.map((p) => (
                <TableRow key={`${key(p)}:${p.resource_id}`}>
                  <TableCell>{label(p.resource_type)}</TableCell>
                  <TableCell>{p.action}</TableCell>
                  <TableCell>
                    <code className="text-xs">{p.resource_id}</code>
                  </TableCell>
                  <TableCell>
                    {canEdit && (
                      <Button
                        variant="ghost"
                        size="icon"
                        aria-label={`Remove ${p.resource_type} ${p.action} on ${p.resource_id}`}
                        onClick={() => setObjects((o) => o.filter((x) => x !== p))}
                      >
                        <X aria-hidden />
                      </Button>
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </section>
      <DialogFooter>
        <Button variant="outline" onClick={props.onClose}>
          {canEdit ? 'Cancel' : 'Close'}
        </Button>
        {canEdit && (
          <Button type="submit" loading={save.isPending}>
            {props.id ? 'Save' : 'Create role'}
          </Button>
        )}
      </DialogFooter>
    </form>
  );
}
