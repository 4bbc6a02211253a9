/**
 * `portico serve --workers N`: N processes on one port (node:cluster shares the listening socket). The
 * primary prepares the catalog once (migrations, first administrator, demo) so workers never race on it,
 * restarts a worker that dies, and passes SIGINT/SIGTERM on for a graceful stop. Workers of one machine share
 * the catalog like any instances do; give them REDIS_URL so rate and concurrency limits are shared too.
 */
import cluster from 'node:cluster';
import type { Config } from '../config.ts';
import { createLogger } from '../logger.ts';
import { createServices } from '../services.ts';
import { ensureDemo } from '../demo.ts';

export const isWorker = (): boolean => cluster.isWorker;

export async function runPrimary(config: Config, workers: number): Promise<void> {
  const log = createLogger(config);
  const services = await createServices(config, log);
  if (config.demo) await ensureDemo(services);
  const admin = services.firstAdmin;
  await services.close();
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`Portico: starting ${workers} workers on port ${config.port}${config.redisUrl ? '' : ' (no REDIS_URL: each worker keeps its own limits)'}`);
  if (admin?.generatedPassword) {
    out(`First administrator created: user "${admin.username}", password "${admin.generatedPassword}" (also in ${admin.passwordFile})`);
  }

  let stopping = false;
  const start = () => cluster.fork();
  for (let i = 0; i < workers; i++) start();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    log.error({ worker: worker.process.pid, code, signal }, 'worker died; starting another');
    setTimeout(start, 1000).unref();
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    setTimeout(() => process.exit(1), 20_000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
