/**
 * The endpoint editor (`/dev/endpoints/$id`, `$id` = "new" for an unsaved one): Basic info, Parameters,
 * Content (CodeMirror with completion), Validation & transform, Debug and Versions, the tab kept in `?tab=`.
 * Edits stay local until Save writes the draft; server field errors (a taken route → Path) show in place.
 */
import { useMemo, useRef, useState, type ReactNode } from 'react';
import { getRouteApi, Link, useNavigate, useBlocker } from '@tanstack/react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ArrowLeft, Plus, Save, Trash2 } from 'lucide-react';
import { api, unwrap } from '../../api/client';
import { ApiError, fieldErrors, type FieldErrors } from '../../api/errors';
import { RequirePermission } from '../../auth/require-permission';
import { useCan } from '../../auth/use-me';
import { CodeEditor } from '../../components/code-editor';
import type { ParamDef } from '../../components/param-form';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card';
import { EmptyState, ErrorState } from '../../components/ui/empty-state';
import { FormField } from '../../components/ui/form-field';
import { Input } from '../../components/ui/input';
import { Select } from '../../components/ui/select';
import { Skeleton } from '../../components/ui/skeleton';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '../../components/ui/tabs';
import { Textarea } from '../../components/ui/textarea';
import { toast } from '../../components/ui/toast';
import { qk } from '../../lib/query-keys';
import { nameCompletions, SCRIPT_GLOBALS, scriptCtxSource, templateSource } from './completions';
import { DebugPanel, type DebugTarget } from './debug-panel';
import { EndpointGroups } from './endpoint-groups';
import { checkParams, ParamsTable, rowsFromDefs, type ParamRow } from './params-table';
import { gatewayUrl, HTTP_METHODS, methodVariant, pathParams, useAllDataSources, useAllModules, type EndpointDetail, type HttpMethod } from './shared';
import { VersionsPanel, type VersionApi } from './versions-panel';

const route = getRouteApi('/app/dev/endpoints/$id');
const TABS = ['basic', 'parameters', 'content', 'validation', 'debug', 'versions'] as const;
type Tab = (typeof TABS)[number];

interface ValidateRow {
  key: string;
  name: string;
  script: string;
  message: string;
}

interface Draft {
  module_id: string;
  name: string;
  path: string;
  http_method: HttpMethod;
  execute_engine: 'sql' | 'script';
  datasource_id: string;
  access_type: 'public' | 'private';
  rate_limit: string;
  description: string;
  content: string;
  rows: ParamRow[];
  validates: ValidateRow[];
  result_transform: string;
}

let vseq = 0;
const validateRow = (p: Partial<ValidateRow> = {}): ValidateRow => ({ key: `v${++vseq}`, name: '', script: 'function validate(value, params) {\n  return true;\n}\n', message: '', ...p });

function draftOf(e: EndpointDetail | null, moduleId?: string): Draft {
  return {
    module_id: e?.module_id ?? moduleId ?? '',
    name: e?.name ?? '',
    path: e?.path ?? '',
    http_method: (e?.http_method as HttpMethod | undefined) ?? 'GET',
    execute_engine: e?.execute_engine ?? 'sql',
    datasource_id: e?.datasource_id ?? '',
    access_type: e?.access_type ?? 'public',
    rate_limit: e?.rate_limit_per_minute ? String(e.rate_limit_per_minute) : '',
    description: e?.description ?? '',
    content: e?.content ?? '',
    rows: rowsFromDefs((e?.params ?? []) as ParamDef[]),
    validates: ((e?.param_validates ?? []) as { name: string; script: string; message?: string | null }[]).map((v) => validateRow({ name: v.name, script: v.script, message: v.message ?? '' })),
    result_transform: e?.result_transform ?? '',
  };
}

const normalPath = (p: string) => (p.trim() === '' ? '' : `/${p.trim().replace(/^\/+/, '')}`);

