/**
 * Gateway authorization of private routes, from an in-memory snapshot of clients and their grants built once
 * per gateway snapshot: no catalog query per request. A token is a gateway token (audience
 * `portico:gateway`, subject = the client's UUID) of an active client, issued no earlier than the client's
 * `tokens_valid_after` (which regenerating the secret or deactivating the client moves forward).
 */
import type { Catalog } from '../catalog/catalog.ts';
import { readClientAccess } from '../catalog/clients.ts';
import { issuedBeforeCutOff, type TokenService } from '../auth/tokens.ts';
import { AppError } from '../errors.ts';

export interface AuthorizedClient {
  clientId: string;
  clientName: string;
  rateLimitPerMinute: number | null;
  maxConcurrent: number | null;
}

export interface AccessSnapshot {
  /**
   * 401 unless the token is a valid, unexpired gateway token of an active client issued after its
   * tokens_valid_after; 403 unless the client may call this route (granted directly or through an active
   * group, by endpoint id or by module id).
   */
  authorize(token: string | null, route: { endpointId: string | null; moduleId: string | null }): Promise<AuthorizedClient>;
}


const unauthorized = (message: string) => new AppError(401, 'unauthorized', message);

export async function loadAccessSnapshot(catalog: Catalog, tokens: TokenService): Promise<AccessSnapshot> {
  const clients = await readClientAccess(catalog);
  return {
    async authorize(token, route) {
      if (!token) throw unauthorized('This endpoint is private: call it with a client token');
      const verified = await tokens.verify(token, 'portico:gateway');
      const client = clients.get(verified.sub);
      if (!client || !client.isActive) throw unauthorized('Client not found or inactive');
      if (issuedBeforeCutOff(verified, client.tokensValidAfter)) {
        throw unauthorized('Token is no longer valid; request a new one');
      }
      const granted =
        (route.endpointId !== null && client.endpointIds.has(route.endpointId)) ||
        (route.moduleId !== null && client.moduleIds.has(route.moduleId));
      if (!granted) throw new AppError(403, 'forbidden', 'This client may not call this endpoint');
      return {
        clientId: client.id,
        clientName: client.name,
        rateLimitPerMinute: client.rateLimitPerMinute,
        maxConcurrent: client.maxConcurrent,
      };
    },
  };
}
