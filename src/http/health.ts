/** Liveness (the process answers) and readiness (the catalog, and Redis when configured, answer). */
import type { FastifyInstance } from 'fastify';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

const withTimeout = (p: Promise<void>, ms: number): Promise<void> =>
  Promise.race([
    p,
    new Promise<void>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);

export function registerHealth(app: FastifyInstance, checks: ReadinessCheck[]): void {
  app.get('/health/live', async () => ({ status: 'ok' }));
  app.get('/health/ready', async (_request, reply) => {
    const results: Record<string, string> = {};
    let ready = true;
    await Promise.all(
      checks.map(async (c) => {
        try {
          await withTimeout(c.check(), 2000);
          results[c.name] = 'ok';
        } catch (err) {
          ready = false;
          results[c.name] = `unavailable: ${err instanceof Error ? err.message : String(err)}`;
        }
      }),
    );
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable', checks: results });
  });
}
