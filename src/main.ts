/** The `portico` command line. */
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Config } from './config.ts';
import { configOrExit } from './cli/context.ts';
import { importCommand } from './cli/import.ts';
import { introspectCommand } from './cli/introspect.ts';
import { isWorker, runPrimary } from './cli/workers.ts';
import { createLogger } from './logger.ts';
import { createServices } from './services.ts';
import { buildApp } from './server.ts';
import { ensureDemo, DEMO_MODULE } from './demo.ts';
import { INITIAL_PASSWORD_FILE } from './catalog/seed.ts';
import fs from 'node:fs';
import path from 'node:path';

const VERSION = '0.1.0';

/** Starts serving; resolves once listening. Stops gracefully on SIGINT/SIGTERM. */
export async function serve(config: Config, options: { quiet?: boolean } = {}): Promise<void> {
  const log = createLogger(config);
  const services = await createServices(config, log);
  if (config.demo && !options.quiet) await ensureDemo(services);
  const app = await buildApp(services);
  const address = await app.listen({ port: config.port, host: config.host });

  const out = (line: string) => void (options.quiet ? undefined : process.stdout.write(`${line}\n`));
  if (options.quiet) process.stdout.write(`worker ${process.pid} listening on ${address}\n`);
  out(`Portico ${VERSION} listening on ${address.replace('127.0.0.1', 'localhost').replace('[::1]', 'localhost')}`);
  out(`Catalog: ${services.catalog.kind} (${services.catalog.location})`);
  if (config.demo && (await services.modules.byName(DEMO_MODULE))) {
    const base = address.replace('127.0.0.1', 'localhost').replace('[::1]', 'localhost');
    out(`Demo: ${base}/${DEMO_MODULE}/album/5 (Chinook on SQLite, public; PORTICO_DEMO=false turns it off)`);
  }
  const admin = services.firstAdmin;
  if (admin?.generatedPassword) {
    out(`First administrator created: user "${admin.username}", password "${admin.generatedPassword}"`);
    out(`The password is also in ${admin.passwordFile} (mode 0600); change it after signing in.`);
  } else {
    const file = path.join(config.dataDir, INITIAL_PASSWORD_FILE);
    if (fs.existsSync(file)) out(`Administrator "admin": the generated password is in ${file}`);
  }

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      log.error('shutdown took longer than 15 s; exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

function parseWorkers(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 64) throw new InvalidArgumentError('must be a number from 1 to 64');
  return n;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError('must be a port number from 0 to 65535');
  return n;
}

export function program(): Command {
  const cli = new Command('portico').description('Database APIs with a gateway').version(VERSION);
  cli
    .command('serve')
    .description('serve the gateway, the admin API and the UI')
    .addOption(new Option('-p, --port <port>', 'port to listen on (env PORT)').argParser(parsePort))
    .addOption(new Option('-H, --host <host>', 'address to listen on (env HOST)'))
    .addOption(new Option('-w, --workers <n>', 'processes sharing the port').argParser(parseWorkers).default(1))
    .action(async (opts: { port?: number; host?: string; workers: number }) => {
      const overrides: Partial<Config> = {};
      if (opts.port !== undefined) overrides.port = opts.port;
      if (opts.host !== undefined) overrides.host = opts.host;
      const config = configOrExit(overrides);
      if (opts.workers > 1 && !isWorker()) await runPrimary(config, opts.workers);
      else await serve(config, { quiet: isWorker() });
    });
  cli
    .command('import <file>')
    .description('import an annotated OpenAPI document (YAML or JSON) as a module of table APIs')
    .requiredOption('-m, --module <name>', 'module name')
    .option('--prefix <prefix>', 'URL prefix (default: the module name; "" for none)')
    .addOption(new Option('--access <access>', 'who may call the routes').choices(['public', 'private']).default('private'))
    .action(importCommand);
  cli
    .command('introspect')
    .description('generate an annotated OpenAPI document from a live database schema')
    .option('-d, --datasource <name>', 'a data source in the catalog')
    .option('-u, --url <url>', 'postgres://…, mysql://… or sqlite:path')
    .option('-s, --schema <schema>', 'database schema (default: the connection\'s)')
    .option('-n, --name <name>', 'data-source name written into x-am-database')
    .option('-o, --out <file>', 'write to a file (.yaml or .json) instead of standard output')
    .action(introspectCommand);
  return cli;
}

const invokedDirectly = process.argv[1] && /main\.(ts|js)$/.test(process.argv[1]);
if (invokedDirectly) {
  program()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      process.stderr.write(`portico: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
}
