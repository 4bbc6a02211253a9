/**
 * What the API Dev pages share: the catalog shapes they show (from the generated schema), the lists every
 * editor picks from (modules, data sources), and the URL a gateway route is served at.
 */
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { qk } from '../../lib/query-keys';

export type Module = components['schemas']['Module'];
export type EndpointSummary = components['schemas']['EndpointSummary'];
export type EndpointDetail = components['schemas']['EndpointDetail'];
export type Macro = components['schemas']['Macro'];
export type MacroDetail = components['schemas']['MacroDetail'];
export type DataSource = components['schemas']['DataSource'];

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Every module (the API pages by 100; a console rarely has more, and pickers need them all). */
export function useAllModules() {
  return useQuery({
    queryKey: qk.modules.list({ all: true }),
    queryFn: async () => {
      const out: Module[] = [];
      for (let page = 1; page < 50; page++) {
        const batch = await unwrap(api.POST('/api/v1/modules/list', { body: { page, page_size: 100 } }));
        out.push(...batch.data);
        if (out.length >= batch.total || batch.data.length === 0) break;
      }
      return out;
    },
  });
}

/** Every data source, for the endpoint's data source picker. */
export function useAllDataSources() {
  return useQuery({
    queryKey: qk.connections.list({ all: true }),
    queryFn: async () => {
      const out: DataSource[] = [];
      for (let page = 1; page < 50; page++) {
        const batch = await unwrap(api.POST('/api/v1/datasources/list', { body: { page, page_size: 100 } }));
        out.push(...batch.data);
        if (out.length >= batch.total || batch.data.length === 0) break;
      }
      return out;
    },
  });
}

/** `http://host/<prefix>/<path>` with empty segments dropped (a module with prefix "" serves at the root). */
export function gatewayUrl(origin: string, prefix: string, path: string): string {
  const parts = [prefix, path].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean);
  return `${origin.replace(/\/+$/, '')}/${parts.join('/')}`;
}

/** The `{name}` segments of a route path, in order. */
export function pathParams(path: string): string[] {
  return [...path.matchAll(/\{([A-Za-z_][\w]*)\}/g)].map((m) => m[1]!);
}

/** The badge colour of an HTTP method. */
export function methodVariant(m: string): 'success' | 'destructive' | 'default' | 'warning' {
  return m === 'GET' ? 'success' : m === 'DELETE' ? 'destructive' : m === 'POST' ? 'default' : 'warning';
}
