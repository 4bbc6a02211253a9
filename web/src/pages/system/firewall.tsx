/**
 * Firewall rules: IP allow/deny rules listed in the order the gateway evaluates them (sort order, then age),
 * created and edited in a dialog; a bad address or CIDR block is reported at the field by the server.
 */
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { Pencil, Plus, Shield, Trash2 } from 'lucide-react';
import { api, unwrap } from '../../api/client';
import { RequirePermission } from '../../auth/require-permission';
import { useCan } from '../../auth/use-me';
import { qk } from '../../lib/query-keys';
import { Button } from '../../components/ui/button';
import { Input } from '../../components/ui/input';
import { Select } from '../../components/ui/select';
import { Badge } from '../../components/ui/badge';
import { Switch } from '../../components/ui/switch';
import { FormField } from '../../components/ui/form-field';
import { Pager } from '../../components/ui/pager';
import { EmptyState } from '../../components/ui/empty-state';
import { toast } from '../../components/ui/toast';
import { TableCell } from '../../components/ui/table';
import { ACTIONS_COLUMN, DataTable } from '../../components/data-table';
import { ListPage } from '../../components/list-page';
import { RowActions } from '../../components/row-actions';
import { useDeleteAction } from '../../components/use-delete-action';
import { FormDialog } from '../../components/form-dialog';
import { useFieldErrors } from '../../components/use-field-errors';
import { byId, useAllClients, type Schemas } from './lookups';

type Rule = Schemas['FirewallRule'];
const route = getRouteApi('/app/system/firewall');
const PAGE_SIZE = 50;

