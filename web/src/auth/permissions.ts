/**
 * What the signed-in user may do, for hiding buttons and nav items (the server still checks every call).
 * Same rule as src/auth/permissions.ts: a superuser may do everything; otherwise a grant `resource:action[:*]`.
 */
import type { components } from '../api/schema';

/** Resource types and actions as the server declares them (generated from the admin API's document). */
export type Resource = components['schemas']['RolePermission']['resource_type'];
export type Action = components['schemas']['RolePermission']['action'];

/** The fields of `GET /api/v1/users/me` the UI needs. */
export interface MeLike {
  is_superuser: boolean;
  /**
   * Global grants as `resource:action` (or `resource:action:*`, or `{resource|resource_type, action}`).
   * Older servers do not send it; then everything is shown and the server's 403 is the answer.
   */
  permissions?: ReadonlyArray<string | { resource?: string; resource_type?: string; action: string; resource_id?: string | null }>;
}

export type Can = (resource: Resource, action: Action) => boolean;

export function grantSet(me: MeLike): ReadonlySet<string> | null {
  if (!me.permissions) return null;
  const set = new Set<string>();
  for (const p of me.permissions) {
    if (typeof p === 'string') {
      const [resource, action, object] = p.split(/[:.]/);
      if (resource && action && (object === undefined || object === '*')) set.add(`${resource}:${action}`);
    } else if (!p.resource_id) {
      set.add(`${p.resource ?? p.resource_type}:${p.action}`);
    }
  }
  return set;
}

export function makeCan(me: MeLike | undefined): Can {
  if (!me) return () => false;
  if (me.is_superuser) return () => true;
  const grants = grantSet(me);
  if (!grants) return () => true;
  return (resource, action) => grants.has(`${resource}:${action}`);
}
