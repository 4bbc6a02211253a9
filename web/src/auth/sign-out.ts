/** Sign out: revoke the token on the server (best effort), forget it, drop every cached answer. */
import type { QueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { clearToken, getToken } from './session';

export async function signOut(queryClient: QueryClient): Promise<void> {
  if (getToken()) {
    try {
      await api.POST('/api/v1/logout');
    } catch {
      /* offline: the token still goes from this browser */
    }
  }
  clearToken();
  queryClient.clear();
}
