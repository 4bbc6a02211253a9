/**
 * The macro editor (`/dev/macros/$id`): its `{% macro %}` source in the SQL editor (tags and filters
 * completed), name and description, and the same Versions tab as endpoints (commit, diff, publish).
 */
import { useMemo, useRef, useState } from 'react';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ArrowLeft, Save } from 'lucide-react';
import { api, unwrap } from '../../api/client';
import { ApiError, fieldErrors, type FieldErrors } from '../../api/errors';
import { RequirePermission } from '../../auth/require-permission';
import { useCan } from '../../auth/use-me';
import { CodeEditor } from '../../components/code-editor';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { Card, CardContent } from '../../components/ui/card';
import { EmptyState, ErrorState } from '../../components/ui/empty-state';
import { FormField } from '../../components/ui/form-field';
import { Input } from '../../components/ui/input';
import { Skeleton } from '../../components/ui/skeleton';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '../../components/ui/tabs';
import { Textarea } from '../../components/ui/textarea';
import { toast } from '../../components/ui/toast';
import { qk } from '../../lib/query-keys';
import { templateSource } from './completions';
import type { MacroDetail } from './shared';
import { VersionsPanel, type VersionApi } from './versions-panel';

const route = getRouteApi('/app/dev/macros/$id');

export default function MacroEditorPage() {
  const { id } = route.useParams();
  const [reloadKey, setReloadKey] = useState(0);
  const detail = useQuery({ queryKey: qk.macros.detail(id), queryFn: () => unwrap(api.GET('/api/v1/macro-defs/{id}', { params: { path: { id } } })) });
  return (
    <RequirePermission resource="macro_def" action="read" page>
      {detail.isPending ? (
        <div className="space-y-4" aria-busy="true" aria-label="Loading macro">
          <Skeleton className="h-8 w-64" />
          <Skeleton className="h-72 w-full" />
        </div>
      ) : detail.isError ? (
        detail.error instanceof ApiError && detail.error.status === 404 ? (
          <EmptyState title="Macro not found" description="It may have been deleted." action={<Button asChild variant="outline"><Link to="/dev/macros" search={{}}>Back to macros</Link></Button>} />
        ) : (
          <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />
        )
      ) : (
        <Editor
          key={`${id}:${reloadKey}`}
          macro={detail.data}
          reload={async () => {
            await detail.refetch();
            setReloadKey((k) => k + 1);
          }}
        />
      )}
    </RequirePermission>
  );
}

