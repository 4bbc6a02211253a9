/**
 * `POST /token/generate` (also `/api/token/generate`): OAuth2 client credentials → a gateway token. JSON or
 * form body, or the credentials in HTTP Basic. A wrong secret, an unknown client and an inactive client get
 * the same answer after the same work (one argon2 verification each), so the answer tells nothing about which.
 * Rate limited per caller IP.
 *
 * Register it as a plugin (`app.register(tokenRoutes, deps)`): it brings its own rate limiter, encapsulated.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { Catalog } from '../catalog/catalog.ts';
import { ClientRepository } from '../catalog/clients.ts';
import { waitPastCutOff, type TokenService } from '../auth/tokens.ts';
import { verifyAgainstNothing, verifySecret } from '../auth/hashing.ts';
import { AppError } from '../errors.ts';

export interface TokenRouteDeps {
  catalog: Catalog;
  tokens: TokenService;
  /** Token requests per minute per caller IP. */
  rateLimitPerMinute: number;
}

const invalidClient = () => new AppError(401, 'invalid_client', 'Invalid client credentials');
const invalidRequest = (message: string) => new AppError(400, 'invalid_request', message);

/** The credentials from the body, or from `Authorization: Basic` (client_secret_basic). */
function credentials(request: FastifyRequest): { grantType: unknown; clientId: unknown; clientSecret: unknown } {
  const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
  let clientId = body.client_id;
  let clientSecret = body.client_secret;
  const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (basic && clientId === undefined && clientSecret === undefined) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      try {
        clientId = decodeURIComponent(decoded.slice(0, colon));
        clientSecret = decodeURIComponent(decoded.slice(colon + 1));
      } catch {
        throw invalidRequest('Authorization: malformed Basic credentials');
      }
    }
  }
  return { grantType: body.grant_type, clientId, clientSecret };
}

export async function tokenRoutes(app: FastifyInstance, deps: TokenRouteDeps): Promise<void> {
  const clients = new ClientRepository(deps.catalog);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      code: 'rate_limited',
      message: `Too many token requests; try again in ${Math.ceil(ctx.ttl / 1000)} s`,
    }),
  });

  const config = { rateLimit: { max: deps.rateLimitPerMinute, timeWindow: 60_000 } };
  for (const url of ['/token/generate', '/api/token/generate']) {
    app.post(url, { config }, async (request, reply) => {
      const { grantType, clientId, clientSecret } = credentials(request);
      if (grantType !== undefined && grantType !== '' && grantType !== 'client_credentials') {
        throw new AppError(400, 'unsupported_grant_type', 'grant_type must be "client_credentials"');
      }
      if (typeof clientId !== 'string' || clientId === '' || clientId.length > 128) {
        throw invalidRequest('client_id is required');
      }
      if (typeof clientSecret !== 'string' || clientSecret === '' || clientSecret.length > 1024) {
        throw invalidRequest('client_secret is required');
      }
      const client = await clients.byClientId(clientId);
      // The same work whether or not the client exists or is active.
      const ok = client ? await verifySecret(client.secret_hash, clientSecret) : await verifyAgainstNothing(clientSecret);
      if (!client || !ok || client.is_active !== 1) throw invalidClient();
      await waitPastCutOff(client.tokens_valid_after);
      const issued = await deps.tokens.issue(client.id, 'portico:gateway', client.token_expire_seconds);
      request.log.info({ client: client.client_id }, 'gateway token issued');
      reply.header('cache-control', 'no-store');
      return { access_token: issued.token, token_type: 'bearer', expires_in: client.token_expire_seconds };
    });
  }
}
