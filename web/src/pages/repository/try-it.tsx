/**
 * Try it: call one live gateway route from the browser. Private routes need a client token: exchange a client
 * id and secret at `POST /token/generate` (kept in sessionStorage for this tab's session). Fill the path,
 * query and header parameters and the JSON body, send, and see status, time, response headers and the body.
 * These are gateway calls, not admin API calls, so they use `fetch` directly (same origin).
 */
import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { KeyRound, Send, X } from 'lucide-react';
import { qk } from '../../lib/query-keys';
import { formatMs } from '../../lib/format';
import { FormField } from '../../components/ui/form-field';
import { Input } from '../../components/ui/input';
import { Textarea } from '../../components/ui/textarea';
import { Button } from '../../components/ui/button';
import { Badge } from '../../components/ui/badge';
import { Alert } from '../../components/ui/alert';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '../../components/ui/tabs';
import { Table, TableBody, TableCell, TableRow } from '../../components/ui/table';
import { MethodBadge } from '../../components/method-badge';
import { bodySkeleton, requestPath, type Operation } from './catalogue';

const TOKEN_KEY = 'portico.tryit.token';

interface StoredToken {
  token: string;
  clientId: string;
  expiresAt: number;
}

function loadToken(): StoredToken | null {
  try {
    const t = JSON.parse(sessionStorage.getItem(TOKEN_KEY) ?? 'null') as StoredToken | null;
    return t && t.expiresAt > Date.now() ? t : null;
  } catch {
    return null;
  }
}

interface CallResult {
  status: number;
  statusText: string;
  ms: number;
  headers: [string, string][];
  body: string;
  json: boolean;
}

function messageOf(body: unknown, fallback: string): string {
  return body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string' ? (body as { message: string }).message : fallback;
}

