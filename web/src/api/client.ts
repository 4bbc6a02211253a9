/**
 * The one typed client for the admin API: openapi-fetch over the types generated from Portico's admin OpenAPI
 * document (`npm run gen:api` → schema.d.ts). It adds the bearer token and, when the server answers 401 to
 * anything but sign-in, ends the session (sign-in page with "Your session expired").
 *
 *   const page = await unwrap(api.POST('/api/v1/datasources/list', { body: { page: 1, page_size: 50 } }));
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';
import { getToken, sessionExpired } from '../auth/session';
import { ApiError, type ErrorBody } from './errors';

export type { paths };

const auth: Middleware = {
  onRequest({ request }) {
    const token = getToken();
    if (token && !request.headers.has('Authorization')) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ request, response }) {
    if (response.status === 401 && !new URL(request.url).pathname.endsWith('/login/access-token')) sessionExpired();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(auth);

type Result<T> = { data?: T; error?: unknown; response: Response };

/**
 * Awaits an `api` call and returns its data, or throws an `ApiError` carrying the server's message, code and
 * details (network failures become status 0). Use it inside `queryFn` / `mutationFn`.
 */
export async function unwrap<T>(pending: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await pending;
  } catch (cause) {
    throw new ApiError(0, { message: cause instanceof Error && cause.name === 'AbortError' ? 'Request cancelled' : undefined });
  }
  if (!result.response.ok) throw new ApiError(result.response.status, result.error as Partial<ErrorBody> | undefined);
  return result.data as T;
}
