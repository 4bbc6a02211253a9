/** Entry: theme, query cache, router, confirm dialogs, toasts; a 401 anywhere sends the user to sign-in. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { createAppRouter } from './router';
import { ApiError } from './api/errors';
import { setSessionExpiredHandler } from './auth/session';
import { applyTheme } from './lib/theme';
import { ConfirmProvider } from './components/ui/alert-dialog';
import { Toaster } from './components/ui/toast';
import { TooltipProvider } from './components/ui/tooltip';
import './index.css';

applyTheme();

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: false,
      // A 4xx will not change by asking again.
      retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
    },
  },
});
const router = createAppRouter(queryClient);

setSessionExpiredHandler(() => {
  queryClient.clear();
  const here = router.state.location;
  const back = here.pathname === '/login' ? undefined : here.href;
  void router.navigate({ to: '/login', search: { expired: 1, redirect: back } });
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <TooltipProvider delayDuration={300}>
        <ConfirmProvider>
          <RouterProvider router={router} />
          <Toaster />
        </ConfirmProvider>
      </TooltipProvider>
    </QueryClientProvider>
  </StrictMode>,
);
