/**
 * One gateway client: settings and limits, its grants (groups, modules, endpoints), the endpoints it can call
 * and why (directly, through a group, through a module), and the secret, activation and delete actions.
 */
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { ArrowLeft, FileCode2, Power, RefreshCw, Trash2, UsersRound } from 'lucide-react';
import { api, unwrap } from '../../api/client';
import { fieldErrors, type FieldErrors } from '../../api/errors';
import { RequirePermission } from '../../auth/require-permission';
import { useCan } from '../../auth/use-me';
import { qk } from '../../lib/query-keys';
import { formatDateTime } from '../../lib/format';
import { PageHeader } from '../../components/ui/page-header';
import { Button } from '../../components/ui/button';
import { Badge } from '../../components/ui/badge';
import { CheckList } from '../../components/ui/check-list';
import { CopyButton } from '../../components/ui/copy-button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card';
import { Skeleton } from '../../components/ui/skeleton';
import { EmptyState, ErrorState } from '../../components/ui/empty-state';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '../../components/ui/tabs';
import { useConfirm } from '../../components/ui/alert-dialog';
import { toast } from '../../components/ui/toast';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table';
import { ClientFields, CLIENT_FIELDS, numOrNull, validateClient, type ClientDraft } from './client-form';
import { SecretDialog, type ShownSecret } from './secret-dialog';
import { endpointItems, groupItems, moduleItems, useAllEndpoints, useAllGroups, useAllModules, type ClientDetail, type Schemas } from './lookups';

const route = getRouteApi('/app/system/clients/$id');

export default function ClientDetailPage() {
  const { id } = route.useParams();
  const { tab = 'settings' } = route.useSearch();
  const navigate = useNavigate();
  
  const queryClient = useQueryClient();
  const confirm = useConfirm();
  const can = useCan();
  const [secret, setSecret] = useState<ShownSecret | null>(null);

  const client = useQuery({
    queryKey: qk.clients.detail(id),
    queryFn: () => unwrap(api.GET('/api/v1/clients/{id}', { params: { path: { id } } })),
  });

  const refreshAll = () => {
    void queryClient.invalidateQueries({ queryKey: qk.clients.all });
    void queryClient.invalidateQueries({ queryKey: qk.groups.all });
  };

  const regenerate = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/clients/regenerate-secret', { body: { id } })),
    onSuccess: (s) => {
      toast.success('New secret generated; the old one no longer works');
      setSecret({ title: 'New client secret', client_id: s.client_id, client_secret: s.client_secret });
    },
    onError: (e) => toast.error(e),
  });

  const setActive = useMutation({
    mutationFn: (is_active: boolean) => unwrap(api.POST('/api/v1/clients/update', { body: { id, is_active } })),
    onSuccess: (c) => {
      refreshAll();
      toast.success(c.is_active ? `Client "${c.name}" activated` : `Client "${c.name}" deactivated`);
    },
    onError: (e) => toast.error(e),
  });

  const del = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/clients/delete/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      refreshAll();
      toast.success('Client deleted');
      void navigate({ to: '/system/clients' });
    },
    onError: (e) => toast.error(e),
  });

  const back = (
    <Link to="/system/clients" className="mb-3 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground">
      <ArrowLeft className="size-4" aria-hidden />
      Clients
    </Link>
  );

  if (client.isPending) {
    return (
      <div className="space-y-4" role="status" aria-label="Loading client">
        {back}
        <Skeleton className="h-8 w-64" />
        <Skeleton className="h-4 w-96" />
        <Skeleton className="h-64 w-full" />
      </div>
    );
  }
  if (client.isError) {
    return (
      <>
        {back}
        <ErrorState title="Could not load this client" error={client.error} onRetry={() => void client.refetch()} />
      </>
    );
  }
  const c = client.data;

  return (
    <RequirePermission resource="client" action="read" page>
      {back}
      <PageHeader
        title={c.name}
        description={c.description || 'A gateway client.'}
        actions={
          <>
            <RequirePermission resource="client" action="update">
              <Button variant="outline" loading={setActive.isPending} onClick={() => setActive.mutate(!c.is_active)}>
                <Power aria-hidden />
                {c.is_active ? 'Deactivate' : 'Activate'}
              </Button>
              <Button
                variant="outline"
                loading={regenerate.isPending}
                onClick={async () => {
                  if (
                    await confirm({
                      title: 'Regenerate the secret?',
                      description: 'The current secret stops working at once; tokens already issued stay valid until they expire. The new secret is shown once.',
                      confirmLabel: 'Regenerate',
                    })
                  )
                    regenerate.mutate();
                }}
              >
                <RefreshCw aria-hidden />
                Regenerate secret
              </Button>
            </RequirePermission>
            <RequirePermission resource="client" action="delete">
              <Button
                variant="destructive"
                loading={del.isPending}
                onClick={async () => {
                  if (
                    await confirm({
                      title: `Delete client "${c.name}"?`,
                      description: 'Applications using it can no longer get gateway tokens. This cannot be undone.',
                      confirmLabel: 'Delete',
                      destructive: true,
                    })
                  )
                    del.mutate();
                }}
              >
                <Trash2 aria-hidden />
                Delete
              </Button>
            </RequirePermission>
          </>
        }
      >
        <div className="flex flex-wrap items-center gap-2 pt-1 text-sm">
          {c.is_active ? <Badge variant="success">Active</Badge> : <Badge variant="secondary">Inactive</Badge>}
          <span className="text-muted-foreground">Client ID</span>
          <code className="rounded bg-muted px-1.5 py-0.5 text-xs" data-testid="client-id">
            {c.client_id}
          </code>
          <CopyButton value={c.client_id} label="Copy client ID" className="size-7" />
        </div>
      </PageHeader>

      <Tabs value={tab} onValueChange={(t) => void navigate({ to: '/system/clients/$id', params: { id }, search: { tab: t }, replace: true })}>
        <TabsList>
          <TabsTrigger value="settings">Settings</TabsTrigger>
          <TabsTrigger value="access">Access</TabsTrigger>
          <TabsTrigger value="endpoints">Effective endpoints</TabsTrigger>
        </TabsList>
        <TabsContent value="settings">
          <SettingsTab client={c} canEdit={can('client', 'update')} onSaved={refreshAll} />
        </TabsContent>
        <TabsContent value="access">
          <AccessTab client={c} canEdit={can('client', 'update')} onSaved={refreshAll} />
        </TabsContent>
        <TabsContent value="endpoints">
          <EffectiveTab client={c} />
        </TabsContent>
      </Tabs>
      {secret && <SecretDialog secret={secret} onClose={() => setSecret(null)} />}
    </RequirePermission>
  );
}

