/**
 * Admin route protection. Every route under /api/v1 declares `config.permission`; registering one without it
 * fails at start. Each request then needs a valid dashboard token (401 otherwise) whose user holds the
 * permission (403 otherwise). The guard runs before the body is read, so a caller without a token learns
 * nothing about the payload a route expects.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../services.ts';
import { allows, type Principal, type RoutePermission } from '../auth/permissions.ts';
import { forbidden, unauthorized } from '../errors.ts';
import { issuedBeforeCutOff } from '../auth/tokens.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: RoutePermission;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** The verified token's id and expiry, for logout. */
    tokenInfo: { jti: string; expiresAt: number } | null;
  }
}

export interface AdminRoute {
  method: string;
  url: string;
  permission: RoutePermission;
}

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match ? match[1]! : null;
}

/** Installs the declaration check and the per-request guard; fills `routes` with every admin route. */
export function installGuard(app: FastifyInstance, services: Services, routes: AdminRoute[]): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('tokenInfo', null);

  app.addHook('onRoute', (route) => {
    const permission = (route.config as { permission?: RoutePermission } | undefined)?.permission;
    if (!permission) throw new Error(`Admin route ${String(route.method)} ${route.url} declares no permission`);
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routes.push({ method, url: route.url, permission });
    }
  });

  app.addHook('onRequest', async (request) => {
    const permission = request.routeOptions.config.permission;
    if (permission === 'public') return;
    const token = bearerToken(request);
    if (!token) throw unauthorized();
    const verified = await services.tokens.verify(token, 'portico:admin');
    if (await services.revokedTokens.isRevoked(verified.jti)) throw unauthorized('Token has been revoked');
    const principal = await services.users.principal(verified.sub);
    if (!principal) throw unauthorized('User not found or inactive');
    if (issuedBeforeCutOff(verified, principal.user.tokens_valid_after)) {
      throw unauthorized('Token is no longer valid; sign in again');
    }
    request.principal = principal;
    request.tokenInfo = { jti: verified.jti, expiresAt: verified.expiresAt };
    if (permission === 'authenticated' || permission === undefined) return;
    const objectId = permission.objectParam
      ? (request.params as Record<string, string | undefined>)[permission.objectParam]
      : undefined;
    if (!allows(principal, permission.resource, permission.action, objectId)) {
      throw forbidden(`Not allowed: ${permission.resource}.${permission.action}`);
    }
  });
}
