/**
 * The gateway as a Fastify plugin: everything no other plugin claims is a gateway request. Every outcome,
 * 404s and refusals included, leaves an access record once the response is sent.
 */
import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.ts';
import { handleGatewayRequest, type GatewayTrace } from './pipeline.ts';

declare module 'fastify' {
  interface FastifyRequest {
    gatewayTrace: (GatewayTrace & { errorCode: string | null }) | null;
  }
}

export async function gatewayPlugin(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const { services } = opts;
  app.decorateRequest('gatewayTrace', null);
  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/*',
    handler: (request, reply) => {
      const trace = {
        ip: request.ip ?? '',
        path: '',
        route: null,
        clientId: null,
        clientName: null,
        params: null,
        errorCode: null,
      };
      request.gatewayTrace = trace;
      return handleGatewayRequest(services, services.gateway, request, reply, trace);
    },
  });
  // Callback-style hooks: every gateway call passes both, and an async hook costs a promise each time.
  app.addHook('onError', (request, _reply, error, done) => {
    if (request.gatewayTrace) request.gatewayTrace.errorCode = (error as { code?: string }).code ?? null;
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const trace = request.gatewayTrace;
    if (trace) {
      const route = trace.route;
      services.accessRecorder.record({
        time: new Date(),
        endpointId: route?.endpoint?.id ?? null,
        endpointVersion: route?.endpoint?.version ?? null,
        module: route?.moduleId || null,
        clientId: trace.clientId,
        clientName: trace.clientName,
        ip: trace.ip,
        method: request.method,
        path: trace.path,
        status: reply.statusCode,
        durationMs: reply.elapsedTime,
        params: trace.params,
        headers: request.headers,
        body: (request.body ?? null) as object | null,
        requestId: request.id,
        errorCode: trace.errorCode,
      });
    }
    done();
  });
}
