/**
 * Groups: sets of gateway clients sharing grants to modules and endpoints. The list, a dialog to create or edit
 * one (name, description, active, its grants and members) and a details view of what the group grants.
 */
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { Boxes, FileCode2, KeyRound, Pencil, Plus, Search, Trash2, UsersRound } from 'lucide-react';
import { api, unwrap } from '../../api/client';
import { fieldErrors, type FieldErrors } from '../../api/errors';
import { RequirePermission } from '../../auth/require-permission';
import { useCan } from '../../auth/use-me';
import { qk } from '../../lib/query-keys';
import { formatDate } from '../../lib/format';
import { Button } from '../../components/ui/button';
import { Input } from '../../components/ui/input';
import { Textarea } from '../../components/ui/textarea';
import { Badge } from '../../components/ui/badge';
import { Switch } from '../../components/ui/switch';
import { FormField } from '../../components/ui/form-field';
import { CheckList } from '../../components/ui/check-list';
import { Pager } from '../../components/ui/pager';
import { Skeleton } from '../../components/ui/skeleton';
import { EmptyState, ErrorState } from '../../components/ui/empty-state';
import { Dialog, DialogContent, DialogFooter } from '../../components/ui/dialog';
import { toast } from '../../components/ui/toast';
import { TableCell } from '../../components/ui/table';
import { ACTIONS_COLUMN, DataTable } from '../../components/data-table';
import { ListPage } from '../../components/list-page';
import { RowActions } from '../../components/row-actions';
import { useDeleteAction } from '../../components/use-delete-action';
import {
  byId,
  clientItems,
  endpointItems,
  moduleItems,
  useAllClients,
  useAllEndpoints,
  useAllModules,
  type Group,
  type GroupDetail,
} from './lookups';

const route = getRouteApi('/app/system/groups');
const PAGE_SIZE = 20;

export default function GroupsPage() {
  const { q, page = 1 } = route.useSearch();
  const navigate = route.useNavigate();
  const can = useCan();
  const [editing, setEditing] = useState<{ id?: string } | null>(null);
  const [viewing, setViewing] = useState<string | null>(null);

  const list = useQuery({
    queryKey: qk.groups.list({ q, page }),
    queryFn: () => unwrap(api.POST('/api/v1/groups/list', { body: { page, page_size: PAGE_SIZE, ...(q ? { name__ilike: q } : {}) } })),
  });

  const remove = useDeleteAction({
    mutationFn: (g: Group) => unwrap(api.DELETE('/api/v1/groups/delete/{id}', { params: { path: { id: g.id } } })),
    invalidate: [qk.groups.all, qk.clients.all],
    confirm: (g) => ({
      title: `Delete group "${g.name}"?`,
      description: 'Its clients lose every grant they had through this group. The clients themselves are kept.',
    }),
    success: 'Group deleted',
  });

  const newButton = (
    <RequirePermission resource="group" action="create">
      <Button onClick={() => setEditing({})}>
        <Plus aria-hidden />
        New group
      </Button>
    </RequirePermission>
  );

  return (
    <ListPage
      resource="group"
      title="Groups"
      description="Sets of gateway clients that share grants to modules and endpoints."
      actions={newButton}
      search={{ label: 'Search groups', value: q, onChange: (v) => void navigate({ to: '.', search: { q: v }, replace: true }) }}
    >
      <DataTable
        query={list}
        rows={list.data?.data}
        columns={[{ header: 'Name' }, { header: 'Description' }, { header: 'Status' }, { header: 'Created' }, ACTIONS_COLUMN]}
        rowKey={(g) => g.id}
        empty={
          q ? (
            <EmptyState icon={Search} title="No groups match" description={`Nothing is named like “${q}”.`} />
          ) : (
            <EmptyState
              icon={UsersRound}
              title="No groups yet"
              description="A group grants its clients access to modules and endpoints in one place, instead of client by client."
              action={newButton}
            />
          )
        }
        renderRow={(g) => (
          <>
            <TableCell>
              <button type="button" className="font-medium text-primary hover:underline" onClick={() => setViewing(g.id)}>
                {g.name}
              </button>
            </TableCell>
            <TableCell className="max-w-md truncate text-muted-foreground">{g.description || '—'}</TableCell>
            <TableCell>{g.is_active ? <Badge variant="success">Active</Badge> : <Badge variant="secondary">Inactive</Badge>}</TableCell>
            <TableCell className="whitespace-nowrap text-muted-foreground">{formatDate(g.created_at)}</TableCell>
            <TableCell>
              <RowActions
                name={g.name}
                actions={[
                  { label: 'Edit', icon: Pencil, onSelect: () => setEditing({ id: g.id }), show: can('group', 'update') },
                  { label: 'Delete', icon: Trash2, destructive: true, onSelect: () => void remove.ask(g), show: can('group', 'delete') },
                ]}
              />
            </TableCell>
          </>
        )}
        footer={<Pager page={page} pageSize={PAGE_SIZE} total={list.data?.total ?? 0} onPage={(p) => void navigate({ to: '.', search: { q, page: p } })} />}
      />
      {editing && <GroupFormDialog id={editing.id} onClose={() => setEditing(null)} />}
      {viewing && (
        <GroupViewDialog
          id={viewing}
          onClose={() => setViewing(null)}
          onEdit={() => {
            setEditing({ id: viewing });
            setViewing(null);
          }}
        />
      )}
    </ListPage>
  );
}

