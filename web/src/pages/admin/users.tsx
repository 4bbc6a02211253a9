/**
 * Users of the admin UI and API: list, create with roles, edit, activate/deactivate, set a new password and
 * delete. The server enforces the rules (no deactivating or deleting yourself, superusers by superusers);
 * its message is shown as it is.
 */
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { KeyRound, Pencil, Plus, Power, Search, Trash2, Users } from 'lucide-react';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { RequirePermission } from '../../auth/require-permission';
import { useCan, useMe } from '../../auth/use-me';
import { qk } from '../../lib/query-keys';
import { formatDate } from '../../lib/format';
import { Button } from '../../components/ui/button';
import { Input } from '../../components/ui/input';
import { Badge } from '../../components/ui/badge';
import { Switch } from '../../components/ui/switch';
import { FormField } from '../../components/ui/form-field';
import { CheckList } from '../../components/ui/check-list';
import { Pager } from '../../components/ui/pager';
import { EmptyState } from '../../components/ui/empty-state';
import { useConfirm } from '../../components/ui/alert-dialog';
import { toast } from '../../components/ui/toast';
import { TableCell } from '../../components/ui/table';
import { ACTIONS_COLUMN, DataTable } from '../../components/data-table';
import { FormDialog } from '../../components/form-dialog';
import { ListPage } from '../../components/list-page';
import { RowActions } from '../../components/row-actions';
import { useDeleteAction } from '../../components/use-delete-action';
import { useFieldErrors } from '../../components/use-field-errors';

type User = components['schemas']['User'];
const route = getRouteApi('/app/admin/users');
const PAGE_SIZE = 20;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function useRoles(enabled: boolean) {
  return useQuery({
    queryKey: qk.roles.list({ all: true }),
    enabled,
    queryFn: () => unwrap(api.POST('/api/v1/roles/list', { body: { page: 1, page_size: 100 } })),
  });
}

