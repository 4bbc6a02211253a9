/**
 * The Debug tab: run the endpoint as it is in the editor (saved or not) through the live path, with
 * parameters from a form generated from their definitions or as raw JSON, and see the rows, each
 * statement's SQL with its bound values, the script's log lines, the time taken, or the error with its code.
 */
import { useMemo, useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { AlertTriangle, Braces, Clock, FileText, Play, Rows3, ScrollText } from 'lucide-react';
import { api, unwrap } from '../../api/client';
import { ApiError, errorMessage } from '../../api/errors';
import { ParamForm, initialValues, toRequestParams, type ParamDef, type ParamValues } from '../../components/param-form';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '../../components/ui/card';
import { FormField } from '../../components/ui/form-field';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table';
import { Tabs, TabsList, TabsTrigger } from '../../components/ui/tabs';
import { Textarea } from '../../components/ui/textarea';
import { formatMs } from '../../lib/format';
import { cn } from '../../lib/cn';

/** What `POST /api-assignments/debug` answers (its response schema is not declared; see src/admin/debug.ts). */
export interface DebugResult {
  success: boolean;
  data: unknown;
  truncated: boolean;
  response: unknown;
  params: Record<string, unknown>;
  statements: { sql: string; values: unknown[]; rowCount: number; ms?: number }[];
  logs: { level: string; message: string; time: string }[];
  timing_ms: number;
}

export interface DebugTarget {
  id?: string;
  content: string;
  execute_engine: 'sql' | 'script';
  datasource_id: string | null;
  module_id: string | null;
  parameters: ParamDef[];
  param_validates: { name: string; script: string; message: string | null }[];
  result_transform: string | null;
}

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

export function DebugPanel({ target, canRun }: { target: DebugTarget; canRun: boolean }) {
  const [mode, setMode] = useState<'form' | 'json'>('form');
  const defaults = useMemo(() => initialValues(target.parameters), [target.parameters]);
  const [values, setValues] = useState<ParamValues>(defaults);
  const [json, setJson] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  // Definitions changed in the Parameters tab: keep what was typed, take new defaults for new names.
  const formValues = useMemo(() => ({ ...defaults, ...Object.fromEntries(Object.entries(values).filter(([k]) => k in defaults)) }), [defaults, values]);

  const run = useMutation({
    mutationFn: (params: Record<string, unknown>) =>
      unwrap(
        api.POST('/api/v1/api-assignments/debug', {
          body: {
            ...(target.id ? { id: target.id } : {}),
            content: target.content,
            execute_engine: target.execute_engine,
            ...(target.datasource_id ? { datasource_id: target.datasource_id } : {}),
            ...(target.module_id ? { module_id: target.module_id } : {}),
            parameters: target.parameters as never,
            param_validates: target.param_validates,
            result_transform: target.result_transform,
            params,
          },
        }),
      ) as unknown as Promise<DebugResult>,
  });

  const switchMode = (next: string) => {
    if (next === 'json' && mode === 'form') {
      setJson(JSON.stringify(toRequestParams(target.parameters, formValues).params, null, 2));
    }
    setErrors({});
    setMode(next as 'form' | 'json');
  };

  const submit = () => {
    if (!target.content.trim()) return setErrors({ _: 'Write the SQL or script in the Content tab first.' });
    if (!target.datasource_id) return setErrors({ _: 'Choose a data source in Basic info first.' });
    if (mode === 'form') {
      const { params, errors: e } = toRequestParams(target.parameters, formValues);
      setErrors(e);
      if (Object.keys(e).length === 0) run.mutate(params);
      return;
    }
    let parsed: unknown;
    try {
      parsed = json.trim() ? JSON.parse(json) : {};
    } catch (e) {
      return setErrors({ json: `Not valid JSON: ${errorMessage(e)}` });
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return setErrors({ json: 'Give a JSON object: {"name": value}' });
    setErrors({});
    run.mutate(parsed as Record<string, unknown>);
  };

  return (
    <div className="grid gap-6 xl:grid-cols-[minmax(0,24rem)_minmax(0,1fr)]">
      <Card className="h-fit">
        <CardHeader className="flex flex-row items-center justify-between gap-2 space-y-0">
          <CardTitle className="text-base">Parameters</CardTitle>
          <Tabs value={mode} onValueChange={switchMode}>
            <TabsList className="h-8">
              <TabsTrigger value="form" className="text-xs">
                Form
              </TabsTrigger>
              <TabsTrigger value="json" className="text-xs">
                JSON
              </TabsTrigger>
            </TabsList>
          </Tabs>
        </CardHeader>
        <CardContent className="space-y-4">
          {mode === 'form' ? (
            <ParamForm params={target.parameters} values={formValues} onChange={setValues} errors={errors} disabled={run.isPending} />
          ) : (
            <FormField label="Parameters (JSON)" error={errors.json} hint="An object of parameter names to values; each is placed where its definition says.">
              <Textarea className="font-mono text-xs" rows={8} value={json} onChange={(e) => setJson(e.target.value)} placeholder='{"artist_id": 1}' />
            </FormField>
          )}
          {errors._ && (
            <p role="alert" className="text-sm font-medium text-destructive">
              {errors._}
            </p>
          )}
          <p className="text-xs text-muted-foreground">Runs what is in the editor now, saved or not, against the chosen data source. Writes are real.</p>
          {canRun && (
            <Button onClick={submit} loading={run.isPending} className="w-full">
              <Play />
              Run
            </Button>
          )}
        </CardContent>
      </Card>
      <section aria-label="Debug result" className="min-w-0 space-y-4">
        {run.isIdle && (
          <div className="flex h-full min-h-48 flex-col items-center justify-center gap-2 rounded-lg border border-dashed p-8 text-center text-sm text-muted-foreground">
            <Play className="size-6" />
            Fill in the parameters and press Run to see the rows, the SQL and its bound values.
          </div>
        )}
        {run.isPending && <div className="h-48 animate-pulse rounded-lg bg-muted" aria-busy="true" aria-label="Running" />}
        {run.isError && <DebugError error={run.error} />}
        {run.isSuccess && <DebugOutput result={run.data} />}
      </section>
    </div>
  );
}

function DebugError({ error }: { error: unknown }) {
  const e = error instanceof ApiError ? error : null;
  return (
    <div role="alert" className="rounded-lg border border-destructive/40 bg-destructive/5 p-4">
      <div className="flex items-center gap-2 font-semibold text-destructive">
        <AlertTriangle className="size-4" />
        The run failed
        {e && (
          <Badge variant="destructive" className="font-mono" data-testid="debug-error-code">
            {e.status} {e.code}
          </Badge>
        )}
      </div>
      <p className="mt-2 whitespace-pre-wrap break-words font-mono text-sm" data-testid="debug-error-message">
        {errorMessage(error)}
      </p>
    </div>
  );
}

function DebugOutput({ result }: { result: DebugResult }) {
  const rows = Array.isArray(result.data) ? result.data : null;
  const columns = rows && rows.length && rows.every((r) => r && typeof r === 'object' && !Array.isArray(r)) ? Object.keys(rows[0] as object) : null;
  return (
    <>
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <Badge variant="success">OK</Badge>
        <span className="inline-flex items-center gap-1 text-muted-foreground">
          <Clock className="size-3.5" />
          <span data-testid="debug-timing">{formatMs(result.timing_ms)}</span>
        </span>
        {rows && (
          <span className="text-muted-foreground">
            {rows.length} row{rows.length === 1 ? '' : 's'}
            {result.truncated && ' (truncated)'}
          </span>
        )}
      </div>
      <Card>
        <CardHeader>
          <CardTitle className="flex items-center gap-2 text-base">
            <Rows3 className="size-4" />
            Result
          </CardTitle>
        </CardHeader>
        <CardContent>
          {columns && rows ? (
            <div className="max-h-96 overflow-auto rounded-md border">
              <Table aria-label="Result rows">
                <TableHeader>
                  <TableRow>
                    {columns.map((c) => (
                      <TableHead key={c} className="font-mono text-xs">
                        {c}
                      </TableHead>
                    ))}
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {rows.map((r, i) => (
                    <TableRow key={i}>
                      {columns.map((c) => {
                        const v = (r as Record<string, unknown>)[c];
                        return (
                          <TableCell key={c} className={cn('max-w-64 truncate font-mono text-xs', v === null && 'text-muted-foreground')}>
                            {v === null ? 'NULL' : show(v)}
                          </TableCell>
                        );
                      })}
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </div>
          ) : (
            <pre className="max-h-96 overflow-auto rounded-md bg-muted p-3 font-mono text-xs">{JSON.stringify(result.data, null, 2)}</pre>
          )}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle className="flex items-center gap-2 text-base">
            <FileText className="size-4" />
            SQL ({result.statements.length} statement{result.statements.length === 1 ? '' : 's'})
          </CardTitle>
        </CardHeader>
        <CardContent className="space-y-3">
          {result.statements.length === 0 && <p className="text-sm text-muted-foreground">No statement was run.</p>}
          {result.statements.map((s, i) => (
            <div key={i} className="rounded-md border" data-testid="debug-statement">
              <pre className="overflow-auto whitespace-pre-wrap bg-muted p-3 font-mono text-xs">{s.sql}</pre>
              <div className="flex flex-wrap items-center gap-x-4 gap-y-1 border-t px-3 py-2 text-xs">
                <span className="text-muted-foreground">Bound values:</span>
                {s.values.length === 0 ? (
                  <span className="text-muted-foreground">none</span>
                ) : (
                  <ol className="flex flex-wrap gap-2" aria-label="Bound values">
                    {s.values.map((v, j) => (
                      <li key={j} className="rounded bg-accent px-1.5 py-0.5 font-mono">
                        <span className="text-muted-foreground">${j + 1} = </span>
                        {v === null ? 'NULL' : show(v)}
                      </li>
                    ))}
                  </ol>
                )}
                <span className="ml-auto text-muted-foreground">
                  {s.rowCount} row{s.rowCount === 1 ? '' : 's'}
                  {s.ms !== undefined && ` · ${formatMs(s.ms)}`}
                </span>
              </div>
            </div>
          ))}
        </CardContent>
      </Card>
      {result.logs.length > 0 && (
        <Card>
          <CardHeader>
            <CardTitle className="flex items-center gap-2 text-base">
              <ScrollText className="size-4" />
              Logs
            </CardTitle>
          </CardHeader>
          <CardContent>
            <ol className="space-y-1 font-mono text-xs" aria-label="Logs">
              {result.logs.map((l, i) => (
                <li key={i} className="flex gap-2">
                  <span className={cn('w-12 shrink-0 uppercase', l.level === 'error' ? 'text-destructive' : l.level === 'warn' ? 'text-warning' : 'text-muted-foreground')}>{l.level}</span>
                  <span className="whitespace-pre-wrap break-all">{l.message}</span>
                </li>
              ))}
            </ol>
          </CardContent>
        </Card>
      )}
      <details className="rounded-lg border bg-card">
        <summary className="flex cursor-pointer items-center gap-2 px-4 py-3 text-sm font-medium">
          <Braces className="size-4" />
          Response body a live call gets
        </summary>
        <pre className="max-h-96 overflow-auto border-t p-3 font-mono text-xs">{JSON.stringify(result.response, null, 2)}</pre>
      </details>
    </>
  );
}
