/** The signed-in user (`GET /api/v1/users/me`), cached for the session, and `can()` derived from it. */
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import { qk } from '../lib/query-keys';
import { makeCan, type Can, type MeLike } from './permissions';

/** UserPublic (src/catalog/users.ts) plus the grants the UI uses to hide what the user may not do. */
export interface Me extends MeLike {
  id: string;
  username: string;
  email: string | null;
  full_name: string | null;
  is_active: boolean;
  roles: string[];
}

export function useMe() {
  return useQuery({
    queryKey: qk.me,
    queryFn: async () => (await unwrap(api.GET('/api/v1/users/me'))) as unknown as Me,
    staleTime: 5 * 60_000,
  });
}

/** `const can = useCan(); can('datasource', 'create')` — false until /me has loaded. */
export function useCan(): Can {
  const { data } = useMe();
  return makeCan(data);
}