/** What Save sends (and what "unsaved changes" compares), or errors keyed by field. */
function bodyOf(d: Draft): { body: Record<string, unknown>; params: ParamDef[]; errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (!d.module_id) errors.module_id = 'Choose the module';
  if (!d.name.trim()) errors.name = 'Give the endpoint a name';
  const path = normalPath(d.path);
  if (!path) errors.path = 'Give the path, e.g. /tracks/{id}';
  else if (!/^[\w\-./{}~]*$/.test(path)) errors.path = 'Letters, digits, "-", "_", ".", "/" and {param} segments only';
  if (d.rate_limit.trim() && !/^\d+$/.test(d.rate_limit.trim())) errors.rate_limit_per_minute = 'A whole number of requests per minute';
  else if (d.rate_limit.trim() === '0') errors.rate_limit_per_minute = 'At least 1, or leave empty for no limit';
  const { defs, errors: paramErrors } = checkParams(d.rows, pathParams(path));
  Object.assign(errors, paramErrors);
  d.validates.forEach((v) => {
    if (!v.name) errors[`${v.key}.name`] = 'Choose the parameter';
    else if (!defs.some((p) => p.name === v.name)) errors[`${v.key}.name`] = `"${v.name}" is not a declared parameter`;
    if (!v.script.trim()) errors[`${v.key}.script`] = 'Write the script';
  });
  const body = {
    module_id: d.module_id,
    name: d.name.trim(),
    path,
    http_method: d.http_method,
    execute_engine: d.execute_engine,
    datasource_id: d.datasource_id || null,
    access_type: d.access_type,
    rate_limit_per_minute: d.rate_limit.trim() ? Number(d.rate_limit.trim()) : null,
    description: d.description.trim() || null,
    content: d.content,
    params: defs,
    param_validates: d.validates.map((v) => ({ name: v.name, script: v.script, message: v.message.trim() || null })),
    result_transform: d.result_transform.trim() ? d.result_transform : null,
  };
  return { body, params: defs, errors };
}

export default function EndpointEditorPage() {
  const { id } = route.useParams();
  const isNew = id === 'new';
  const [reloadKey, setReloadKey] = useState(0);
  const detail = useQuery({
    queryKey: qk.endpoints.detail(id),
    enabled: !isNew,
    queryFn: () => unwrap(api.GET('/api/v1/api-assignments/{id}', { params: { path: { id } } })),
  });
  return (
    <RequirePermission resource="api_assignment" action="read" page>
      {isNew ? (
        <Editor key="new" endpoint={null} reload={async () => {}} />
      ) : detail.isPending ? (
        <div className="space-y-4" aria-busy="true" aria-label="Loading endpoint">
          <Skeleton className="h-8 w-64" />
          <Skeleton className="h-4 w-96" />
          <Skeleton className="h-9 w-[32rem]" />
          <Skeleton className="h-72 w-full" />
        </div>
      ) : detail.isError ? (
        detail.error instanceof ApiError && detail.error.status === 404 ? (
          <EmptyState title="Endpoint not found" description="It may have been deleted." action={<Button asChild variant="outline"><Link to="/dev/endpoints" search={{}}>Back to endpoints</Link></Button>} />
        ) : (
          <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />
        )
      ) : (
        <Editor
          key={`${id}:${reloadKey}`}
          endpoint={detail.data}
          reload={async () => {
            await detail.refetch();
            setReloadKey((k) => k + 1);
          }}
        />
      )}
    </RequirePermission>
  );
}

