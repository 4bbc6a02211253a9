/**
 * Which client groups are granted this endpoint (Basic info, side card). Grants live on the group
 * (`api_assignment_ids` of `/groups/update`), so toggling one rewrites that group's list.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { api, unwrap } from '../../api/client';
import { useCan } from '../../auth/use-me';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card';
import { Checkbox } from '../../components/ui/checkbox';
import { Label } from '../../components/ui/label';
import { Skeleton } from '../../components/ui/skeleton';
import { toast } from '../../components/ui/toast';
import { qk } from '../../lib/query-keys';

export function EndpointGroups({ endpointId }: { endpointId: string }) {
  const can = useCan();
  const queryClient = useQueryClient();
  const enabled = can('group', 'read');
  const groups = useQuery({
    queryKey: qk.groups.list({ all: true, details: true }),
    enabled,
    queryFn: async () => {
      const page = await unwrap(api.POST('/api/v1/groups/list', { body: { page: 1, page_size: 100 } }));
      return Promise.all(page.data.map((g) => unwrap(api.GET('/api/v1/groups/{id}', { params: { path: { id: g.id } } }))));
    },
  });
  const toggle = useMutation({
    mutationFn: async ({ id, on }: { id: string; on: boolean }) => {
      const g = await unwrap(api.GET('/api/v1/groups/{id}', { params: { path: { id } } }));
      const ids = new Set(g.api_assignment_ids);
      if (on) ids.add(endpointId);
      else ids.delete(endpointId);
      return unwrap(api.POST('/api/v1/groups/update', { body: { id, api_assignment_ids: [...ids] } }));
    },
    onSuccess: (g, { on }) => {
      void queryClient.invalidateQueries({ queryKey: qk.groups.all });
      toast.success(on ? `Granted to group "${g.name}"` : `Removed from group "${g.name}"`);
    },
    onError: (e) => toast.error(e),
  });
  if (!enabled) return null;
  const canUpdate = can('group', 'update');
  return (
    <Card>
      <CardHeader>
        <CardTitle className="text-base">Groups</CardTitle>
        <CardDescription>Client groups allowed to call this endpoint when it is private.</CardDescription>
      </CardHeader>
      <CardContent>
        {groups.isPending ? (
          <div className="space-y-2">
            <Skeleton className="h-5 w-40" />
            <Skeleton className="h-5 w-32" />
          </div>
        ) : groups.isError ? (
          <p className="text-sm text-destructive">Could not load the groups.</p>
        ) : groups.data.length === 0 ? (
          <p className="text-sm text-muted-foreground">
            No groups yet.{' '}
            <Link to="/system/groups" search={{}} className="text-primary hover:underline">
              Create one
            </Link>{' '}
            to grant private endpoints to clients.
          </p>
        ) : (
          <ul className="space-y-2">
            {groups.data.map((g) => {
              const id = `group-${g.id}`;
              return (
                <li key={g.id} className="flex items-center gap-2">
                  <Checkbox id={id} checked={g.api_assignment_ids.includes(endpointId)} disabled={!canUpdate || toggle.isPending} onCheckedChange={(c) => toggle.mutate({ id: g.id, on: c === true })} />
                  <Label htmlFor={id} className="font-normal">
                    {g.name}
                  </Label>
                </li>
              );
            })}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}
