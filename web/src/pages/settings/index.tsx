/**
 * Settings of the signed-in user: profile (full name, email), password change (the server ends every earlier
 * session, so the user signs in again with the new password) and the theme (light, dark, follow the system).
 */
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { Monitor, Moon, Sun } from 'lucide-react';
import { api, unwrap } from '../../api/client';
import { ApiError, fieldErrors, type FieldErrors } from '../../api/errors';
import { clearToken } from '../../auth/session';
import { useMe, type Me } from '../../auth/use-me';
import { qk } from '../../lib/query-keys';
import { useTheme, type ThemeChoice } from '../../lib/theme';
import { cn } from '../../lib/cn';
import { PageHeader } from '../../components/ui/page-header';
import { Button } from '../../components/ui/button';
import { Input } from '../../components/ui/input';
import { Badge } from '../../components/ui/badge';
import { FormField } from '../../components/ui/form-field';
import { Skeleton } from '../../components/ui/skeleton';
import { ErrorState } from '../../components/ui/empty-state';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '../../components/ui/tabs';
import { toast } from '../../components/ui/toast';

const route = getRouteApi('/app/settings');
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export default function SettingsPage() {
  const { tab = 'profile' } = route.useSearch();
  const navigate = useNavigate();
  const me = useMe();
  return (
    <>
      <PageHeader title="Settings" description="Your profile, password and how the console looks." />
      <Tabs value={tab} onValueChange={(t) => void navigate({ to: '/settings', search: { tab: t }, replace: true })}>
        <TabsList>
          <TabsTrigger value="profile">Profile</TabsTrigger>
          <TabsTrigger value="password">Password</TabsTrigger>
          <TabsTrigger value="appearance">Appearance</TabsTrigger>
        </TabsList>
        <TabsContent value="profile">
          {me.isPending ? (
            <Card className="max-w-xl p-4" role="status" aria-label="Loading">
              <Skeleton className="mb-3 h-9 w-full" />
              <Skeleton className="h-9 w-full" />
            </Card>
          ) : me.isError ? (
            <ErrorState error={me.error} onRetry={() => void me.refetch()} />
          ) : (
            <ProfileCard me={me.data} />
          )}
        </TabsContent>
        <TabsContent value="password">
          <PasswordCard />
        </TabsContent>
        <TabsContent value="appearance">
          <ThemeCard />
        </TabsContent>
      </Tabs>
    </>
  );
}

function ProfileCard({ me }: { me: Me }) {
  const queryClient = useQueryClient();
  const [fullName, setFullName] = useState(me.full_name ?? '');
  const [email, setEmail] = useState(me.email ?? '');
  const [errors, setErrors] = useState<FieldErrors>({});
  const save = useMutation({
    mutationFn: () => unwrap(api.PATCH('/api/v1/users/me', { body: { full_name: fullName.trim() || null, email: email.trim() || null } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: qk.me });
      void queryClient.invalidateQueries({ queryKey: qk.users.all });
      toast.success('Profile saved');
    },
    onError: (e) => {
      const f = fieldErrors(e, ['email', 'full_name']);
      setErrors(f);
      if (!Object.keys(f).length) toast.error(e);
    },
  });
  return (
    <Card className="max-w-xl">
      <CardHeader>
        <CardTitle>Profile</CardTitle>
        <CardDescription>How you appear to other administrators.</CardDescription>
      </CardHeader>
      <CardContent>
        <form
          className="space-y-4"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            const next: FieldErrors = {};
            if (email.trim() && !EMAIL.test(email.trim())) next.email = 'Enter a valid email address';
            setErrors(next);
            if (!Object.keys(next).length) save.mutate();
          }}
        >
          <div className="space-y-1.5">
            <span className="text-sm font-medium">Username</span>
            <div className="flex flex-wrap items-center gap-2">
              <code className="rounded bg-muted px-2 py-1 text-sm">{me.username}</code>
              {me.is_superuser && <Badge>Superuser</Badge>}
              {me.roles.map((r) => (
                <Badge key={r} variant="secondary">
                  {r}
                </Badge>
              ))}
            </div>
          </div>
          <FormField label="Full name" error={errors.full_name}>
            <Input value={fullName} onChange={(e) => setFullName(e.target.value)} autoComplete="name" maxLength={255} />
          </FormField>
          <FormField label="Email" error={errors.email}>
            <Input type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="email" />
          </FormField>
          <div className="flex justify-end">
            <Button type="submit" loading={save.isPending}>
              Save profile
            </Button>
          </div>
        </form>
      </CardContent>
    </Card>
  );
}