function Editor({ endpoint, reload }: { endpoint: EndpointDetail | null; reload: () => Promise<void> }) {
  const { tab: rawTab } = route.useSearch();
  const tab: Tab = (TABS as readonly string[]).includes(rawTab ?? '') ? (rawTab as Tab) : 'basic';
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const can = useCan();
  const canEdit = endpoint ? can('api_assignment', 'update') : can('api_assignment', 'create');
  const modules = useAllModules();
  const datasources = useAllDataSources();
  const [draft, setDraft] = useState<Draft>(() => draftOf(endpoint));
  const [errors, setErrors] = useState<FieldErrors>({});
  const saved = useRef(JSON.stringify(bodyOf(draftOf(endpoint)).body));
  const current = bodyOf(draft);
  const dirty = JSON.stringify(current.body) !== saved.current;
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;

  useBlocker({
    shouldBlockFn: ({ current, next }) => dirtyRef.current && current.pathname !== next.pathname && !window.confirm('Leave without saving? Your changes to this endpoint are lost.'),
    enableBeforeUnload: () => dirtyRef.current,
  });

  const module = modules.data?.find((m) => m.id === draft.module_id);
  const macros = useQuery({
    queryKey: qk.macros.list({ published: true, all: true }),
    queryFn: () => unwrap(api.POST('/api/v1/macro-defs/list', { body: { page: 1, page_size: 100, is_published: true } })),
  });
  const macroNames = useMemo(
    () => (macros.data?.data ?? []).filter((m) => m.module_id === null || m.module_id === draft.module_id).map((m) => m.name),
    [macros.data, draft.module_id],
  );
  const paramNames = useMemo(() => draft.rows.map((r) => r.name.trim()).filter(Boolean), [draft.rows]);
  const completions = useMemo(
    () => (draft.execute_engine === 'sql' ? nameCompletions(paramNames, macroNames) : [...nameCompletions(paramNames, []), ...SCRIPT_GLOBALS]),
    [draft.execute_engine, paramNames, macroNames],
  );
  const sqlSources = useMemo(() => [templateSource], []);
  const scriptSources = useMemo(() => [scriptCtxSource], []);

  const save = useMutation({
    mutationFn: async () => {
      const { body } = bodyOf(draft);
      if (endpoint) return unwrap(api.POST('/api/v1/api-assignments/update', { body: { id: endpoint.id, ...body } as never }));
      return unwrap(api.POST('/api/v1/api-assignments/create', { body: body as never }));
    },
    onSuccess: (result) => {
      saved.current = JSON.stringify(bodyOf(draft).body);
      dirtyRef.current = false;
      setErrors({});
      void queryClient.invalidateQueries({ queryKey: qk.endpoints.all });
      void queryClient.invalidateQueries({ queryKey: qk.modules.all });
      toast.success(endpoint ? 'Endpoint saved' : 'Endpoint created');
      if (!endpoint) void navigate({ to: '/dev/endpoints/$id', params: { id: result.id }, search: { tab }, replace: true });
    },
    onError: (e) => {
      const f = fieldErrors(e, ['name', 'path', 'module_id', 'datasource_id', 'http_method', 'content', 'description', 'rate_limit_per_minute']);
      if (e instanceof ApiError && e.code === 'route_conflict') f.path = e.message;
      if (e instanceof ApiError && (e.code === 'invalid_parameters' || Object.keys(f).some((k) => k.startsWith('params')))) f.params = e.message;
      setErrors(f);
      toast.error(e);
    },
  });

  /** Validates, then saves; false when something must be fixed first. */
  const saveNow = async (): Promise<boolean> => {
    const { errors: e } = bodyOf(draft);
    setErrors(e);
    if (Object.keys(e).length) {
      const where = Object.keys(e).some((k) => ['module_id', 'name', 'path', 'rate_limit_per_minute'].includes(k))
        ? 'basic'
        : Object.keys(e).some((k) => k.startsWith('v'))
          ? 'validation'
          : 'parameters';
      toast.error('Fix the highlighted fields before saving');
      void navigate({ to: '.', search: { tab: where }, replace: true });
      return false;
    }
    if (!dirty && endpoint) return true;
    try {
      await save.mutateAsync();
      return true;
    } catch {
      return false;
    }
  };

  const setTab = (t: string) => void navigate({ to: '.', search: { tab: t === 'basic' ? undefined : t }, replace: true });
  const url = gatewayUrl(window.location.origin, module?.path_prefix ?? '', normalPath(draft.path) || '');
  const paramErrorCount = Object.keys(errors).filter((k) => /^p\d+\./.test(k)).length;
  const missingPath = pathParams(normalPath(draft.path)).filter((p) => !draft.rows.some((r) => r.name.trim() === p));

  const debugTarget: DebugTarget = {
    id: endpoint?.id,
    content: draft.content,
    execute_engine: draft.execute_engine,
    datasource_id: draft.datasource_id || null,
    module_id: draft.module_id || null,
    parameters: current.params,
    param_validates: draft.validates.filter((v) => v.name && v.script.trim()).map((v) => ({ name: v.name, script: v.script, message: v.message.trim() || null })),
    result_transform: draft.result_transform.trim() ? draft.result_transform : null,
  };

  const versionApi: VersionApi | null = endpoint
    ? {
        list: () => unwrap(api.GET('/api/v1/api-assignments/{id}/versions', { params: { path: { id: endpoint.id } } })),
        text: async (versionId) => {
          const v = await unwrap(api.GET('/api/v1/api-assignments/{id}/versions/{versionId}', { params: { path: { id: endpoint.id, versionId } } }));
          return v.content;
        },
        commit: (message) => unwrap(api.POST('/api/v1/api-assignments/{id}/versions/create', { params: { path: { id: endpoint.id } }, body: { commit_message: message } })),
        restore: (versionId) => unwrap(api.POST('/api/v1/api-assignments/{id}/versions/{versionId}/restore', { params: { path: { id: endpoint.id, versionId } } })),
        remove: (versionId) => unwrap(api.DELETE('/api/v1/api-assignments/{id}/versions/{versionId}', { params: { path: { id: endpoint.id, versionId } } })),
        publish: (versionId) => unwrap(api.POST('/api/v1/api-assignments/publish', { body: { id: endpoint.id, version_id: versionId } })),
        unpublish: () => unwrap(api.POST('/api/v1/api-assignments/unpublish', { body: { id: endpoint.id } })),
      }
    : null;

  return (
    <div>
      <Link to="/dev/endpoints" search={{}} className="mb-3 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground">
        <ArrowLeft className="size-4" />
        Endpoints
      </Link>
      <header className="mb-6 flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0 space-y-1">
          <div className="flex flex-wrap items-center gap-2">
            <h1 className="text-2xl font-semibold tracking-tight">{endpoint ? endpoint.name : 'New endpoint'}</h1>
            {endpoint &&
              (endpoint.is_published ? <Badge variant="success">Published v{endpoint.published_version}</Badge> : <Badge variant="secondary">Draft</Badge>)}
            {dirty && (
              <Badge variant="warning" data-testid="unsaved">
                Unsaved changes
              </Badge>
            )}
          </div>
          <p className="flex items-center gap-2 text-sm text-muted-foreground">
            <Badge variant={methodVariant(draft.http_method)} className="font-mono">
              {draft.http_method}
            </Badge>
            <span className="font-mono">{url}</span>
          </p>
        </div>
        {canEdit && (
          <Button onClick={() => void saveNow()} loading={save.isPending} disabled={!dirty && !!endpoint}>
            <Save />
            {endpoint ? 'Save' : 'Create endpoint'}
          </Button>
        )}
      </header>

      <Tabs value={tab} onValueChange={setTab}>
        <TabsList className="flex-wrap">
          <TabsTrigger value="basic">Basic info</TabsTrigger>
          <TabsTrigger value="parameters">
            Parameters
            {draft.rows.length > 0 && <span className="rounded-full bg-muted-foreground/15 px-1.5 text-xs">{draft.rows.length}</span>}
            {paramErrorCount > 0 && <span className="size-1.5 rounded-full bg-destructive" aria-label="has errors" />}
          </TabsTrigger>
          <TabsTrigger value="content">Content</TabsTrigger>
          <TabsTrigger value="validation">Validation &amp; transform</TabsTrigger>
          <TabsTrigger value="debug">Debug</TabsTrigger>
          <TabsTrigger value="versions" disabled={!endpoint}>
            Versions
          </TabsTrigger>
        </TabsList>

        <TabsContent value="basic">
          <div className={endpoint ? 'grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]' : 'max-w-4xl'}>
            <Card>
              <CardContent className="grid gap-4 pt-6 sm:grid-cols-2">
                <FormField label="Module" error={errors.module_id} required>
                  <Select value={draft.module_id} disabled={!canEdit} placeholder={modules.isPending ? 'Loading…' : 'Choose a module…'} options={(modules.data ?? []).map((m) => ({ value: m.id, label: `${m.name} (/${m.path_prefix})` }))} onChange={(e) => set({ module_id: e.target.value })} />
                </FormField>
                <FormField label="Name" error={errors.name} required>
                  <Input value={draft.name} disabled={!canEdit} onChange={(e) => set({ name: e.target.value })} placeholder="Tracks of an album" />
                </FormField>
                <FormField label="Method" error={errors.http_method} required>
                  <Select value={draft.http_method} disabled={!canEdit} options={HTTP_METHODS.map((m) => ({ value: m, label: m }))} onChange={(e) => set({ http_method: e.target.value as HttpMethod })} />
                </FormField>
                <FormField label="Path" error={errors.path} required hint="Relative to the module prefix; {name} segments are path parameters.">
                  <Input value={draft.path} disabled={!canEdit} className="font-mono" onChange={(e) => set({ path: e.target.value })} placeholder="/albums/{album_id}/tracks" />
                </FormField>
                <div className="sm:col-span-2">
                  <UrlPreview method={draft.http_method} url={url} missing={missingPath} hasModule={!!module} />
                </div>
                <FormField label="Engine" required hint={draft.execute_engine === 'sql' ? 'An SQL template; every {{ value }} is bound.' : 'JavaScript run in a sandbox with db, http, cache…'}>
                  <Select
                    value={draft.execute_engine}
                    disabled={!canEdit}
                    options={[
                      { value: 'sql', label: 'SQL template' },
                      { value: 'script', label: 'Script (JavaScript)' },
                    ]}
                    onChange={(e) => set({ execute_engine: e.target.value as 'sql' | 'script' })}
                  />
                </FormField>
                <FormField label="Data source" error={errors.datasource_id}>
                  <Select value={draft.datasource_id} disabled={!canEdit} placeholder={datasources.isPending ? 'Loading…' : 'None'} options={(datasources.data ?? []).map((d) => ({ value: d.id, label: `${d.name} (${d.product_type})` }))} onChange={(e) => set({ datasource_id: e.target.value })} />
                </FormField>
                <FormField label="Access" hint={draft.access_type === 'public' ? 'Anyone may call it.' : 'Callers need a client token of a group granted this endpoint.'}>
                  <Select
                    value={draft.access_type}
                    disabled={!canEdit}
                    options={[
                      { value: 'public', label: 'Public' },
                      { value: 'private', label: 'Private' },
                    ]}
                    onChange={(e) => set({ access_type: e.target.value as 'public' | 'private' })}
                  />
                </FormField>
                <FormField label="Rate limit (per minute)" error={errors.rate_limit_per_minute} hint="Empty: no limit of its own.">
                  <Input type="number" min={1} value={draft.rate_limit} disabled={!canEdit} onChange={(e) => set({ rate_limit: e.target.value })} />
                </FormField>
                <FormField label="Description" error={errors.description} className="sm:col-span-2">
                  <Textarea rows={3} value={draft.description} disabled={!canEdit} onChange={(e) => set({ description: e.target.value })} />
                </FormField>
              </CardContent>
            </Card>
            {endpoint && (
              <div className="space-y-6">
                <EndpointGroups endpointId={endpoint.id} />
              </div>
            )}
          </div>
        </TabsContent>

        <TabsContent value="parameters">
          {errors.params && (
            <p role="alert" className="mb-3 text-sm font-medium text-destructive">
              {errors.params}
            </p>
          )}
          <ParamsTable rows={draft.rows} onChange={(rows) => set({ rows })} errors={errors} readOnly={!canEdit} missingPathParams={missingPath} />
        </TabsContent>

        <TabsContent value="content">
          <div className="grid gap-6 xl:grid-cols-[minmax(0,1fr)_18rem]">
            <div className="space-y-2">
              <CodeEditor
                key={draft.execute_engine}
                label={draft.execute_engine === 'sql' ? 'SQL' : 'Script'}
                language={draft.execute_engine === 'sql' ? 'sql' : 'javascript'}
                value={draft.content}
                onChange={(content) => set({ content })}
                completions={completions}
                completionSources={draft.execute_engine === 'sql' ? sqlSources : scriptSources}
                readOnly={!canEdit}
                minHeight="24rem"
                invalid={!!errors.content}
                placeholder={draft.execute_engine === 'sql' ? 'SELECT track_id, name FROM track WHERE album_id = {{ album_id }}' : 'async function execute(params) {\n  return db.query(…);\n}'}
              />
              {errors.content && (
                <p role="alert" className="text-xs font-medium text-destructive">
                  {errors.content}
                </p>
              )}
            </div>
            <ContentHelp engine={draft.execute_engine} params={paramNames} macros={macroNames} />
          </div>
        </TabsContent>

        <TabsContent value="validation">
          <ValidationTab draft={draft} set={set} errors={errors} paramNames={paramNames} readOnly={!canEdit} />
        </TabsContent>

        <TabsContent value="debug">
          <DebugPanel target={debugTarget} canRun={can('api_assignment', 'execute')} />
        </TabsContent>

        <TabsContent value="versions">
          {endpoint && versionApi && (
            <VersionsPanel
              queryKey={qk.endpoints.sub(endpoint.id, 'versions')}
              invalidate={[qk.endpoints.detail(endpoint.id), qk.endpoints.list()]}
              api={versionApi}
              resource="api_assignment"
              noun="Endpoint"
              language={draft.execute_engine === 'sql' ? 'sql' : 'javascript'}
              publishedVersion={endpoint.is_published ? endpoint.published_version : null}
              beforeCommit={saveNow}
              onRestored={() => void reload()}
            />
          )}
        </TabsContent>
      </Tabs>
    </div>
  );
}