function Editor({ macro, reload }: { macro: MacroDetail; reload: () => Promise<void> }) {
  const { tab = 'content' } = route.useSearch();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const can = useCan();
  const canEdit = can('macro_def', 'update');
  const [name, setName] = useState(macro.name);
  const [description, setDescription] = useState(macro.description ?? '');
  const [content, setContent] = useState(macro.content);
  const [errors, setErrors] = useState<FieldErrors>({});
  const saved = useRef(JSON.stringify([macro.name, macro.description ?? '', macro.content]));
  const dirty = JSON.stringify([name, description, content]) !== saved.current;
  const sources = useMemo(() => [templateSource], []);

  const save = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/macro-defs/update', { body: { id: macro.id, name: name.trim(), description: description.trim() || null, content } })),
    onSuccess: () => {
      saved.current = JSON.stringify([name, description, content]);
      setErrors({});
      void queryClient.invalidateQueries({ queryKey: qk.macros.all });
      toast.success('Macro saved');
    },
    onError: (e) => {
      const f = fieldErrors(e, ['name', 'content', 'description']);
      if (e instanceof ApiError && !Object.keys(f).length && (e.code === 'template_error' || e.status === 400)) f.content = e.message;
      setErrors(f);
      toast.error(e);
    },
  });
  const saveNow = async () => {
    if (!name.trim()) {
      setErrors({ name: 'Give the macro a name' });
      return false;
    }
    if (!dirty) return true;
    try {
      await save.mutateAsync();
      return true;
    } catch {
      return false;
    }
  };

  const versionApi: VersionApi = {
    list: () => unwrap(api.GET('/api/v1/macro-defs/{id}/versions', { params: { path: { id: macro.id } } })),
    text: async (versionId) => (await unwrap(api.GET('/api/v1/macro-defs/{id}/versions/{versionId}', { params: { path: { id: macro.id, versionId } } }))).content,
    commit: (message) => unwrap(api.POST('/api/v1/macro-defs/{id}/versions/create', { params: { path: { id: macro.id } }, body: { commit_message: message } })),
    restore: (versionId) => unwrap(api.POST('/api/v1/macro-defs/{id}/versions/{versionId}/restore', { params: { path: { id: macro.id, versionId } } })),
    remove: (versionId) => unwrap(api.DELETE('/api/v1/macro-defs/{id}/versions/{versionId}', { params: { path: { id: macro.id, versionId } } })),
    publish: (versionId) => unwrap(api.POST('/api/v1/macro-defs/publish', { body: { id: macro.id, version_id: versionId } })),
    unpublish: () => unwrap(api.POST('/api/v1/macro-defs/unpublish', { body: { id: macro.id } })),
  };

  return (
    <div>
      <Link to="/dev/macros" search={{}} className="mb-3 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground">
        <ArrowLeft className="size-4" />
        Macros
      </Link>
      <header className="mb-6 flex flex-wrap items-start justify-between gap-4">
        <div className="space-y-1">
          <div className="flex flex-wrap items-center gap-2">
            <h1 className="font-mono text-2xl font-semibold tracking-tight">{macro.name}</h1>
            {macro.is_published ? <Badge variant="success">Published v{macro.published_version}</Badge> : <Badge variant="secondary">Draft</Badge>}
            {dirty && <Badge variant="warning">Unsaved changes</Badge>}
          </div>
          <p className="text-sm text-muted-foreground">{macro.module ? `Macro of module ${macro.module}` : 'Global macro: every module may call it'}</p>
        </div>
        {canEdit && (
          <Button onClick={() => void saveNow()} loading={save.isPending} disabled={!dirty}>
            <Save />
            Save
          </Button>
        )}
      </header>
      <Tabs value={tab} onValueChange={(t) => void navigate({ to: '.', search: { tab: t === 'content' ? undefined : t }, replace: true })}>
        <TabsList>
          <TabsTrigger value="content">Content</TabsTrigger>
          <TabsTrigger value="versions">Versions</TabsTrigger>
        </TabsList>
        <TabsContent value="content">
          <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
            <div className="space-y-2">
              <CodeEditor label="Macro" language="sql" value={content} onChange={setContent} completionSources={sources} readOnly={!canEdit} minHeight="20rem" invalid={!!errors.content} />
              {errors.content && (
                <p role="alert" className="text-xs font-medium text-destructive">
                  {errors.content}
                </p>
              )}
            </div>
            <Card className="h-fit">
              <CardContent className="space-y-4 pt-6">
                <FormField label="Name" error={errors.name} required>
                  <Input className="font-mono" value={name} disabled={!canEdit} onChange={(e) => setName(e.target.value)} />
                </FormField>
                <FormField label="Description" error={errors.description}>
                  <Textarea rows={3} value={description} disabled={!canEdit} onChange={(e) => setDescription(e.target.value)} />
                </FormField>
                <p className="text-xs text-muted-foreground">
                  Only <code className="font-mono">{'{% macro %}'}</code> definitions belong here. Endpoints use the published version: commit and publish in Versions.
                </p>
              </CardContent>
            </Card>
          </div>
        </TabsContent>
        <TabsContent value="versions">
          <VersionsPanel
            queryKey={qk.macros.sub(macro.id, 'versions')}
            invalidate={[qk.macros.detail(macro.id), qk.macros.list()]}
            api={versionApi}
            resource="macro_def"
            noun="Macro"
            language="sql"
            publishedVersion={macro.is_published ? macro.published_version : null}
            beforeCommit={saveNow}
            onRestored={() => void reload()}
          />
        </TabsContent>
      </Tabs>
    </div>
  );
}
