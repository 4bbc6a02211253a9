/**
 * The catalog lists the gateway pages pick from (modules, endpoints, groups, clients), loaded in full (up to
 * 100 of each per page, followed to the end) so grants can be shown by name and chosen in a CheckList.
 */
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { qk } from '../../lib/query-keys';
import type { CheckListItem } from '../../components/ui/check-list';

export type Schemas = components['schemas'];
export type Group = Schemas['Group'];
export type GroupDetail = Schemas['GroupDetail'];
export type Client = Schemas['Client'];
export type ClientDetail = Schemas['ClientDetail'];
export type Module = Schemas['Module'];
export type EndpointSummary = Schemas['EndpointSummary'];

const PAGE = 100;

/** Every page of a `{data, total}` list. */
async function all<T>(load: (page: number) => Promise<{ data: T[]; total: number }>): Promise<T[]> {
  const out: T[] = [];
  for (let page = 1; page <= 50; page++) {
    const res = await load(page);
    out.push(...res.data);
    if (out.length >= res.total || res.data.length === 0) break;
  }
  return out;
}

export function useAllModules(enabled = true) {
  return useQuery({
    queryKey: qk.modules.list({ all: true }),
    enabled,
    queryFn: () => all((page) => unwrap(api.POST('/api/v1/modules/list', { body: { page, page_size: PAGE } }))),
  });
}

export function useAllEndpoints(enabled = true) {
  return useQuery({
    queryKey: qk.endpoints.list({ all: true }),
    enabled,
    queryFn: () => all((page) => unwrap(api.POST('/api/v1/api-assignments/list', { body: { page, page_size: PAGE } }))),
  });
}

export function useAllGroups(enabled = true) {
  return useQuery({
    queryKey: qk.groups.list({ all: true }),
    enabled,
    queryFn: () => all((page) => unwrap(api.POST('/api/v1/groups/list', { body: { page, page_size: PAGE } }))),
  });
}

export function useAllClients(enabled = true) {
  return useQuery({
    queryKey: qk.clients.list({ all: true }),
    enabled,
    queryFn: () => all((page) => unwrap(api.POST('/api/v1/clients/list', { body: { page, page_size: PAGE } }))),
  });
}

export const moduleItems = (mods: readonly Module[] | undefined): CheckListItem[] =>
  (mods ?? []).map((m) => ({ id: m.id, label: m.name, hint: `/${m.path_prefix}` }));

export const endpointItems = (eps: readonly EndpointSummary[] | undefined): CheckListItem[] =>
  (eps ?? []).map((e) => ({
    id: e.id,
    label: e.name,
    hint: `${e.http_method} ${e.full_path}${e.is_published ? '' : ' · not published'}`,
  }));

export const groupItems = (groups: readonly Group[] | undefined): CheckListItem[] =>
  (groups ?? []).map((g) => ({ id: g.id, label: g.name, hint: g.is_active ? undefined : 'inactive' }));

export const clientItems = (clients: readonly Client[] | undefined): CheckListItem[] =>
  (clients ?? []).map((c) => ({ id: c.id, label: c.name, hint: c.client_id }));

/** Name lookup by id, with a fallback for ids the list does not hold (deleted meanwhile). */
export function byId<T extends { id: string }>(items: readonly T[] | undefined): Map<string, T> {
  return new Map((items ?? []).map((i) => [i.id, i]));
}