function UrlPreview({ method, url, missing, hasModule }: { method: string; url: string; missing: string[]; hasModule: boolean }) {
  const parts = url.split(/(\{[A-Za-z_]\w*\})/g);
  return (
    <div className="rounded-md border bg-muted/50 px-3 py-2">
      <div className="text-xs font-medium text-muted-foreground">Full URL</div>
      <div className="mt-1 flex flex-wrap items-center gap-2 break-all font-mono text-sm" data-testid="url-preview">
        <Badge variant={methodVariant(method)} className="font-mono">
          {method}
        </Badge>
        <span>
          {parts.map((p, i) =>
            /^\{\w+\}$/.test(p) ? (
              <span key={i} className="rounded bg-primary/15 px-0.5 text-primary">
                {p}
              </span>
            ) : (
              <span key={i}>{p}</span>
            ),
          )}
        </span>
      </div>
      {!hasModule && <p className="mt-1 text-xs text-muted-foreground">Choose a module to see its prefix.</p>}
      {missing.length > 0 && (
        <p className="mt-1 text-xs font-medium text-foreground">
          {missing.map((m) => `{${m}}`).join(', ')} {missing.length === 1 ? 'needs a parameter' : 'need parameters'} in the Parameters tab.
        </p>
      )}
    </div>
  );
}

