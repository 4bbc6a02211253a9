/**
 * Everything an instance holds, built once from the configuration: the catalog and its repositories, secrets,
 * token service, the pool registry, Redis. Built by a function (no module singletons) so tests can run
 * several instances in one process.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { poolLimits } from './config.ts';
import { loadSecrets, ensureDataDir } from './secrets.ts';
import { openCatalog, type Catalog } from './catalog/catalog.ts';
import { UserRepository } from './catalog/users.ts';
import { RevokedTokenRepository } from './catalog/revoked-tokens.ts';
import { DataSourceRepository } from './catalog/datasources.ts';
import { createCipher } from './auth/encryption.ts';
import { TokenService } from './auth/tokens.ts';
import { PoolRegistry } from './datasources/registry.ts';
import { dialectFor } from './datasources/dialects.ts';
import type { ConnectionSettings, Dialect, Pool } from './datasources/dialect.ts';
import { AppError } from './errors.ts';
import { ensureFirstSuperuser, type FirstAdmin } from './catalog/seed.ts';
import { ModuleRepository } from './catalog/modules.ts';
import { EndpointRepository } from './catalog/endpoints.ts';
import { MacroRepository } from './catalog/macros.ts';
import { ClientRepository } from './catalog/clients.ts';
import { GroupRepository } from './catalog/groups.ts';
import { FirewallRepository } from './catalog/firewall.ts';
import { AccessLogRepository, startRetention } from './catalog/access-logs.ts';
import { AccessRecorder } from './gateway/access-records.ts';
import { Gateway } from './gateway/gateway.ts';
import { createFlowControl, type FlowControl } from './gateway/flow-control.ts';
import { ScriptEngine } from './engines/script/index.ts';

export interface Services {
  config: Config;
  log: Logger;
  catalog: Catalog;
  users: UserRepository;
  revokedTokens: RevokedTokenRepository;
  datasources: DataSourceRepository;
  modules: ModuleRepository;
  endpoints: EndpointRepository;
  macros: MacroRepository;
  clients: ClientRepository;
  groups: GroupRepository;
  firewall: FirewallRepository;
  accessLogs: AccessLogRepository;
  /** Writes gateway access records in batches, off the request path. */
  accessRecorder: AccessRecorder;
  gateway: Gateway;
  /** Rate limits and concurrency slots, on Redis when configured. */
  flow: FlowControl;
  /** The script sandbox (isolate pool) and the services scripts may call. */
  scripts: ScriptEngine;
  tokens: TokenService;
  pools: PoolRegistry;
  redis: Redis | null;
  /** The live pool of a data source (built on first use, rebuilt after the data source changes). */
  dataSourcePool(id: string): Promise<{ pool: Pool; dialect: Dialect; settings: ConnectionSettings }>;
  /** Set when this start created the first administrator. */
  firstAdmin: FirstAdmin | null;
  close(): Promise<void>;
}

export async function createServices(config: Config, log: Logger): Promise<Services> {
  ensureDataDir(config.dataDir);
  const secrets = loadSecrets(config);
  const catalog = await openCatalog(config, log);
  const users = new UserRepository(catalog);
  const datasources = new DataSourceRepository(catalog, createCipher(secrets.encryptionKey));
  const pools = new PoolRegistry(poolLimits(config), log);
  // A changed or deleted data source must not keep serving from its old pool, here or on another instance.
  const unsubscribe = catalog.notifier.subscribe((change) => {
    if (change.entity === 'datasource' && change.id) void pools.drop(change.id);
    if (change.entity === '*') void pools.closeAll();
  });
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false })
    : null;
  redis?.on('error', (err: Error) => log.warn({ err: err.message }, 'redis unavailable'));
  // Wait briefly so a healthy Redis is ready before the first request; a missing one only warns.
  if (redis) {
    await Promise.race([redis.connect().catch(() => undefined), new Promise((r) => setTimeout(r, 2000).unref())]);
  }

  await users.seedSystemRoles();
  const firstAdmin = await ensureFirstSuperuser(config, users);
  const modules = new ModuleRepository(catalog);
  const endpoints = new EndpointRepository(catalog);
  const macros = new MacroRepository(catalog);
  const tokens = new TokenService(secrets.secretKey);
  const scripts = new ScriptEngine(config, redis);
  const gateway = new Gateway({ catalog, modules, datasources, endpoints, macros, tokens }, log, { maxLimit: config.maxResponseRows, scripts });
  await gateway.start();
  // A slot outlives the slowest request it can guard, so only a crashed holder's slots expire.
  const slotTtlSeconds = Math.ceil(Math.max(config.externalDbStatementTimeoutSeconds * 1000, config.scriptExecTimeoutMs) / 1000) + 60;
  const flow = createFlowControl({ redis, log, slotTtlSeconds });
  const accessLogs = new AccessLogRepository(catalog);
  const accessRecorder = new AccessRecorder(accessLogs, { logBody: config.accessLogBody, log });
  const stopRetention = startRetention(accessLogs, config.accessLogRetentionDays, log);
  await catalog.watchForeignWrites();

  return {
    config,
    log,
    catalog,
    users,
    revokedTokens: new RevokedTokenRepository(catalog),
    datasources,
    modules,
    endpoints,
    macros,
    clients: new ClientRepository(catalog),
    groups: new GroupRepository(catalog),
    firewall: new FirewallRepository(catalog),
    accessLogs,
    accessRecorder,
    gateway,
    flow,
    scripts,
    tokens,
    pools,
    redis,
    firstAdmin,
    async dataSourcePool(id) {
      const live = pools.current(id);
      if (live) return live;
      const { isActive, ...settings } = await datasources.settings(id);
      if (!isActive) throw new AppError(503, 'datasource_inactive', 'The data source is switched off');
      return { pool: pools.get(id, settings), dialect: dialectFor(settings.type), settings };
    },
    async close() {
      unsubscribe();
      gateway.stop();
      await flow.close();
      stopRetention();
      await accessRecorder.close();
      await scripts.close();
      await pools.closeAll();
      redis?.disconnect();
      await catalog.close();
    },
  };
}
