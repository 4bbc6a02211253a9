/**
 * The Versions tab, shared by endpoints and macros: commit the draft with a message, list versions with the
 * published one marked, pick two to see a side-by-side diff, restore one into the draft, publish one,
 * unpublish, delete. The caller supplies the API calls (`VersionApi`) so both kinds share one screen.
 */
import { useState, type FormEvent } from 'react';
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { GitCommitHorizontal, History, MoreHorizontal, RotateCcw, Rocket, Trash2, Undo2 } from 'lucide-react';
import { RequirePermission } from '../../auth/require-permission';
import { useCan } from '../../auth/use-me';
import type { Resource } from '../../auth/permissions';
import { DiffView } from '../../components/diff-view';
import type { CodeLanguage } from '../../components/code-setup';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '../../components/ui/card';
import { Checkbox } from '../../components/ui/checkbox';
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuSeparator, DropdownMenuTrigger } from '../../components/ui/dropdown-menu';
import { EmptyState, ErrorState } from '../../components/ui/empty-state';
import { FormField } from '../../components/ui/form-field';
import { Input } from '../../components/ui/input';
import { TableSkeleton } from '../../components/ui/skeleton';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table';
import { useConfirm } from '../../components/ui/alert-dialog';
import { toast } from '../../components/ui/toast';
import { formatDateTime, formatRelative } from '../../lib/format';

export interface VersionSummary {
  id: string;
  version: number;
  commit_message: string | null;
  committed_by: string | null;
  committed_at: string;
  is_published: boolean;
}

export interface VersionApi {
  list(): Promise<VersionSummary[]>;
  /** The version's text to compare (content, and for endpoints its parameters). */
  text(versionId: string): Promise<string>;
  commit(message: string | null): Promise<unknown>;
  restore(versionId: string): Promise<unknown>;
  remove(versionId: string): Promise<unknown>;
  publish(versionId: string): Promise<unknown>;
  unpublish(): Promise<unknown>;
}

/** A mutation that refreshes the versions and toasts its success (or the server's error). */
function useAction<A>(refresh: () => void, fn: (a: A) => Promise<unknown>, done: (a: A) => string) {
  return useMutation({
    mutationFn: fn,
    onSuccess: (_r, a) => {
      refresh();
      toast.success(done(a));
    },
    onError: (e) => toast.error(e),
  });
}