export function TryIt({ op }: { op: Operation }) {
  const queryClient = useQueryClient();
  const [token, setToken] = useState<StoredToken | null>(loadToken);
  const [clientId, setClientId] = useState(token?.clientId ?? '');
  const [secret, setSecret] = useState('');
  const [tokenError, setTokenError] = useState<string | null>(null);
  const [tokenPending, setTokenPending] = useState(false);
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(op.params.filter((p) => p.in !== 'body' && p.default !== undefined).map((p) => [`${p.in}:${p.name}`, String(p.default)])),
  );
  const [body, setBody] = useState(() => bodySkeleton(op));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<CallResult | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const getToken = async (event: FormEvent) => {
    event.preventDefault();
    event.stopPropagation();
    if (!clientId.trim() || !secret) {
      setTokenError(!clientId.trim() ? 'Client ID is required' : 'Client secret is required');
      return;
    }
    setTokenPending(true);
    setTokenError(null);
    try {
      const res = await fetch('/token/generate', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credentials', client_id: clientId.trim(), client_secret: secret }),
      });
      const data = (await res.json().catch(() => null)) as { access_token?: string; expires_in?: number } | null;
      if (!res.ok || !data?.access_token) {
        setTokenError(messageOf(data, `The token request failed (${res.status})`));
        return;
      }
      const stored = { token: data.access_token, clientId: clientId.trim(), expiresAt: Date.now() + (data.expires_in ?? 3600) * 1000 };
      sessionStorage.setItem(TOKEN_KEY, JSON.stringify(stored));
      setToken(stored);
      setSecret('');
    } catch {
      setTokenError('Portico cannot be reached');
    } finally {
      setTokenPending(false);
    }
  };

  const forget = () => {
    sessionStorage.removeItem(TOKEN_KEY);
    setToken(null);
  };

  const send = async (event: FormEvent) => {
    event.preventDefault();
    const { url, missing } = requestPath(op, values);
    const found: Record<string, string> = {};
    for (const p of op.params) if (p.required && p.in !== 'body' && missing.includes(p.name)) found[`${p.in}:${p.name}`] = `${p.name} is required`;
    for (const p of op.params) if (p.required && p.in === 'header' && !(values[`header:${p.name}`] ?? '')) found[`header:${p.name}`] = `${p.name} is required`;
    let payload: string | undefined;
    if (op.body !== 'none' && body.trim()) {
      try {
        payload = JSON.stringify(JSON.parse(body));
      } catch {
        found.body = 'The body is not valid JSON';
      }
    }
    setErrors(found);
    if (Object.keys(found).length) return;

    const headers: Record<string, string> = {};
    for (const p of op.params) {
      const v = values[`header:${p.name}`] ?? '';
      if (p.in === 'header' && v !== '') headers[p.name] = v;
    }
    if (payload !== undefined) headers['content-type'] = 'application/json';
    if (token && op.access === 'private') headers.authorization = `Bearer ${token.token}`;

    setSending(true);
    setFailure(null);
    const started = performance.now();
    try {
      const res = await fetch(url, { method: op.method, headers, body: payload, credentials: 'omit' });
      const text = await res.text();
      const ms = performance.now() - started;
      let shown = text;
      let json = false;
      try {
        shown = JSON.stringify(JSON.parse(text), null, 2);
        json = true;
      } catch {
        /* not JSON: show as is */
      }
      setResult({ status: res.status, statusText: res.statusText, ms, headers: [...res.headers.entries()], body: shown, json });
      void queryClient.invalidateQueries({ queryKey: qk.overview.all });
    } catch {
      setFailure('The request did not reach Portico');
    } finally {
      setSending(false);
    }
  };

  const set = (key: string, v: string) => {
    setValues((old) => ({ ...old, [key]: v }));
    setErrors((e) => ({ ...e, [key]: '' }));
  };
  const inputs = op.params.filter((p) => p.in !== 'body');

  return (
    <div className="grid gap-5">
      <div className="flex items-center gap-2 rounded-md border bg-muted/40 px-3 py-2 font-mono text-sm">
        <MethodBadge method={op.method} />
        <span className="truncate">{op.path}</span>
        <Badge className="ml-auto font-sans" variant={op.access === 'private' ? 'secondary' : 'warning'}>
          {op.access === 'private' ? 'Private' : 'Public'}
        </Badge>
      </div>

      {op.access === 'private' && (
        <section aria-label="Client token" className="rounded-lg border p-4">
          <h3 className="mb-3 flex items-center gap-2 text-sm font-semibold">
            <KeyRound className="size-4 text-muted-foreground" />
            Client token
          </h3>
          {token ? (
            <div className="flex flex-wrap items-center gap-3 text-sm">
              <Badge variant="success">Token ready</Badge>
              <span className="text-muted-foreground">
                for <span className="font-mono">{token.clientId}</span>, kept for this browser session
              </span>
              <Button type="button" variant="ghost" size="sm" className="ml-auto" onClick={forget}>
                <X />
                Forget token
              </Button>
            </div>
          ) : (
            <form onSubmit={(e) => void getToken(e)} className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end" noValidate>
              <FormField label="Client ID">
                <Input value={clientId} onChange={(e) => setClientId(e.target.value)} autoComplete="off" placeholder="cli_…" />
              </FormField>
              <FormField label="Client secret">
                <Input type="password" value={secret} onChange={(e) => setSecret(e.target.value)} autoComplete="off" />
              </FormField>
              <Button type="submit" variant="outline" loading={tokenPending}>
                Get token
              </Button>
              {tokenError && (
                <p role="alert" className="text-xs font-medium text-destructive sm:col-span-3">
                  {tokenError}
                </p>
              )}
            </form>
          )}
        </section>
      )}

      <form onSubmit={(e) => void send(e)} noValidate className="grid gap-4">
        {inputs.length > 0 && (
          <div className="grid max-h-72 gap-3 overflow-y-auto pr-1 sm:grid-cols-2">
            {inputs.map((p) => (
              <FormField
                key={`${p.in}:${p.name}`}
                label={p.name}
                required={p.required}
                error={errors[`${p.in}:${p.name}`]}
                hint={
                  <>
                    {p.in} · {p.type}
                    {p.description ? ` · ${p.description}` : ''}
                  </>
                }
              >
                <Input value={values[`${p.in}:${p.name}`] ?? ''} onChange={(e) => set(`${p.in}:${p.name}`, e.target.value)} autoComplete="off" />
              </FormField>
            ))}
          </div>
        )}
        {op.body !== 'none' && (
          <FormField label="Body" error={errors.body} hint="JSON">
            <Textarea value={body} onChange={(e) => setBody(e.target.value)} rows={6} spellCheck={false} className="font-mono text-xs" />
          </FormField>
        )}
        {op.access === 'private' && !token && (
          <p className="text-xs text-muted-foreground">Without a token the gateway answers 401; get one above first.</p>
        )}
        <div className="flex justify-end">
          <Button type="submit" loading={sending}>
            <Send />
            Send request
          </Button>
        </div>
      </form>

      {failure && <Alert variant="destructive" title="Request failed">{failure}</Alert>}
      {result && <Response result={result} />}
    </div>
  );
}

function Response({ result }: { result: CallResult }) {
  const tone = result.status < 300 ? 'success' : result.status < 500 ? 'warning' : 'destructive';
  return (
    <section aria-label="Response" className="rounded-lg border">
      <div className="flex items-center gap-3 border-b px-4 py-2 text-sm">
        <span className="font-semibold">Response</span>
        <Badge variant={tone} data-testid="response-status">
          {result.status} {result.statusText}
        </Badge>
        <span className="ml-auto tabular-nums text-muted-foreground" data-testid="response-time">
          {formatMs(result.ms)}
        </span>
      </div>
      <Tabs defaultValue="body" className="p-3">
        <TabsList>
          <TabsTrigger value="body">Body</TabsTrigger>
          <TabsTrigger value="headers">Headers ({result.headers.length})</TabsTrigger>
        </TabsList>
        <TabsContent value="body" className="mt-3">
          <pre aria-label="Response body" className="max-h-96 overflow-auto rounded-md bg-muted p-3 font-mono text-xs leading-relaxed">
            {result.body || '(empty)'}
          </pre>
        </TabsContent>
        <TabsContent value="headers" className="mt-3">
          <Table aria-label="Response headers">
            <TableBody>
              {result.headers.map(([name, value]) => (
                <TableRow key={name}>
                  <TableCell className="w-48 font-mono text-xs font-medium">{name}</TableCell>
                  <TableCell className="break-all font-mono text-xs text-muted-foreground">{value}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TabsContent>
      </Tabs>
    </section>
  );
}