export default function UsersPage() {
  const { q, page = 1 } = route.useSearch();
  const navigate = route.useNavigate();
  const queryClient = useQueryClient();
  const confirm = useConfirm();
  const can = useCan();
  const me = useMe();
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [resetting, setResetting] = useState<User | null>(null);

  const list = useQuery({
    queryKey: qk.users.list({ q, page }),
    queryFn: () => unwrap(api.POST('/api/v1/users/list', { body: { page, page_size: PAGE_SIZE, ...(q ? { username__ilike: q } : {}) } })),
  });

  const setActive = useMutation({
    mutationFn: (u: User) => unwrap(api.POST('/api/v1/users/update', { body: { id: u.id, is_active: !u.is_active } })),
    onSuccess: (u) => {
      void queryClient.invalidateQueries({ queryKey: qk.users.all });
      toast.success(u.is_active ? `${u.username} can sign in again` : `${u.username} deactivated; their sessions have ended`);
    },
    onError: (e) => toast.error(e),
  });
  const toggleActive = async (u: User) => {
    if (
      !u.is_active ||
      (await confirm({
        title: `Deactivate ${u.username}?`,
        description: 'They are signed out everywhere and cannot sign in until activated again.',
        confirmLabel: 'Deactivate',
        destructive: true,
      }))
    )
      setActive.mutate(u);
  };

  const remove = useDeleteAction({
    mutationFn: (u: User) => unwrap(api.DELETE('/api/v1/users/delete/{id}', { params: { path: { id: u.id } } })),
    invalidate: [qk.users.all, qk.roles.all],
    confirm: (u) => ({
      title: `Delete user ${u.username}?`,
      description: 'Their account and role assignments are removed. This cannot be undone.',
    }),
    success: 'User deleted',
  });

  const newButton = (
    <RequirePermission resource="user" action="create">
      <Button onClick={() => setEditing('new')}>
        <Plus aria-hidden />
        New user
      </Button>
    </RequirePermission>
  );

  return (
    <ListPage
      resource="user"
      title="Users"
      description="People who sign in to this console and the admin API, and their roles."
      actions={newButton}
      search={{
        label: 'Search users',
        placeholder: 'Search by username…',
        value: q,
        onChange: (v) => void navigate({ to: '.', search: { q: v }, replace: true }),
      }}
    >
      <DataTable
        aria-label="Users"
        query={list}
        rows={list.data?.data}
        columns={[{ header: 'Username' }, { header: 'Full name' }, { header: 'Email' }, { header: 'Roles' }, { header: 'Status' }, { header: 'Created' }, ACTIONS_COLUMN]}
        rowKey={(u) => u.id}
        empty={
          q ? (
            <EmptyState icon={Search} title="No users match" description={`No username is like “${q}”.`} />
          ) : (
            <EmptyState icon={Users} title="No users yet" description="Add the people who manage Portico and give them roles." action={newButton} />
          )
        }
        renderRow={(u) => (
          <>
            <TableCell className="font-medium">
              {u.username}
              {u.id === me.data?.id && <span className="ml-2 text-xs text-muted-foreground">(you)</span>}
            </TableCell>
            <TableCell>{u.full_name || '—'}</TableCell>
            <TableCell className="text-muted-foreground">{u.email || '—'}</TableCell>
            <TableCell>
              <div className="flex flex-wrap gap-1">
                {u.is_superuser && <Badge>Superuser</Badge>}
                {u.roles.map((r) => (
                  <Badge key={r} variant="secondary">
                    {r}
                  </Badge>
                ))}
                {!u.is_superuser && u.roles.length === 0 && <span className="text-muted-foreground">No roles</span>}
              </div>
            </TableCell>
            <TableCell>{u.is_active ? <Badge variant="success">Active</Badge> : <Badge variant="secondary">Inactive</Badge>}</TableCell>
            <TableCell className="whitespace-nowrap text-muted-foreground">{formatDate(u.created_at)}</TableCell>
            <TableCell>
              <RowActions
                name={u.username}
                actions={[
                  { label: 'Edit', icon: Pencil, onSelect: () => setEditing(u), show: can('user', 'update') },
                  { label: 'Set password', icon: KeyRound, onSelect: () => setResetting(u), show: can('user', 'update') },
                  { label: u.is_active ? 'Deactivate' : 'Activate', icon: Power, onSelect: () => void toggleActive(u), show: can('user', 'update') },
                  { label: 'Delete', icon: Trash2, destructive: true, onSelect: () => void remove.ask(u), show: can('user', 'delete') },
                ]}
              />
            </TableCell>
          </>
        )}
        footer={<Pager page={page} pageSize={PAGE_SIZE} total={list.data?.total ?? 0} onPage={(p) => void navigate({ to: '.', search: { q, page: p } })} />}
      />
      {editing && <UserDialog user={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
      {resetting && <PasswordDialog user={resetting} onClose={() => setResetting(null)} />}
    </ListPage>
  );
}

function UserDialog({ user, onClose }: { user: User | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const can = useCan();
  const me = useMe();
  const roles = useRoles(can('role', 'read'));
  const [username, setUsername] = useState(user?.username ?? '');
  const [password, setPassword] = useState('');
  const [email, setEmail] = useState(user?.email ?? '');
  const [fullName, setFullName] = useState(user?.full_name ?? '');
  const [roleIds, setRoleIds] = useState<string[]>(user?.role_ids ?? []);
  const [superuser, setSuperuser] = useState(user?.is_superuser ?? false);
  const { errors, check, onError } = useFieldErrors(['username', 'password', 'email', 'full_name', 'role_ids']);

  const save = useMutation({
    mutationFn: () => {
      const common = {
        email: email.trim() || null,
        full_name: fullName.trim() || null,
        ...(roles.data ? { role_ids: roleIds } : {}),
        ...(me.data?.is_superuser ? { is_superuser: superuser } : {}),
      };
      return user
        ? unwrap(api.POST('/api/v1/users/update', { body: { id: user.id, ...common } }))
        : unwrap(api.POST('/api/v1/users/create', { body: { username: username.trim(), password, ...common } }));
    },
    onSuccess: (u) => {
      void queryClient.invalidateQueries({ queryKey: qk.users.all });
      void queryClient.invalidateQueries({ queryKey: qk.roles.all });
      if (u.id === me.data?.id) void queryClient.invalidateQueries({ queryKey: qk.me });
      toast.success(user ? `${u.username} saved` : `User ${u.username} created`);
      onClose();
    },
    onError,
  });

  const submit = () => {
    const next: Record<string, string> = {};
    if (!user && !username.trim()) next.username = 'Enter a username';
    if (!user && password.length < 8) next.password = 'The password needs at least 8 characters';
    if (email.trim() && !EMAIL.test(email.trim())) next.email = 'Enter a valid email address';
    if (check(next)) save.mutate();
  };

  return (
    <FormDialog
      title={user ? `Edit ${user.username}` : 'New user'}
      description={user ? undefined : 'They sign in with this username and password.'}
      onClose={onClose}
      onSubmit={submit}
      submitLabel={user ? 'Save' : 'Create user'}
      pending={save.isPending}
    >
      {!user && (
        <>
          <FormField label="Username" error={errors.username} required>
            <Input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" autoFocus />
          </FormField>
          <FormField label="Password" error={errors.password} required hint="At least 8 characters.">
            <Input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />
          </FormField>
        </>
      )}
      <FormField label="Full name" error={errors.full_name}>
        <Input value={fullName} onChange={(e) => setFullName(e.target.value)} />
      </FormField>
      <FormField label="Email" error={errors.email}>
        <Input type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
      </FormField>
      {roles.data && (
        <CheckList
          label="Roles"
          items={roles.data.data.map((r) => ({ id: r.id, label: r.name, hint: r.description ?? undefined }))}
          value={roleIds}
          onChange={setRoleIds}
          empty="No roles yet."
        />
      )}
      {errors.role_ids && (
        <p role="alert" className="text-xs font-medium text-destructive">
          {errors.role_ids}
        </p>
      )}
      {me.data?.is_superuser && (
        <FormField label="Superuser" inline hint="A superuser may do everything, whatever their roles.">
          <Switch checked={superuser} onCheckedChange={setSuperuser} />
        </FormField>
      )}
    </FormDialog>
  );
}

function PasswordDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const [password, setPassword] = useState('');
  const [confirmPw, setConfirmPw] = useState('');
  const { errors, check, onError } = useFieldErrors(['password']);
  const save = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/users/update', { body: { id: user.id, password } })),
    onSuccess: () => {
      toast.success(`New password set for ${user.username}; their sessions have ended`);
      onClose();
    },
    onError,
  });
  return (
    <FormDialog
      title={`Set a new password for ${user.username}`}
      description="Their current sessions end; tell them the new password."
      onClose={onClose}
      onSubmit={() => {
        if (password.length < 8) check({ password: 'The password needs at least 8 characters' });
        else if (password !== confirmPw) check({ confirm: 'The passwords do not match' });
        else if (check({})) save.mutate();
      }}
      submitLabel="Set password"
      pending={save.isPending}
    >
      <FormField label="New password" error={errors.password} required>
        <Input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" autoFocus />
      </FormField>
      <FormField label="Confirm new password" error={errors.confirm} required>
        <Input type="password" value={confirmPw} onChange={(e) => setConfirmPw(e.target.value)} autoComplete="new-password" />
      </FormField>
    </FormDialog>
  );
}