export function VersionsPanel(props: {
  /** Query key prefix for this object's versions, e.g. qk.endpoints.sub(id, 'versions'). */
  queryKey: readonly unknown[];
  /** Invalidated after a change (the object's detail and lists). */
  invalidate: readonly (readonly unknown[])[];
  api: VersionApi;
  resource: Resource;
  noun: string;
  language: CodeLanguage;
  publishedVersion: number | null;
  /** Saves unsaved edits before a commit; false stops the commit. */
  beforeCommit?: () => Promise<boolean>;
  onRestored?: () => void;
}) {
  const can = useCan();
  const confirm = useConfirm();
  const queryClient = useQueryClient();
  const [message, setMessage] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const versions = useQuery({ queryKey: [...props.queryKey, 'list'], queryFn: () => props.api.list() });

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: props.queryKey });
    for (const key of props.invalidate) void queryClient.invalidateQueries({ queryKey: key });
  };
  const label = (id: string) => `v${versions.data?.find((v) => v.id === id)?.version ?? '?'}`;

  const commit = useAction(refresh,
    async (msg: string) => {
      if (props.beforeCommit && !(await props.beforeCommit())) throw new Error('Fix the errors in the draft before committing');
      return props.api.commit(msg.trim() || null);
    },
    () => 'Version committed',
  );
  const publish = useAction(refresh,(id: string) => props.api.publish(id), (id) => `${label(id)} published`);
  const unpublish = useAction(refresh,() => props.api.unpublish(), () => `${props.noun} unpublished`);
  const restore = useAction(refresh,
    async (id: string) => {
      await props.api.restore(id);
      props.onRestored?.();
    },
    (id) => `${label(id)} restored into the draft`,
  );
  const remove = useAction(refresh,
    async (id: string) => {
      await props.api.remove(id);
      setPicked((p) => p.filter((x) => x !== id));
    },
    (id) => `${label(id)} deleted`,
  );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    commit.mutate(message, { onSuccess: () => setMessage('') });
  };

  const toggle = (id: string, on: boolean) => setPicked((p) => (on ? [...p.filter((x) => x !== id), id].slice(-2) : p.filter((x) => x !== id)));
  const pair = picked.length === 2 && versions.data ? [...picked].map((id) => versions.data.find((v) => v.id === id)!).filter(Boolean).sort((a, b) => a.version - b.version) : [];
  const texts = useQueries({
    queries: pair.map((v) => ({ queryKey: [...props.queryKey, 'text', v.id], queryFn: () => props.api.text(v.id), staleTime: Infinity })),
  });

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3 rounded-lg border bg-card px-4 py-3 text-sm">
        {props.publishedVersion !== null ? (
          <>
            <Badge variant="success">Published v{props.publishedVersion}</Badge>
            <span className="text-muted-foreground">Live traffic runs v{props.publishedVersion}; draft edits and new versions change nothing until published.</span>
            <RequirePermission resource={props.resource} action="publish">
              <Button
                variant="outline"
                size="sm"
                className="ml-auto"
                loading={unpublish.isPending}
                onClick={async () => {
                  if (await confirm({ title: `Unpublish this ${props.noun.toLowerCase()}?`, description: props.noun === 'Endpoint' ? 'Its route answers 404 until a version is published again.' : 'Endpoints can no longer use it.', confirmLabel: 'Unpublish', destructive: true }))
                    unpublish.mutate(undefined);
                }}
              >
                <Undo2 />
                Unpublish
              </Button>
            </RequirePermission>
          </>
        ) : (
          <>
            <Badge variant="secondary">Not published</Badge>
            <span className="text-muted-foreground">Commit the draft, then publish a version to make it live.</span>
          </>
        )}
      </div>

      {can(props.resource, 'update') && (
        <Card>
          <CardHeader>
            <CardTitle className="text-base">Commit the draft</CardTitle>
          </CardHeader>
          <CardContent>
            <form onSubmit={submit} className="flex flex-wrap items-end gap-3">
              <FormField label="Commit message" className="min-w-64 flex-1" hint="What changed, for whoever reads the history.">
                <Input value={message} onChange={(e) => setMessage(e.target.value)} placeholder="Add the composer column" maxLength={2000} />
              </FormField>
              <Button type="submit" loading={commit.isPending} className="mb-5">
                <GitCommitHorizontal />
                Commit version
              </Button>
            </form>
          </CardContent>
        </Card>
      )}

      {versions.isPending ? (
        <TableSkeleton columns={5} rows={3} />
      ) : versions.isError ? (
        <ErrorState error={versions.error} onRetry={() => void versions.refetch()} />
      ) : versions.data.length === 0 ? (
        <EmptyState icon={History} title="No versions yet" description="A version is a snapshot of the draft. Commit one to publish it or to compare later changes with it." />
      ) : (
        <div className="rounded-lg border bg-card">
          <div className="border-b px-4 py-2 text-xs text-muted-foreground">Tick two versions to compare them side by side.</div>
          <Table aria-label="Versions">
            <TableHeader>
              <TableRow>
                <TableHead className="w-10">
                  <span className="sr-only">Compare</span>
                </TableHead>
                <TableHead>Version</TableHead>
                <TableHead>Message</TableHead>
                <TableHead>Committed</TableHead>
                <TableHead>Status</TableHead>
                <TableHead className="w-10">
                  <span className="sr-only">Actions</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {versions.data.map((v) => (
                <TableRow key={v.id} data-state={picked.includes(v.id) ? 'selected' : undefined}>
                  <TableCell>
                    <Checkbox aria-label={`Compare v${v.version}`} checked={picked.includes(v.id)} onCheckedChange={(c) => toggle(v.id, c === true)} />
                  </TableCell>
                  <TableCell className="font-mono font-medium">v{v.version}</TableCell>
                  <TableCell className="max-w-md truncate">{v.commit_message || <span className="text-muted-foreground">No message</span>}</TableCell>
                  <TableCell className="text-muted-foreground">
                    <span title={formatDateTime(v.committed_at)}>{formatRelative(v.committed_at)}</span>
                    {v.committed_by && <> by {v.committed_by}</>}
                  </TableCell>
                  <TableCell>{v.is_published ? <Badge variant="success">Published</Badge> : null}</TableCell>
                  <TableCell>
                    <DropdownMenu>
                      <DropdownMenuTrigger asChild>
                        <Button variant="ghost" size="icon" aria-label={`Actions for v${v.version}`}>
                          <MoreHorizontal />
                        </Button>
                      </DropdownMenuTrigger>
                      <DropdownMenuContent>
                        {can(props.resource, 'publish') && !v.is_published && (
                          <DropdownMenuItem onSelect={() => publish.mutate(v.id)}>
                            <Rocket />
                            Publish
                          </DropdownMenuItem>
                        )}
                        {can(props.resource, 'update') && (
                          <DropdownMenuItem
                            onSelect={async () => {
                              if (await confirm({ title: `Restore v${v.version} into the draft?`, description: 'The draft is replaced by this version; unsaved and uncommitted edits are lost. Live traffic is unchanged.', confirmLabel: 'Restore' }))
                                restore.mutate(v.id);
                            }}
                          >
                            <RotateCcw />
                            Restore into draft
                          </DropdownMenuItem>
                        )}
                        {can(props.resource, 'update') && !v.is_published && (
                          <>
                            <DropdownMenuSeparator />
                            <DropdownMenuItem
                              className="text-destructive"
                              onSelect={async () => {
                                if (await confirm({ title: `Delete v${v.version}?`, description: 'The version is removed from the history. This cannot be undone.', confirmLabel: 'Delete', destructive: true }))
                                  remove.mutate(v.id);
                              }}
                            >
                              <Trash2 />
                              Delete
                            </DropdownMenuItem>
                          </>
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

      {pair.length === 2 && (
        <section aria-label="Version diff" className="space-y-2">
          <h2 className="text-base font-semibold">
            v{pair[0]!.version} ↔ v{pair[1]!.version}
          </h2>
          {texts.some((t) => t.isPending) ? (
            <div className="h-48 animate-pulse rounded-lg bg-muted" />
          ) : texts.some((t) => t.isError) ? (
            <ErrorState error={texts.find((t) => t.isError)?.error} />
          ) : (
            <DiffView before={texts[0]!.data ?? ''} after={texts[1]!.data ?? ''} language={props.language} beforeLabel={`v${pair[0]!.version}`} afterLabel={`v${pair[1]!.version}`} />
          )}
        </section>
      )}
    </div>
  );
}
