/**
 * One gateway request, start to end, in the order DESIGN.md gives:
 * resolve → (firewall → auth → concurrency → rate limit: with the gateway-security work) → parameters →
 * engine → response. Each step is timed into `Server-Timing`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../services.ts';
import type { Gateway } from './gateway.ts';
import type { EngineRequest, Naming } from '../engines/engine.ts';
import { AppError, notFound } from '../errors.ts';

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

export async function handleGatewayRequest(
  services: Services,
  gateway: Gateway,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const t = timer();
  const url = request.raw.url ?? '/';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const search = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));

  // resolve
  const match = gateway.snapshot.find(request.method, path);
  if (!match) throw notFound(`No route for ${request.method} ${path}`);
  const { route, params } = match;
  t.mark('resolve');

  // auth: private endpoints need a client token, which arrives with the gateway-security work.
  if (route.access === 'private') {
    throw new AppError(401, 'unauthorized', 'This endpoint is private: call it with a client token');
  }

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
  const { pool, dialect } = await services.dataSourcePool(route.datasourceId);
  t.mark('params');

  // engine
  const result = await route.runnable.run(engineRequest, { pool, dialect, maxRows: services.config.maxResponseRows });
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
}
