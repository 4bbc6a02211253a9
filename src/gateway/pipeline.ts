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
  /** The caller's address (`request.ip`, read once). */
  ip: string;
  /** The request path without the query string (set first thing by the pipeline). */
  path: string;
  route: GatewayRoute | null;
  clientId: string | null;
  clientName: string | null;
  params: unknown;
}

/** Step durations for `Server-Timing`, as one string built while the request goes. */
class Timing {
  #last = performance.now();
  #header = '';

  mark(name: string): void {
    const t = performance.now();
    this.#header += `${this.#header === '' ? '' : ', '}${name};dur=${(t - this.#last).toFixed(2)}`;
    this.#last = t;
  }

  get header(): string {
    return this.#header;
  }
}

function namingOf(query: URLSearchParams | null, header: string | string[] | undefined): Naming {
  const asked = query?.get('naming') ?? (Array.isArray(header) ? header[0] : header);
  if (asked === undefined || asked === null || asked === '' || asked === 'as-is' || asked === 'snake') return 'as-is';
  if (asked.toLowerCase() === 'camel') return 'camel';
  throw new AppError(400, 'invalid_parameter', `naming: "${asked}" is not supported (use "camel")`);
}

/** Node gives header names lowercased and repeated headers joined, except a few (set-cookie) as arrays. */
function headersOf(request: FastifyRequest): Record<string, string | undefined> {
  const headers = request.headers;
  for (const v of Object.values(headers)) {
    if (Array.isArray(v)) {
      return Object.fromEntries(Object.entries(headers).map(([k, h]) => [k, Array.isArray(h) ? h.join(', ') : h]));
    }
  }
  return headers as Record<string, string | undefined>;
}

const denied = (message: string) => new AppError(403, 'ip_denied', message);

/** The client token of a private route, then the client's own firewall rules. */
async function authorize(snapshot: Snapshot, route: GatewayRoute, request: FastifyRequest, trace: GatewayTrace) {
  const client = await snapshot.access.authorize(bearerToken(request), {
    endpointId: route.endpoint?.id ?? null,
    moduleId: route.moduleId || null,
  });
  trace.clientId = client.clientId;
  trace.clientName = client.clientName;
  if (snapshot.firewall.check(trace.ip, client.clientId) === 'deny') throw denied('Calls from this address are not allowed for this client');
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
  const t = new Timing();
  const url = request.raw.url ?? '/';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  trace.path = path;
  const search = q === -1 ? null : new URLSearchParams(url.slice(q + 1));

  // resolve
  const snapshot = gateway.snapshot;
  const match = snapshot.find(request.method, path);
  if (!match) throw notFound(`No route for ${request.method} ${path}`);
  const { route, params } = match;
  trace.route = route;
  t.mark('resolve');

  // firewall (global rules), then the client and its own rules on private routes
  if (snapshot.firewall.check(trace.ip, null) === 'deny') throw denied('Calls from this address are not allowed');
  const client = route.access === 'private' ? await authorize(snapshot, route, request, trace) : null;
  t.mark('auth');

  // concurrency slot: per client, per address for public calls; released on every outcome.
  const subject = client ? `client:${client.clientId}` : `ip:${trace.ip}`;
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
    search?.delete('naming');
    const engineRequest: EngineRequest = {
      method: request.method,
      params,
      query: search ? [...search] : [],
      headers: headersOf(request),
      body: request.body,
      naming,
    };
    const hasQuery = search !== null && search.size > 0;
    trace.params = hasQuery || Object.keys(params).length > 0 ? { path: params, query: hasQuery ? Object.fromEntries(search) : {} } : null;
    const { pool, dialect, settings } = await services.dataSourcePool(route.datasourceId);
    t.mark('params');

    // engine
    const result = await route.runnable.run(engineRequest, { pool, dialect, maxRows: config.maxResponseRows, log: request.log, datasource: settings });
    t.mark('engine');

    reply.status(result.status);
    if (result.headers) reply.headers(result.headers);
    reply.header('server-timing', t.header);
    if (result.json !== undefined) {
      // Text is written at once; only a streamed body (below) is awaited until it has been sent.
      reply.type('application/json; charset=utf-8');
      reply.send(result.json);
    } else {
      await reply.send(result.body);
    }
  } finally {
    await slot.release();
  }
}
