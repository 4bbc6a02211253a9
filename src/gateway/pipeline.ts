/**
 * One gateway request, start to end, in the order DESIGN.md gives:
 * resolve → firewall → auth → concurrency slot → rate limit → parameters → engine → response, and an access
 * record of whatever the outcome (written by the gateway plugin once the response is sent). Each step is
 * timed into `Server-Timing`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../services.ts';
import type { Gateway } from './gateway.ts';
import type { GatewayRoute, Snapshot } from './snapshot.ts';
import type { EngineRequest, Naming } from '../engines/engine.ts';
import { AppError, notFound } from '../errors.ts';
import { bearerToken } from '../admin/guard.ts';

/** What the access record needs to know about a request, filled in as the pipeline goes. */
export interface GatewayTrace {
  route: GatewayRoute | null;
  clientId: string | null;
  clientName: string | null;
  params: unknown;
}

const timer = () => {
  const marks: string[] = [];
  let last = performance.now();
  return {
    mark(name: string) {
      const t = performance.now();
      marks.push(`${name};dur=${(t - last).toFixed(2)}`);
      last = t;
    },
    header: () => marks.join(', '),
  };
};

function namingOf(query: URLSearchParams, header: string | string[] | undefined): Naming {
  const asked = query.get('naming') ?? (Array.isArray(header) ? header[0] : header);
  if (asked === undefined || asked === null || asked === '' || asked === 'as-is' || asked === 'snake') return 'as-is';
  if (asked.toLowerCase() === 'camel') return 'camel';
  throw new AppError(400, 'invalid_parameter', `naming: "${asked}" is not supported (use "camel")`);
}

function lowerHeaders(request: FastifyRequest): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(request.headers)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

const denied = (message: string) => new AppError(403, 'ip_denied', message);

/** Firewall (global rules, then the client's), then the client token for private routes. */
async function admit(snapshot: Snapshot, route: GatewayRoute, request: FastifyRequest, trace: GatewayTrace) {
  if (snapshot.firewall.check(request.ip, null) === 'deny') throw denied('Calls from this address are not allowed');
  if (route.access !== 'private') return null;
  const client = await snapshot.access.authorize(bearerToken(request), {
    endpointId: route.endpoint?.id ?? null,
    moduleId: route.moduleId || null,
  });
  trace.clientId = client.clientId;
  trace.clientName = client.clientName;
  if (snapshot.firewall.check(request.ip, client.clientId) === 'deny') throw denied('Calls from this address are not allowed for this client');
  return client;
}

export async function handleGatewayRequest(
  services: Services,
  gateway: Gateway,
  request: FastifyRequest,
  reply: FastifyReply,
  trace: GatewayTrace,
): Promise<void> {
  const { config, flow } = services;
  const t = timer();
  const url = request.raw.url ?? '/';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const search = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));

  // resolve
  const snapshot = gateway.snapshot;
  const match = snapshot.find(request.method, path);
  if (!match) throw notFound(`No route for ${request.method} ${path}`);
  const { route, params } = match;
  trace.route = route;
  t.mark('resolve');

  // firewall, auth
  const client = await admit(snapshot, route, request, trace);
  t.mark('auth');

  // concurrency slot: per client, per address for public calls; released on every outcome.
  const subject = client ? `client:${client.clientId}` : `ip:${request.ip}`;
  const slot = await flow.acquire(subject, client?.maxConcurrent ?? config.maxConcurrentPerClient);
  if (!slot.ok) {
    reply.header('retry-after', String(slot.retryAfterSeconds));
    throw new AppError(503, 'too_many_concurrent', 'Too many calls in progress for this caller; retry shortly');
  }
  try {
    // rate limit: the endpoint's own limit counts on its own; otherwise the client's or the default.
    const own = route.endpoint?.rateLimitPerMinute ?? null;
    const limit = own ?? client?.rateLimitPerMinute ?? config.rateLimitPerMinute;
    if (config.rateLimitEnabled && limit > 0) {
      const rate = await flow.rate(own ? `${subject}:${route.endpoint!.id}` : subject, limit);
      reply.header('x-ratelimit-limit', String(rate.limit));
      reply.header('x-ratelimit-remaining', String(rate.remaining));
      reply.header('x-ratelimit-reset', String(rate.resetSeconds));
      if (!rate.allowed) {
        reply.header('retry-after', String(rate.retryAfterSeconds));
        throw new AppError(429, 'rate_limited', `Rate limit of ${rate.limit} calls per minute reached`);
      }
    }
    t.mark('limits');

    // parameters
    const naming = namingOf(search, request.headers['x-response-naming']);
    search.delete('naming');
    const engineRequest: EngineRequest = {
      method: request.method,
      params,
      query: [...search],
      headers: lowerHeaders(request),
      body: request.body,
      naming,
    };
    trace.params = Object.keys(params).length > 0 || search.size > 0 ? { path: params, query: Object.fromEntries(search) } : null;
    const { pool, dialect, settings } = await services.dataSourcePool(route.datasourceId);
    t.mark('params');

    // engine
    const result = await route.runnable.run(engineRequest, { pool, dialect, maxRows: config.maxResponseRows, log: request.log, datasource: settings });
    t.mark('engine');

    reply.status(result.status);
    if (result.headers) reply.headers(result.headers);
    reply.header('server-timing', t.header());
    if (result.json !== undefined) {
      reply.type('application/json; charset=utf-8');
      await reply.send(result.json);
    } else {
      await reply.send(result.body);
    }
  } finally {
    await slot.release();
  }
}