function PasswordCard() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const change = useMutation({
    mutationFn: () => unwrap(api.PATCH('/api/v1/users/me/password', { body: { current_password: current, new_password: next } })),
    onSuccess: () => {
      // The server revoked every token issued before now, this one included: end the session here too
      // (without calling /logout, which would answer 401 and read as an expired session).
      clearToken();
      queryClient.clear();
      toast.success('Password changed. Sign in with your new password.');
      void navigate({ to: '/login', search: {} });
    },
    onError: (e) => {
      const f = fieldErrors(e, ['current_password', 'new_password']);
      if (e instanceof ApiError && e.code === 'invalid_password') f.current_password = e.message;
      else if (e instanceof ApiError && /differ/i.test(e.message)) f.new_password = e.message;
      setErrors(f);
      if (!Object.keys(f).length) toast.error(e);
    },
  });
  return (
    <Card className="max-w-xl">
      <CardHeader>
        <CardTitle>Change password</CardTitle>
        <CardDescription>Every session of yours ends, this one too; you then sign in with the new password.</CardDescription>
      </CardHeader>
      <CardContent>
        <form
          className="space-y-4"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            const errs: FieldErrors = {};
            if (!current) errs.current_password = 'Enter your current password';
            if (next.length < 8) errs.new_password = 'The new password needs at least 8 characters';
            else if (next === current) errs.new_password = 'The new password must differ from the current one';
            if (!errs.new_password && repeat !== next) errs.confirm = 'The passwords do not match';
            setErrors(errs);
            if (!Object.keys(errs).length) change.mutate();
          }}
        >
          <FormField label="Current password" error={errors.current_password} required>
            <Input type="password" value={current} onChange={(e) => setCurrent(e.target.value)} autoComplete="current-password" />
          </FormField>
          <FormField label="New password" error={errors.new_password} required hint="At least 8 characters.">
            <Input type="password" value={next} onChange={(e) => setNext(e.target.value)} autoComplete="new-password" />
          </FormField>
          <FormField label="Confirm new password" error={errors.confirm} required>
            <Input type="password" value={repeat} onChange={(e) => setRepeat(e.target.value)} autoComplete="new-password" />
          </FormField>
          <div className="flex justify-end">
            <Button type="submit" loading={change.isPending}>
              Change password
            </Button>
          </div>
        </form>
      </CardContent>
    </Card>
  );
}

const THEMES: { value: ThemeChoice; label: string; hint: string; icon: typeof Sun }[] = [
  { value: 'light', label: 'Light', hint: 'Always light.', icon: Sun },
  { value: 'dark', label: 'Dark', hint: 'Always dark.', icon: Moon },
  { value: 'system', label: 'System', hint: 'Follow the operating system.', icon: Monitor },
];

function ThemeCard() {
  const { choice, setChoice } = useTheme();
  return (
    <Card className="max-w-xl">
      <CardHeader>
        <CardTitle>Theme</CardTitle>
        <CardDescription>Saved in this browser.</CardDescription>
      </CardHeader>
      <CardContent>
        <div role="radiogroup" aria-label="Theme" className="grid gap-3 sm:grid-cols-3">
          {THEMES.map((t) => {
            const selected = choice === t.value;
            return (
              <button
                key={t.value}
                type="button"
                role="radio"
                aria-checked={selected}
                onClick={() => setChoice(t.value)}
                className={cn(
                  'flex flex-col items-start gap-1 rounded-lg border p-3 text-left text-sm transition-colors hover:bg-accent focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring',
                  selected && 'border-primary ring-1 ring-primary',
                )}
              >
                <t.icon className="size-5" aria-hidden />
                <span className="font-medium">{t.label}</span>
                <span className="text-xs text-muted-foreground">{t.hint}</span>
              </button>
            );
          })}
        </div>
      </CardContent>
    </Card>
  );
}
