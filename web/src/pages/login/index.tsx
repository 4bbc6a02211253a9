/**
 * Sign-in (`/ui/login`): username and password → `POST /api/v1/login/access-token`; the server's message on
 * failure; `?expired=1` explains why the user is here; `?redirect=` is where to go back to.
 */
import { useState, type FormEvent } from 'react';
import { getRouteApi, useRouter } from '@tanstack/react-router';
import { useQueryClient } from '@tanstack/react-query';
import { AlertCircle, Braces } from 'lucide-react';
import { api, unwrap } from '../../api/client';
import { errorMessage } from '../../api/errors';
import { setToken } from '../../auth/session';
import { Button } from '../../components/ui/button';
import { Input } from '../../components/ui/input';
import { FormField } from '../../components/ui/form-field';
import { ThemeToggle } from '../../components/layout/theme-toggle';

const route = getRouteApi('/login');

/** Only same-app paths: never send the user to another origin after sign-in. */
export function safeRedirect(target: string | undefined): string {
  if (!target || !target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) return '/ui/';
  if (target === '/ui' || target.startsWith('/ui/')) return target;
  return `/ui${target}`;
}

export default function LoginPage() {
  const search = route.useSearch();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<{ username?: string; password?: string }>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const next = { username: username.trim() ? undefined : 'Enter your username', password: password ? undefined : 'Enter your password' };
    setErrors(next);
    if (next.username || next.password) return;
    setBusy(true);
    setFailure(null);
    try {
      const token = await unwrap(api.POST('/api/v1/login/access-token', { body: { username: username.trim(), password } }));
      setToken((token as { access_token: string }).access_token);
      queryClient.clear();
      router.history.push(safeRedirect(search.redirect));
    } catch (error) {
      setFailure(errorMessage(error));
      setBusy(false);
    }
  }

  const notice = failure ?? (search.expired ? 'Your session expired, sign in again' : null);

  return (
    <div className="relative flex min-h-screen items-center justify-center bg-muted/40 px-4">
      <div className="absolute right-4 top-4">
        <ThemeToggle />
      </div>
      <div className="w-full max-w-sm">
        <div className="mb-6 flex flex-col items-center gap-2 text-center">
          <div className="flex size-10 items-center justify-center rounded-lg bg-primary text-primary-foreground">
            <Braces className="size-5" />
          </div>
          <h1 className="text-2xl font-semibold tracking-tight">Sign in to Portico</h1>
          <p className="text-sm text-muted-foreground">Manage data sources, endpoints and gateway access.</p>
        </div>
        <form onSubmit={submit} noValidate className="space-y-4 rounded-lg border bg-card p-6 shadow-sm">
          {notice && (
            <div
              role="alert"
              className={
                failure
                  ? 'flex items-start gap-2 rounded-md border border-destructive/40 bg-destructive/10 p-3 text-sm text-destructive'
                  : 'flex items-start gap-2 rounded-md border border-warning/50 bg-warning/15 p-3 text-sm'
              }
            >
              <AlertCircle className="mt-0.5 size-4 shrink-0" />
              <span>{notice}</span>
            </div>
          )}
          <FormField label="Username" error={errors.username}>
            <Input autoComplete="username" autoFocus value={username} onChange={(e) => setUsername(e.target.value)} />
          </FormField>
          <FormField label="Password" error={errors.password}>
            <Input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
          </FormField>
          <Button type="submit" className="w-full" loading={busy}>
            Sign in
          </Button>
        </form>
      </div>
    </div>
  );
}