export default function FirewallPage() {
  const { page = 1 } = route.useSearch();
  const navigate = route.useNavigate();
  const queryClient = useQueryClient();
  const can = useCan();
  const clients = useAllClients(can('client', 'read'));
  const clientsById = byId(clients.data);
  const [editing, setEditing] = useState<Rule | 'new' | null>(null);

  const list = useQuery({
    queryKey: qk.firewall.list({ page }),
    queryFn: () => unwrap(api.POST('/api/v1/firewall/list', { body: { page, page_size: PAGE_SIZE } })),
  });

  const toggle = useMutation({
    mutationFn: (r: Rule) => unwrap(api.POST('/api/v1/firewall/update', { body: { id: r.id, is_active: !r.is_active } })),
    onSuccess: (r) => {
      void queryClient.invalidateQueries({ queryKey: qk.firewall.all });
      toast.success(`Rule ${r.cidr} ${r.is_active ? 'enabled' : 'disabled'}`);
    },
    onError: (e) => toast.error(e),
  });

  const remove = useDeleteAction({
    mutationFn: (r: Rule) => unwrap(api.DELETE('/api/v1/firewall/delete/{id}', { params: { path: { id: r.id } } })),
    invalidate: [qk.firewall.all],
    confirm: (r) => ({ title: `Delete the ${r.action} rule for ${r.cidr}?`, description: 'The gateway stops applying it at once.' }),
    success: 'Firewall rule deleted',
  });

  const newButton = (
    <RequirePermission resource="firewall" action="create">
      <Button onClick={() => setEditing('new')}>
        <Plus aria-hidden />
        New rule
      </Button>
    </RequirePermission>
  );

  return (
    <ListPage
      resource="firewall"
      title="Firewall"
      description="IP allow and deny rules for gateway calls, evaluated top to bottom; the first match decides."
      actions={newButton}
    >
      <DataTable
        aria-label="Firewall rules"
        query={list}
        rows={list.data?.data}
        columns={[
          { header: 'Order', className: 'w-16' },
          { header: 'Action' },
          { header: 'Address or block' },
          { header: 'Applies to' },
          { header: 'Description' },
          { header: 'Enabled' },
          ACTIONS_COLUMN,
        ]}
        rowKey={(r) => r.id}
        rowClassName={(r) => (r.is_active ? undefined : 'opacity-60')}
        empty={
          <EmptyState
            icon={Shield}
            title="No firewall rules"
            description="Without rules every address may call the gateway. Add a deny rule to block an address or a network."
            action={newButton}
          />
        }
        renderRow={(r) => (
          <>
            <TableCell className="tabular-nums text-muted-foreground">{r.sort_order}</TableCell>
            <TableCell>{r.action === 'deny' ? <Badge variant="destructive">Deny</Badge> : <Badge variant="success">Allow</Badge>}</TableCell>
            <TableCell>
              <code className="font-mono text-xs">{r.cidr}</code>
            </TableCell>
            <TableCell className="text-muted-foreground">{r.client_id ? (clientsById.get(r.client_id)?.name ?? 'One client') : 'All calls'}</TableCell>
            <TableCell className="max-w-xs truncate text-muted-foreground">{r.description || '—'}</TableCell>
            <TableCell>
              <Switch
                aria-label={`Enabled: ${r.cidr}`}
                checked={r.is_active}
                disabled={!can('firewall', 'update') || toggle.isPending}
                onCheckedChange={() => toggle.mutate(r)}
              />
            </TableCell>
            <TableCell>
              <RowActions
                name={r.cidr}
                actions={[
                  { label: 'Edit', icon: Pencil, onSelect: () => setEditing(r), show: can('firewall', 'update') },
                  { label: 'Delete', icon: Trash2, destructive: true, onSelect: () => void remove.ask(r), show: can('firewall', 'delete') },
                ]}
              />
            </TableCell>
          </>
        )}
        footer={<Pager page={page} pageSize={PAGE_SIZE} total={list.data?.total ?? 0} onPage={(p) => void navigate({ to: '.', search: { page: p } })} />}
      />
      {editing && (
        <RuleDialog
          rule={editing === 'new' ? null : editing}
          clients={(clients.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
          onClose={() => setEditing(null)}
        />
      )}
    </ListPage>
  );
}

const FIELDS = ['cidr', 'action', 'client_id', 'description', 'sort_order'] as const;

function RuleDialog({ rule, clients, onClose }: { rule: Rule | null; clients: { value: string; label: string }[]; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [action, setAction] = useState<'allow' | 'deny'>(rule?.action ?? 'deny');
  const [cidr, setCidr] = useState(rule?.cidr ?? '');
  const [clientId, setClientId] = useState(rule?.client_id ?? '');
  const [description, setDescription] = useState(rule?.description ?? '');
  const [sortOrder, setSortOrder] = useState(String(rule?.sort_order ?? 0));
  const [active, setActive] = useState(rule?.is_active ?? true);
  const { errors, setErrors, check, onError } = useFieldErrors(FIELDS);

  const save = useMutation({
    mutationFn: () => {
      const body = {
        action,
        cidr: cidr.trim(),
        client_id: clientId || null,
        description: description.trim() || null,
        sort_order: Number(sortOrder),
        is_active: active,
      };
      return rule
        ? unwrap(api.POST('/api/v1/firewall/update', { body: { id: rule.id, ...body } }))
        : unwrap(api.POST('/api/v1/firewall/create', { body }));
    },
    onSuccess: (r) => {
      void queryClient.invalidateQueries({ queryKey: qk.firewall.all });
      toast.success(rule ? `Rule for ${r.cidr} saved` : `${r.action === 'deny' ? 'Deny' : 'Allow'} rule for ${r.cidr} added`);
      onClose();
    },
    onError: (e) => {
      const f = onError(e);
      // The server's sentence says it best ("… is not an IPv4 or IPv6 address or CIDR block (e.g. 10.0.0.0/8 …)").
      if (f.cidr && e instanceof Error && /cidr/i.test(e.message)) setErrors({ ...f, cidr: e.message.replace(/^cidr:\s*/i, '') });
    },
  });

  const submit = () => {
    const next: Record<string, string> = {};
    if (!cidr.trim()) next.cidr = 'Enter an IP address or a CIDR block, e.g. 10.0.0.0/8';
    if (!/^-?\d+$/.test(sortOrder.trim())) next.sort_order = 'Order must be a whole number';
    if (check(next)) save.mutate();
  };

  return (
    <FormDialog
      title={rule ? 'Edit firewall rule' : 'New firewall rule'}
      description="Rules with a lower order are evaluated first."
      onClose={onClose}
      onSubmit={submit}
      submitLabel={rule ? 'Save' : 'Add rule'}
      pending={save.isPending}
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField label="Action" error={errors.action} required>
          <Select
            value={action}
            onChange={(e) => setAction(e.target.value as 'allow' | 'deny')}
            options={[
              { value: 'deny', label: 'Deny' },
              { value: 'allow', label: 'Allow' },
            ]}
          />
        </FormField>
        <FormField label="Order" error={errors.sort_order} hint="Lower runs first.">
          <Input inputMode="numeric" value={sortOrder} onChange={(e) => setSortOrder(e.target.value)} />
        </FormField>
      </div>
      <FormField label="IP address or CIDR" error={errors.cidr} required hint="e.g. 203.0.113.7, 10.0.0.0/8 or 2001:db8::/32">
        <Input value={cidr} onChange={(e) => setCidr(e.target.value)} placeholder="10.0.0.0/8" className="font-mono" autoFocus />
      </FormField>
      <FormField label="Applies to" error={errors.client_id}>
        <Select value={clientId} onChange={(e) => setClientId(e.target.value)} placeholder="All calls" options={clients} />
      </FormField>
      <FormField label="Description" error={errors.description}>
        <Input value={description} onChange={(e) => setDescription(e.target.value)} placeholder="Why this rule exists" />
      </FormField>
      <FormField label="Enabled" inline>
        <Switch checked={active} onCheckedChange={setActive} />
      </FormField>
    </FormDialog>
  );
}
