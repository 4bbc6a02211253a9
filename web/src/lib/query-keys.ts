/**
 * TanStack Query keys, one family per area. Invalidate a family after a mutation
 * (`queryClient.invalidateQueries({ queryKey: qk.connections.all })`) and every list and detail refetches.
 */
export const qk = {
  me: ['me'] as const,
  overview: {
    all: ['overview'] as const,
    part: (part: string, params?: object) => ['overview', part, params ?? {}] as const,
  },
  connections: area('connections'),
  modules: area('modules'),
  endpoints: area('endpoints'),
  macros: area('macros'),
  specs: area('specs'),
  groups: area('groups'),
  clients: area('clients'),
  firewall: area('firewall'),
  accessLogs: area('access-logs'),
  users: area('users'),
  roles: area('roles'),
} as const;

function area<const A extends string>(name: A) {
  return {
    all: [name] as const,
    list: (filters?: object) => [name, 'list', filters ?? {}] as const,
    detail: (id: string) => [name, 'detail', id] as const,
    /** Anything hanging off one object: versions, diff, debug history… */
    sub: (id: string, part: string, params?: object) => [name, 'detail', id, part, params ?? {}] as const,
  };
}
