/**
 * Gateway clients: the list, and creating one — after which its secret is shown once (SecretDialog) and never
 * again. Each row leads to the client's page (/system/clients/$id) for limits, grants and effective endpoints.
 */
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { KeyRound, Plus, Search } from 'lucide-react';
import { api, unwrap } from '../../api/client';
import { RequirePermission } from '../../auth/require-permission';
import { useCan } from '../../auth/use-me';
import { qk } from '../../lib/query-keys';
import { formatDate, formatNumber } from '../../lib/format';
import { Button } from '../../components/ui/button';
import { Badge } from '../../components/ui/badge';
import { CheckList } from '../../components/ui/check-list';
import { Pager } from '../../components/ui/pager';
import { EmptyState } from '../../components/ui/empty-state';
import { toast } from '../../components/ui/toast';
import { TableCell } from '../../components/ui/table';
import { DataTable } from '../../components/data-table';
import { FormDialog } from '../../components/form-dialog';
import { ListPage } from '../../components/list-page';
import { useFieldErrors } from '../../components/use-field-errors';
import { ClientFields, CLIENT_FIELDS, numOrNull, validateClient, type ClientDraft } from './client-form';
import { SecretDialog, type ShownSecret } from './secret-dialog';
import { groupItems, useAllGroups } from './lookups';

const route = getRouteApi('/app/system/clients');
const PAGE_SIZE = 20;

export default function ClientsPage() {
  const { q, page = 1 } = route.useSearch();
  const navigate = route.useNavigate();
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
    <ListPage
      resource="client"
      title="Clients"
      description="Applications that call the gateway with a client id and secret."
      actions={newButton}
      search={{ label: 'Search clients', value: q, onChange: (v) => void navigate({ to: '.', search: { q: v }, replace: true }) }}
    >
      <DataTable
        query={list}
        rows={list.data?.data}
        columns={[{ header: 'Name' }, { header: 'Client ID' }, { header: 'Rate limit' }, { header: 'Concurrency' }, { header: 'Status' }, { header: 'Created' }]}
        rowKey={(c) => c.id}
        empty={
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
        }
        renderRow={(c) => (
          <>
            <TableCell>
              <Link to="/system/clients/$id" params={{ id: c.id }} className="font-medium text-primary hover:underline">
                {c.name}
              </Link>
              {c.description && <div className="max-w-xs truncate text-xs text-muted-foreground">{c.description}</div>}
            </TableCell>
            <TableCell>
              <code className="font-mono text-xs">{c.client_id}</code>
            </TableCell>
            <TableCell className="text-muted-foreground">{c.rate_limit_per_minute === null ? 'Default' : `${formatNumber(c.rate_limit_per_minute)}/min`}</TableCell>
            <TableCell className="text-muted-foreground">{c.max_concurrent === null ? 'Default' : formatNumber(c.max_concurrent)}</TableCell>
            <TableCell>{c.is_active ? <Badge variant="success">Active</Badge> : <Badge variant="secondary">Inactive</Badge>}</TableCell>
            <TableCell className="whitespace-nowrap text-muted-foreground">{formatDate(c.created_at)}</TableCell>
          </>
        )}
        footer={<Pager page={page} pageSize={PAGE_SIZE} total={list.data?.total ?? 0} onPage={(p) => void navigate({ to: '.', search: { q, page: p } })} />}
      />
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
    </ListPage>
  );
}

function CreateClientDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (s: ShownSecret) => void }) {
  const queryClient = useQueryClient();
  const can = useCan();
  const groups = useAllGroups(can('group', 'read'));
  const [draft, setDraft] = useState<ClientDraft>({ name: '', description: '', rate_limit_per_minute: '', max_concurrent: '', token_expire_seconds: '' });
  const [groupIds, setGroupIds] = useState<string[]>([]);
  const { errors, check, onError } = useFieldErrors(CLIENT_FIELDS);

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
    onError,
  });

  const submit = () => {
    if (check(validateClient(draft, false))) create.mutate();
  };

  return (
    <FormDialog
      title="New client"
      description="Portico generates the client id and secret; the secret is shown once."
      className="max-w-xl"
      onClose={onClose}
      onSubmit={submit}
      submitLabel="Create client"
      pending={create.isPending}
    >
      <ClientFields draft={draft} errors={errors} onChange={setDraft} />
      {groups.data && (
        <CheckList label="Groups" items={groupItems(groups.data)} value={groupIds} onChange={setGroupIds} empty="No groups yet; grants can also be given to the client directly." />
      )}
    </FormDialog>
  );
}