function ContentHelp({ engine, params, macros }: { engine: 'sql' | 'script'; params: string[]; macros: string[] }) {
  const Code = ({ children }: { children: ReactNode }) => <code className="rounded bg-muted px-1 font-mono text-xs">{children}</code>;
  return (
    <Card className="h-fit text-sm">
      <CardHeader>
        <CardTitle className="text-base">{engine === 'sql' ? 'SQL template' : 'Script'}</CardTitle>
        <CardDescription>Ctrl-Space completes; Escape then Tab leaves the editor.</CardDescription>
      </CardHeader>
      <CardContent className="space-y-3 text-muted-foreground">
        {engine === 'sql' ? (
          <>
            <p>
              <Code>{'{{ name }}'}</Code> binds a parameter as a value, never as SQL text.
            </p>
            <p>
              Filters: <Code>{'{{ q | sql_like }}'}</Code>, <Code>{'{{ ids | in_list }}'}</Code>, <Code>sql_int</Code>, <Code>sql_ident([...])</Code>…
            </p>
            <p>
              <Code>{'{% where %}'}</Code> / <Code>{'{% set_clause %}'}</Code> keep only the lines whose values were given.
            </p>
          </>
        ) : (
          <>
            <p>
              Define <Code>async function execute(params)</Code> and return the result.
            </p>
            <p>
              <Code>db.query(sql, [..])</Code>, <Code>tx.begin()</Code>, <Code>http.get(url)</Code>, <Code>cache.get(key)</Code>, <Code>env.get(name)</Code>, <Code>log.info(…)</Code>, <Code>req</Code>, <Code>ds</Code>.
            </p>
          </>
        )}
        <div>
          <div className="mb-1 text-xs font-medium uppercase tracking-wide">Parameters</div>
          {params.length ? (
            <div className="flex flex-wrap gap-1">
              {params.map((p) => (
                <Badge key={p} variant="outline" className="font-mono">
                  {p}
                </Badge>
              ))}
            </div>
          ) : (
            <p className="text-xs">None declared yet.</p>
          )}
        </div>
        {engine === 'sql' && (
          <div>
            <div className="mb-1 text-xs font-medium uppercase tracking-wide">Published macros</div>
            {macros.length ? (
              <div className="flex flex-wrap gap-1">
                {macros.map((m) => (
                  <Badge key={m} variant="outline" className="font-mono">
                    {m}()
                  </Badge>
                ))}
              </div>
            ) : (
              <p className="text-xs">None available to this module.</p>
            )}
          </div>
        )}
      </CardContent>
    </Card>
  );
}

