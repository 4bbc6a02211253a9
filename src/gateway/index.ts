/** The gateway as a Fastify plugin: everything no other plugin claims is a gateway request. */
import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.ts';
import { handleGatewayRequest } from './pipeline.ts';

export async function gatewayPlugin(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const { services } = opts;
  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/*',
    handler: (request, reply) => handleGatewayRequest(services, services.gateway, request, reply),
  });
}