function SettingsTab({ client, canEdit, onSaved }: { client: ClientDetail; canEdit: boolean; onSaved: () => void }) {
  const [draft, setDraft] = useState<ClientDraft>(() => ({
    name: client.name,
    description: client.description ?? '',
    rate_limit_per_minute: client.rate_limit_per_minute?.toString() ?? '',
    max_concurrent: client.max_concurrent?.toString() ?? '',
    token_expire_seconds: String(client.token_expire_seconds),
  }));
  const [errors, setErrors] = useState<FieldErrors>({});
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/clients/update', {
          body: {
            id: client.id,
            name: draft.name.trim(),
            description: draft.description.trim() || null,
            rate_limit_per_minute: numOrNull(draft.rate_limit_per_minute),
            max_concurrent: numOrNull(draft.max_concurrent),
            token_expire_seconds: Number(draft.token_expire_seconds),
          },
        }),
      ),
    onSuccess: () => {
      onSaved();
      toast.success('Client saved');
    },
    onError: (e) => {
      const f = fieldErrors(e, CLIENT_FIELDS);
      setErrors(f);
      if (!Object.keys(f).length) toast.error(e);
    },
  });
  return (
    <Card className="max-w-2xl">
      <CardHeader>
        <CardTitle>Settings and limits</CardTitle>
        <CardDescription>
          Created {formatDateTime(client.created_at)} · updated {formatDateTime(client.updated_at)}
        </CardDescription>
      </CardHeader>
      <CardContent>
        <form
          className="space-y-4"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            const next = validateClient(draft, true);
            setErrors(next);
            if (!Object.keys(next).length) save.mutate();
          }}
        >
          <ClientFields draft={draft} errors={errors} onChange={setDraft} withExpiry disabled={!canEdit} />
          {canEdit && (
            <div className="flex justify-end">
              <Button type="submit" loading={save.isPending}>
                Save
              </Button>
            </div>
          )}
        </form>
      </CardContent>
    </Card>
  );
}

