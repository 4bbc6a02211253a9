/**
 * Every route of the admin UI (code-based TanStack Router, basepath /ui). Each page is lazy: its own chunk.
 * `/login` stands alone; everything else lives under the pathless `app` layout, which requires a token and
 * renders the AppShell. Page files read params/search with `getRouteApi('<route id>')` (ids listed in README).
 */
import {
  Outlet,
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  redirect,
  useRouter,
} from '@tanstack/react-router';
import type { QueryClient } from '@tanstack/react-query';
import { FileQuestion } from 'lucide-react';
import { getToken } from './auth/session';
import { AppShell } from './components/layout/app-shell';
import { EmptyState, ErrorState } from './components/ui/empty-state';
import { Skeleton } from './components/ui/skeleton';
import { Button } from './components/ui/button';

export interface RouterContext {
  queryClient: QueryClient;
}

/** `?tab=` on editor pages. */
export interface TabSearch {
  tab?: string;
}
/** Optional list state kept in the URL (`?q=orders&page=2`). */
export interface ListSearch {
  q?: string;
  page?: number;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);
const tabSearch = (s: Record<string, unknown>): TabSearch => ({ tab: str(s.tab) });
const listSearch = (s: Record<string, unknown>): ListSearch => {
  const page = Number(s.page);
  return { q: str(s.q), page: Number.isInteger(page) && page > 1 ? page : undefined };
};

/** The endpoint list's filters (`?module=…&method=GET&engine=sql&access=public&published=1`). */
export interface EndpointListSearch extends ListSearch {
  module?: string;
  method?: string;
  engine?: string;
  access?: string;
  published?: string;
}
const endpointListSearch = (s: Record<string, unknown>): EndpointListSearch => ({
  ...listSearch(s),
  module: str(s.module),
  method: str(s.method),
  engine: str(s.engine),
  access: str(s.access),
  published: s.published === 'yes' || s.published === 'no' ? s.published : undefined,
});

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Outlet,
  notFoundComponent: NotFound,
});

const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/login',
  validateSearch: (s: Record<string, unknown>): { expired?: 1; redirect?: string } => ({
    expired: s.expired === 1 || s.expired === '1' || s.expired === true ? 1 : undefined,
    redirect: str(s.redirect),
  }),
  component: lazyRouteComponent(() => import('./pages/login/index')),
});

const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'app',
  beforeLoad: ({ location }) => {
    if (!getToken()) throw redirect({ to: '/login', search: { redirect: location.href } });
  },
  component: () => (
    <AppShell>
      <Outlet />
    </AppShell>
  ),
});

type PageModule = () => Promise<{ default: React.ComponentType }>;

/** One page under the shell. */
function page<P extends string>(path: P, importer: PageModule) {
  return createRoute({ getParentRoute: () => appRoute, path, component: lazyRouteComponent(importer) });
}

/** One page under the shell with typed search params. */
function pageWith<P extends string, S extends object>(path: P, validateSearch: (s: Record<string, unknown>) => S, importer: PageModule) {
  return createRoute({ getParentRoute: () => appRoute, path, validateSearch, component: lazyRouteComponent(importer) });
}

const routeTree = rootRoute.addChildren([
  loginRoute,
  appRoute.addChildren([
    page('/', () => import('./pages/dashboard/index')),
    pageWith('/connections', listSearch, () => import('./pages/connections/index')),
    pageWith('/dev/modules', listSearch, () => import('./pages/dev/modules')),
    pageWith('/dev/endpoints', endpointListSearch, () => import('./pages/dev/endpoints')),
    pageWith('/dev/endpoints/$id', tabSearch, () => import('./pages/dev/endpoint-editor')),
    pageWith('/dev/macros', listSearch, () => import('./pages/dev/macros')),
    pageWith('/dev/macros/$id', tabSearch, () => import('./pages/dev/macro-editor')),
    pageWith('/tables', listSearch, () => import('./pages/tables/index')),
    pageWith('/tables/$id', tabSearch, () => import('./pages/tables/detail')),
    pageWith('/repository', (s: Record<string, unknown>): { q?: string; op?: string } => ({ q: str(s.q), op: str(s.op) }), () => import('./pages/repository/index')),
    pageWith('/system/groups', listSearch, () => import('./pages/system/groups')),
    pageWith('/system/clients', listSearch, () => import('./pages/system/clients')),
    pageWith('/system/clients/$id', tabSearch, () => import('./pages/system/client-detail')),
    pageWith('/system/firewall', listSearch, () => import('./pages/system/firewall')),
    pageWith('/system/access-logs', listSearch, () => import('./pages/system/access-logs')),
    pageWith('/admin/users', listSearch, () => import('./pages/admin/users')),
    pageWith('/admin/roles', listSearch, () => import('./pages/admin/roles')),
    pageWith('/settings', tabSearch, () => import('./pages/settings/index')),
  ]),
]);

export function createAppRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    basepath: '/ui',
    context: { queryClient },
    defaultPreload: 'intent',
    defaultPendingMs: 150,
    defaultPendingComponent: PagePending,
    defaultErrorComponent: PageError,
    scrollRestoration: true,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}

function PagePending() {
  return (
    <div role="status" aria-busy="true" aria-label="Loading page" className="space-y-4">
      <Skeleton className="h-8 w-48" />
      <Skeleton className="h-4 w-80" />
      <Skeleton className="h-64 w-full" />
    </div>
  );
}

function PageError({ error }: { error: unknown }) {
  const router = useRouter();
  return <ErrorState title="This page failed to load" error={error} onRetry={() => void router.invalidate()} />;
}

function NotFound() {
  const router = useRouter();
  return (
    <div className="p-8">
      <EmptyState
        icon={FileQuestion}
        title="Page not found"
        description="There is nothing at this address."
        action={<Button onClick={() => router.history.push('/ui/')}>Go to the dashboard</Button>}
      />
    </div>
  );
}