function ValidationTab(props: { draft: Draft; set: (p: Partial<Draft>) => void; errors: FieldErrors; paramNames: string[]; readOnly: boolean }) {
  const { draft, set, errors } = props;
  const update = (key: string, patch: Partial<ValidateRow>) => set({ validates: draft.validates.map((v) => (v.key === key ? { ...v, ...patch } : v)) });
  const jsCompletions = useMemo(() => nameCompletions(props.paramNames, []), [props.paramNames]);
  return (
    <div className="space-y-6">
      <Card>
        <CardHeader>
          <CardTitle className="text-base">Parameter validation scripts</CardTitle>
          <CardDescription>
            Each script defines <code className="font-mono">validate(value, params)</code>; returning false refuses the call with a 400 and the message.
          </CardDescription>
        </CardHeader>
        <CardContent className="space-y-4">
          {draft.validates.length === 0 && <p className="text-sm text-muted-foreground">No validation scripts. The parameter definitions (type, required, regex) still apply.</p>}
          {draft.validates.map((v, i) => (
            <div key={v.key} className="space-y-3 rounded-md border p-3">
              <div className="grid gap-3 sm:grid-cols-[12rem_minmax(0,1fr)_auto]">
                <FormField label={`Validation ${i + 1} parameter`} error={errors[`${v.key}.name`]}>
                  <Select value={v.name} disabled={props.readOnly} placeholder="Choose…" options={props.paramNames.map((n) => ({ value: n, label: n }))} onChange={(e) => update(v.key, { name: e.target.value })} />
                </FormField>
                <FormField label={`Validation ${i + 1} message`}>
                  <Input value={v.message} disabled={props.readOnly} placeholder="Shown to the caller when validation fails" onChange={(e) => update(v.key, { message: e.target.value })} />
                </FormField>
                {!props.readOnly && (
                  <Button variant="ghost" size="icon" className="mt-6" aria-label={`Remove validation ${i + 1}`} onClick={() => set({ validates: draft.validates.filter((x) => x.key !== v.key) })}>
                    <Trash2 />
                  </Button>
                )}
              </div>
              <CodeEditor label={`Validation ${i + 1} script`} language="javascript" value={v.script} onChange={(script) => update(v.key, { script })} completions={jsCompletions} readOnly={props.readOnly} minHeight="6rem" invalid={!!errors[`${v.key}.script`]} />
              {errors[`${v.key}.script`] && <p className="text-xs font-medium text-destructive">{errors[`${v.key}.script`]}</p>}
            </div>
          ))}
          {!props.readOnly && (
            <Button variant="outline" size="sm" disabled={props.paramNames.length === 0} onClick={() => set({ validates: [...draft.validates, validateRow({ name: props.paramNames[0] ?? '' })] })}>
              <Plus />
              Add validation
            </Button>
          )}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle className="text-base">Result transform</CardTitle>
          <CardDescription>
            Optional. Defines <code className="font-mono">transform(result, params)</code>; what it returns is sent instead of the result.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <CodeEditor label="Result transform" language="javascript" value={draft.result_transform} onChange={(result_transform) => set({ result_transform })} completions={jsCompletions} readOnly={props.readOnly} minHeight="10rem" placeholder={'function transform(result, params) {\n  return result;\n}'} />
        </CardContent>
      </Card>
    </div>
  );
}