interface Draft {
  name: string;
  description: string;
  is_active: boolean;
  module_ids: string[];
  api_assignment_ids: string[];
  client_ids: string[];
}

const emptyDraft: Draft = { name: '', description: '', is_active: true, module_ids: [], api_assignment_ids: [], client_ids: [] };

function useGroup(id: string | undefined) {
  return useQuery({
    queryKey: qk.groups.detail(id ?? ''),
    enabled: !!id,
    queryFn: () => unwrap(api.GET('/api/v1/groups/{id}', { params: { path: { id: id! } } })),
  });
}

function GroupFormDialog({ id, onClose }: { id?: string; onClose: () => void }) {
  const existing = useGroup(id);
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent
        title={id ? 'Edit group' : 'New group'}
        description="What the group grants applies to every client in it while the group is active."
        className="max-w-2xl"
      >
        {id && existing.isPending ? (
          <div className="space-y-3" role="status" aria-label="Loading">
            <Skeleton className="h-9 w-full" />
            <Skeleton className="h-20 w-full" />
            <Skeleton className="h-40 w-full" />
          </div>
        ) : id && existing.isError ? (
          <ErrorState error={existing.error} onRetry={() => void existing.refetch()} />
        ) : (
          <GroupForm id={id} initial={existing.data ? toDraft(existing.data) : emptyDraft} onClose={onClose} />
        )}
      </DialogContent>
    </Dialog>
  );
}

const toDraft = (g: GroupDetail): Draft => ({
  name: g.name,
  description: g.description ?? '',
  is_active: g.is_active,
  module_ids: g.module_ids,
  api_assignment_ids: g.api_assignment_ids,
  client_ids: g.client_ids,
});

function GroupForm({ id, initial, onClose }: { id?: string; initial: Draft; onClose: () => void }) {
  const queryClient = useQueryClient();
  const can = useCan();
  const [draft, setDraft] = useState<Draft>(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const modules = useAllModules(can('module', 'read'));
  const endpoints = useAllEndpoints(can('api_assignment', 'read'));
  const clients = useAllClients(can('client', 'read'));
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  const save = useMutation({
    mutationFn: () => {
      const body = {
        name: draft.name.trim(),
        description: draft.description.trim() || null,
        is_active: draft.is_active,
        ...(modules.data ? { module_ids: draft.module_ids } : {}),
        ...(endpoints.data ? { api_assignment_ids: draft.api_assignment_ids } : {}),
        ...(clients.data ? { client_ids: draft.client_ids } : {}),
      };
      return id
        ? unwrap(api.POST('/api/v1/groups/update', { body: { id, ...body } }))
        : unwrap(api.POST('/api/v1/groups/create', { body }));
    },
    onSuccess: (g) => {
      void queryClient.invalidateQueries({ queryKey: qk.groups.all });
      void queryClient.invalidateQueries({ queryKey: qk.clients.all });
      toast.success(id ? `Group "${g.name}" saved` : `Group "${g.name}" created`);
      onClose();
    },
    onError: (e) => {
      const f = fieldErrors(e, ['name', 'description']);
      setErrors(f);
      if (!Object.keys(f).length) toast.error(e);
    },
  });

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const next: FieldErrors = {};
    if (!draft.name.trim()) next.name = 'Give the group a name';
    setErrors(next);
    if (!Object.keys(next).length) save.mutate();
  };

  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      <FormField label="Name" error={errors.name} required>
        <Input value={draft.name} onChange={(e) => set('name', e.target.value)} autoFocus maxLength={255} />
      </FormField>
      <FormField label="Description" error={errors.description}>
        <Textarea value={draft.description} onChange={(e) => set('description', e.target.value)} rows={2} />
      </FormField>
      <FormField label="Active" inline hint="An inactive group grants nothing.">
        <Switch checked={draft.is_active} onCheckedChange={(v) => set('is_active', v)} />
      </FormField>
      <div className="grid gap-4 sm:grid-cols-2">
        {modules.data && (
          <CheckList
            label="Modules"
            items={moduleItems(modules.data)}
            value={draft.module_ids}
            onChange={(v) => set('module_ids', v)}
            empty="No modules yet."
          />
        )}
        {endpoints.data && (
          <CheckList
            label="Endpoints"
            items={endpointItems(endpoints.data)}
            value={draft.api_assignment_ids}
            onChange={(v) => set('api_assignment_ids', v)}
            empty="No endpoints yet."
          />
        )}
      </div>
      {clients.data && (
        <CheckList label="Clients" items={clientItems(clients.data)} value={draft.client_ids} onChange={(v) => set('client_ids', v)} empty="No clients yet." />
      )}
      <DialogFooter>
        <Button variant="outline" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" loading={save.isPending}>
          {id ? 'Save' : 'Create group'}
        </Button>
      </DialogFooter>
    </form>
  );
}