function AccessTab({ client, canEdit, onSaved }: { client: ClientDetail; canEdit: boolean; onSaved: () => void }) {
  const can = useCan();
  const groups = useAllGroups(can('group', 'read'));
  const modules = useAllModules(can('module', 'read'));
  const endpoints = useAllEndpoints(can('api_assignment', 'read'));
  const [groupIds, setGroupIds] = useState(client.group_ids);
  const [moduleIds, setModuleIds] = useState(client.module_ids);
  const [endpointIds, setEndpointIds] = useState(client.api_assignment_ids);
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/clients/update', {
          body: {
            id: client.id,
            ...(groups.data ? { group_ids: groupIds } : {}),
            ...(modules.data ? { module_ids: moduleIds } : {}),
            ...(endpoints.data ? { api_assignment_ids: endpointIds } : {}),
          },
        }),
      ),
    onSuccess: () => {
      onSaved();
      toast.success('Access saved');
    },
    onError: (e) => toast.error(e),
  });
  const loading = groups.isPending || modules.isPending || endpoints.isPending;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Groups and grants</CardTitle>
        <CardDescription>
          The client may call an endpoint granted to it directly, to one of its active groups, or through a module that holds it.
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-4">
        {loading && can('group', 'read') ? (
          <Skeleton className="h-48 w-full" />
        ) : (
          <div className="grid gap-4 lg:grid-cols-3">
            {groups.data && <CheckList label="Groups" items={groupItems(groups.data)} value={groupIds} onChange={setGroupIds} disabled={!canEdit} empty="No groups yet." />}
            {modules.data && (
              <CheckList label="Modules granted" items={moduleItems(modules.data)} value={moduleIds} onChange={setModuleIds} disabled={!canEdit} empty="No modules yet." />
            )}
            {endpoints.data && (
              <CheckList
                label="Endpoints granted"
                items={endpointItems(endpoints.data)}
                value={endpointIds}
                onChange={setEndpointIds}
                disabled={!canEdit}
                empty="No endpoints yet."
              />
            )}
          </div>
        )}
        {canEdit && (
          <div className="flex justify-end">
            <Button loading={save.isPending} onClick={() => save.mutate()}>
              Save access
            </Button>
          </div>
        )}
      </CardContent>
    </Card>
  );
}

type Via = Schemas['GrantSource'];

function viaText(v: Via): string {
  const what = v.scope === 'module' ? 'module grant' : 'endpoint grant';
  return v.kind === 'group' ? `Group ${v.group_name ?? v.group_id ?? ''} (${what})` : `Direct ${what}`;
}

function EffectiveTab({ client }: { client: ClientDetail }) {
  const can = useCan();
  const modules = useAllModules(can('module', 'read'));
  const eps = client.effective_endpoints;
  if (eps.length === 0) {
    return (
      <EmptyState
        icon={FileCode2}
        title="This client can call no endpoint yet"
        description="Grant it endpoints or modules on the Access tab, or add it to a group that has grants."
      />
    );
  }
  const prefixes = new Map(client.effective_modules.map((m) => [m.id, m.path_prefix]));
  for (const m of modules.data ?? []) prefixes.set(m.id, m.path_prefix);
  return (
    <div className="space-y-3">
      <p className="text-sm text-muted-foreground">
        {eps.length} endpoint{eps.length === 1 ? '' : 's'} the client may call{client.is_active ? '' : ' once it is active again'}, and why.
      </p>
      <Table aria-label="Effective endpoints">
        <TableHeader>
          <TableRow>
            <TableHead>Method</TableHead>
            <TableHead>Path</TableHead>
            <TableHead>Endpoint</TableHead>
            <TableHead>Module</TableHead>
            <TableHead>Granted through</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {eps.map((e) => {
            const prefix = prefixes.get(e.module_id);
            return (
              <TableRow key={e.id}>
                <TableCell>
                  <Badge variant="outline" className="font-mono">
                    {e.http_method}
                  </Badge>
                </TableCell>
                <TableCell>
                  <code className="text-xs">{prefix !== undefined ? `/${prefix}${e.path}`.replace(/\/{2,}/g, '/') : e.path}</code>
                </TableCell>
                <TableCell>
                  <Link to="/dev/endpoints/$id" params={{ id: e.id }} className="font-medium hover:underline">
                    {e.name}
                  </Link>
                </TableCell>
                <TableCell className="text-muted-foreground">{e.module}</TableCell>
                <TableCell>
                  <div className="flex flex-wrap gap-1">
                    {e.via.map((v, i) => (
                      <Badge key={i} variant={v.kind === 'group' ? 'default' : 'secondary'}>
                        {v.kind === 'group' ? <UsersRound className="size-3" aria-hidden /> : null}
                        {viaText(v)}
                      </Badge>
                    ))}
                  </div>
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </div>
  );
}
