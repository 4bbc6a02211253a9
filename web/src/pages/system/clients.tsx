/**
 * Gateway clients: the list, and creating one — after which its secret is shown once (SecretDialog) and never
 * again. Each row leads to the client's page (/system/clients/$id) for limits, grants and effective endpoints.
 */
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { KeyRound, Plus, Search } from 'lucide-react';
import { api, unwrap } from '../../api/client';
import { fieldErrors, type FieldErrors } from '../../api/errors';
import { RequirePermission } from '../../auth/require-permission';
import { useCan } from '../../auth/use-me';
import { qk } from '../../lib/query-keys';
import { formatDate, formatNumber } from '../../lib/format';
import { PageHeader } from '../../components/ui/page-header';
import { Button } from '../../components/ui/button';
import { Input } from '../../components/ui/input';
import { Badge } from '../../components/ui/badge';
import { CheckList } from '../../components/ui/check-list';
import { Pager } from '../../components/ui/pager';
import { TableSkeleton } from '../../components/ui/skeleton';
import { EmptyState, ErrorState } from '../../components/ui/empty-state';
import { Dialog, DialogContent, DialogFooter } from '../../components/ui/dialog';
import { toast } from '../../components/ui/toast';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table';
import { ClientFields, CLIENT_FIELDS, numOrNull, validateClient, type ClientDraft } from './client-form';
import { SecretDialog, type ShownSecret } from './secret-dialog';
import { groupItems, useAllGroups } from './lookups';

const route = getRouteApi('/app/system/clients');
const PAGE_SIZE = 20;

export default function ClientsPage() {
  const { q, page = 1 } = route.useSearch();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<ShownSecret | null>(null);

  const list = useQuery({
    queryKey: qk.clients.list({ q, page }),
    queryFn: () => unwrap(api.POST('/api/v1/clients/list', { body: { page, page_size: PAGE_SIZE, ...(q ? { name__ilike: q } : {}) } })),
  });

  const newButton = (
    <RequirePermission resource="client" action="create">
      <Button onClick={() => setCreating(true)}>
        <Plus aria-hidden />
        New client
      </Button>
    </RequirePermission>
  );

  return (
    <RequirePermission resource="client" action="read" page>
      <PageHeader title="Clients" description="Applications that call the gateway with a client id and secret." actions={newButton} />
      <div className="mb-4 relative w-full max-w-xs">
        <Search className="pointer-events-none absolute left-2.5 top-2.5 size-4 text-muted-foreground" aria-hidden />
        <Input
          aria-label="Search clients"
          placeholder="Search by name…"
          className="pl-8"
          defaultValue={q ?? ''}
          onChange={(e) => void navigate({ to: '/system/clients', search: { q: e.target.value || undefined, page: undefined }, replace: true })}
        />
      </div>
      {list.isPending ? (
        <TableSkeleton columns={5} />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.data.length === 0 ? (
        q ? (
          <EmptyState icon={Search} title="No clients match" description={`Nothing is named like “${q}”.`} />
        ) : (
          <EmptyState
            icon={KeyRound}
            title="No clients yet"
            description="A client is an application calling private endpoints: it trades its id and secret for a gateway token."
            action={newButton}
          />
        )
      ) : (
        <>
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Name</TableHead>
                <TableHead>Client ID</TableHead>
                <TableHead>Rate limit</TableHead>
                <TableHead>Concurrency</TableHead>
                <TableHead>Status</TableHead>
                <TableHead>Created</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {list.data.data.map((c) => (
                <TableRow key={c.id}>
                  <TableCell>
                    <Link to="/system/clients/$id" params={{ id: c.id }} className="font-medium text-primary hover:underline">
                      {c.name}
                    </Link>
                    {c.description && <div className="max-w-xs truncate text-xs text-muted-foreground">{c.description}</div>}
                  </TableCell>
                  <TableCell>
                    <code className="text-xs">{c.client_id}</code>
                  </TableCell>
                  <TableCell className="text-muted-foreground">
                    {c.rate_limit_per_minute === null ? 'Default' : `${formatNumber(c.rate_limit_per_minute)}/min`}
                  </TableCell>
                  <TableCell className="text-muted-foreground">{c.max_concurrent === null ? 'Default' : formatNumber(c.max_concurrent)}</TableCell>
                  <TableCell>{c.is_active ? <Badge variant="success">Active</Badge> : <Badge variant="secondary">Inactive</Badge>}</TableCell>
                  <TableCell className="text-muted-foreground">{formatDate(c.created_at)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Pager page={page} pageSize={PAGE_SIZE} total={list.data.total} onPage={(p) => void navigate({ to: '/system/clients', search: { q, page: p } })} />
        </>
      )}
      {creating && (
        <CreateClientDialog
          onClose={() => setCreating(false)}
          onCreated={(s) => {
            setCreating(false);
            setSecret(s);
          }}
        />
      )}
      {secret && <SecretDialog secret={secret} onClose={() => setSecret(null)} />}
    </RequirePermission>
  );
}

function CreateClientDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (s: ShownSecret) => void }) {
  const queryClient = useQueryClient();
  const can = useCan();
  const groups = useAllGroups(can('group', 'read'));
  const [draft, setDraft] = useState<ClientDraft>({ name: '', description: '', rate_limit_per_minute: '', max_concurrent: '', token_expire_seconds: '' });
  const [groupIds, setGroupIds] = useState<string[]>([]);
  const [errors, setErrors] = useState<FieldErrors>({});

  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/clients/create', {
          body: {
            name: draft.name.trim(),
            description: draft.description.trim() || null,
            rate_limit_per_minute: numOrNull(draft.rate_limit_per_minute),
            max_concurrent: numOrNull(draft.max_concurrent),
            ...(groupIds.length ? { group_ids: groupIds } : {}),
          },
        }),
      ),
    onSuccess: (c) => {
      void queryClient.invalidateQueries({ queryKey: qk.clients.all });
      void queryClient.invalidateQueries({ queryKey: qk.groups.all });
      toast.success(`Client "${c.name}" created`);
      onCreated({ title: `Client "${c.name}" created`, client_id: c.client_id, client_secret: c.client_secret });
    },
    onError: (e) => {
      const f = fieldErrors(e, CLIENT_FIELDS);
      setErrors(f);
      if (!Object.keys(f).length) toast.error(e);
    },
  });

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const next = validateClient(draft, false);
    setErrors(next);
    if (!Object.keys(next).length) create.mutate();
  };

  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent title="New client" description="Portico generates the client id and secret; the secret is shown once." className="max-w-xl">
        <form onSubmit={submit} className="space-y-4" noValidate>
          <ClientFields draft={draft} errors={errors} onChange={setDraft} />
          {groups.data && (
            <CheckList label="Groups" items={groupItems(groups.data)} value={groupIds} onChange={setGroupIds} empty="No groups yet; grants can also be given to the client directly." />
          )}
          <DialogFooter>
            <Button variant="outline" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create client
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