function GroupViewDialog({ id, onClose, onEdit }: { id: string; onClose: () => void; onEdit: () => void }) {
  const group = useGroup(id);
  const can = useCan();
  const modules = useAllModules(can('module', 'read'));
  const endpoints = useAllEndpoints(can('api_assignment', 'read'));
  const clients = useAllClients(can('client', 'read'));
  const mods = byId(modules.data);
  const eps = byId(endpoints.data);
  const cls = byId(clients.data);
  const g = group.data;

  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent title={g ? `Group ${g.name}` : 'Group'} description={g?.description || 'What this group grants and who is in it.'} className="max-w-2xl">
        {group.isPending ? (
          <div className="space-y-3" role="status" aria-label="Loading">
            <Skeleton className="h-24 w-full" />
            <Skeleton className="h-24 w-full" />
          </div>
        ) : group.isError ? (
          <ErrorState error={group.error} onRetry={() => void group.refetch()} />
        ) : (
          <div className="space-y-5">
            <div className="flex items-center gap-2 text-sm">
              {group.data.is_active ? <Badge variant="success">Active</Badge> : <Badge variant="secondary">Inactive</Badge>}
              <span className="text-muted-foreground">Created {formatDate(group.data.created_at)}</span>
            </div>
            <Section title="Modules" icon={Boxes} empty="No module is granted: add one to give every client in the group all its endpoints.">
              {group.data.module_ids.map((mid) => {
                const m = mods.get(mid);
                return (
                  <li key={mid} className="flex items-baseline justify-between gap-2">
                    <span className="font-medium">{m?.name ?? mid}</span>
                    {m && <code className="text-xs text-muted-foreground">/{m.path_prefix}</code>}
                  </li>
                );
              })}
            </Section>
            <Section title="Endpoints" icon={FileCode2} empty="No single endpoint is granted.">
              {group.data.api_assignment_ids.map((eid) => {
                const e = eps.get(eid);
                return (
                  <li key={eid} className="flex items-baseline justify-between gap-2">
                    <Link to="/dev/endpoints/$id" params={{ id: eid }} className="font-medium hover:underline">
                      {e?.name ?? eid}
                    </Link>
                    {e && (
                      <code className="text-xs text-muted-foreground">
                        {e.http_method} {e.full_path}
                      </code>
                    )}
                  </li>
                );
              })}
            </Section>
            <Section title="Clients" icon={KeyRound} empty="No client is in this group yet.">
              {group.data.client_ids.map((cid) => (
                <li key={cid}>
                  <Link to="/system/clients/$id" params={{ id: cid }} className="font-medium hover:underline">
                    {cls.get(cid)?.name ?? cid}
                  </Link>
                </li>
              ))}
            </Section>
          </div>
        )}
        <DialogFooter>
          <Button variant="outline" onClick={onClose}>
            Close
          </Button>
          {can('group', 'update') && g && (
            <Button onClick={onEdit}>
              <Pencil aria-hidden />
              Edit
            </Button>
          )}
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function Section(props: { title: string; icon: React.ComponentType<{ className?: string }>; empty: string; children: React.ReactNode[] }) {
  const Icon = props.icon;
  return (
    <section aria-label={props.title}>
      <h3 className="mb-2 flex items-center gap-2 text-sm font-semibold">
        <Icon className="size-4 text-muted-foreground" />
        {props.title}
        <Badge variant="secondary">{props.children.length}</Badge>
      </h3>
      {props.children.length === 0 ? (
        <p className="rounded-md border border-dashed px-3 py-2 text-sm text-muted-foreground">{props.empty}</p>
      ) : (
        <ul className="space-y-1.5 rounded-md border px-3 py-2 text-sm">{props.children}</ul>
      )}
    </section>
  );
}
