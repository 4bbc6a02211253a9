/**
 * The permission model (pyDBAPI's): a permission is a resource type × an action, global or for one object.
 * Roles hold permissions; users hold roles; a superuser passes every check.
 */
export const RESOURCE_TYPES = [
  'datasource',
  'module',
  'api_assignment',
  'macro_def',
  'group',
  'client',
  'firewall',
  'access_log',
  'overview',
  'user',
  'role',
] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

export const ACTIONS = ['read', 'create', 'update', 'delete', 'execute', 'publish'] as const;
export type Action = (typeof ACTIONS)[number];

export interface Permission {
  resource: ResourceType;
  action: Action;
}

/**
 * What an admin route needs: a permission (optionally for the object named by a route parameter), only a
 * signed-in user (`authenticated`), or nothing (`public`: sign-in itself).
 */
export type RoutePermission =
  | 'public'
  | 'authenticated'
  | (Permission & { objectParam?: string });

export interface Principal {
  userId: string;
  username: string;
  isSuperuser: boolean;
  /** `resource:action:objectId` or `resource:action:*`. */
  grants: ReadonlySet<string>;
}

export const grantKey = (resource: string, action: string, objectId: string | null): string =>
  `${resource}:${action}:${objectId ?? '*'}`;

export function allows(principal: Principal, resource: ResourceType, action: Action, objectId?: string): boolean {
  if (principal.isSuperuser) return true;
  if (principal.grants.has(grantKey(resource, action, null))) return true;
  return objectId !== undefined && principal.grants.has(grantKey(resource, action, objectId));
}

const ALL: readonly Action[] = ACTIONS;
const BUILD: readonly ResourceType[] = ['datasource', 'module', 'api_assignment', 'macro_def'];

/** The roles seeded into a new catalog. */
export const SYSTEM_ROLES: Record<'Admin' | 'Dev' | 'Viewer', { description: string; permissions: Permission[] }> = {
  Admin: {
    description: 'Everything, including users and roles',
    permissions: RESOURCE_TYPES.flatMap((resource) => ALL.map((action) => ({ resource, action }))),
  },
  Dev: {
    description: 'Builds and publishes APIs; reads clients, groups and traffic',
    permissions: [
      ...BUILD.flatMap((resource) => ALL.map((action) => ({ resource, action }))),
      ...(['group', 'client', 'firewall', 'access_log', 'overview'] as const).map((resource) => ({
        resource,
        action: 'read' as const,
      })),
    ],
  },
  Viewer: {
    description: 'Reads everything but users and roles',
    permissions: RESOURCE_TYPES.filter((r) => r !== 'user' && r !== 'role').map((resource) => ({
      resource,
      action: 'read' as const,
    })),
  },
};
