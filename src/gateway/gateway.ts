/**
 * Holds the live snapshot and rebuilds it when the catalog changes (here or, through the notifier, on another
 * instance). Rebuilds are serialised and coalesced: a burst of changes costs one or two builds.
 */
import type { Logger } from 'pino';
import type { Catalog } from '../catalog/catalog.ts';
import type { ModuleRepository } from '../catalog/modules.ts';
import { loadSpecText, buildTableModel } from '../openapi/import/index.ts';
import { assembleSnapshot, moduleRoutes, type Snapshot } from './snapshot.ts';
import type { DataSourceRepository } from '../catalog/datasources.ts';
import type { EndpointRepository } from '../catalog/endpoints.ts';
import type { MacroRepository } from '../catalog/macros.ts';
import { endpointModules } from './endpoints.ts';
import { loadAccessSnapshot } from './client-auth.ts';
import { loadFirewall } from './firewall.ts';
import type { TokenService } from '../auth/tokens.ts';
import type { ScriptEngine } from '../engines/script/index.ts';

/** Changes that alter routes: every route is prepared again. */
const ROUTE_ENTITIES = new Set(['module', 'spec', 'datasource', 'endpoint', 'macro', '*']);
/** Changes that alter only who may call (clients, grants, firewall): the routes are kept as they are. */
const GUARD_ENTITIES = new Set(['client', 'group', 'firewall']);

export type RefreshScope = 'all' | 'guards';

export class Gateway {
  readonly #catalog: Catalog;
  readonly #modules: ModuleRepository;
  readonly #datasources: DataSourceRepository;
  readonly #endpoints: EndpointRepository;
  readonly #macros: MacroRepository;
  readonly #tokens: TokenService;
  readonly #log: Logger;
  readonly #maxLimit: number;
  readonly #scripts: ScriptEngine | null;
  #current: Snapshot = assembleSnapshot(0, []);
  #building: Promise<void> | null = null;
  #again = false;
  #routesStale = false;
  #unsubscribe: (() => void) | null = null;

  constructor(
    deps: {
      catalog: Catalog;
      modules: ModuleRepository;
      datasources: DataSourceRepository;
      endpoints: EndpointRepository;
      macros: MacroRepository;
      tokens: TokenService;
    },
    log: Logger,
    options: { maxLimit: number; scripts?: ScriptEngine | null },
  ) {
    this.#catalog = deps.catalog;
    this.#modules = deps.modules;
    this.#datasources = deps.datasources;
    this.#endpoints = deps.endpoints;
    this.#macros = deps.macros;
    this.#tokens = deps.tokens;
    this.#log = log;
    this.#maxLimit = options.maxLimit;
    this.#scripts = options.scripts ?? null;
  }

  get snapshot(): Snapshot {
    return this.#current;
  }

  /** Builds the first snapshot and follows catalog changes from then on. */
  async start(): Promise<void> {
    this.#unsubscribe = this.#catalog.notifier.subscribe((change) => {
      if (ROUTE_ENTITIES.has(change.entity)) void this.refresh('all');
      else if (GUARD_ENTITIES.has(change.entity)) void this.refresh('guards');
    });
    await this.refresh();
  }

  stop(): void {
    this.#unsubscribe?.();
  }

  /**
   * Rebuilds now (or right after the build in progress); resolves when the new snapshot is live. `guards`
   * reloads only clients, grants and firewall rules and keeps the prepared routes.
   */
  refresh(scope: RefreshScope = 'all'): Promise<void> {
    if (scope === 'all') this.#routesStale = true;
    if (this.#building) {
      this.#again = true;
      return this.#building;
    }
    this.#building = (async () => {
      try {
        do {
          this.#again = false;
          const routes = this.#routesStale;
          this.#routesStale = false;
          this.#current = routes ? await this.#build() : { ...this.#current, ...(await this.#guards()), version: await this.#catalog.version() };
        } while (this.#again);
      } catch (err) {
        this.#routesStale = true;
        this.#log.error({ err }, 'gateway snapshot rebuild failed; the previous one stays live');
      } finally {
        this.#building = null;
      }
    })();
    return this.#building;
  }

  async #guards() {
    return { access: await loadAccessSnapshot(this.#catalog, this.#tokens), firewall: await loadFirewall(this.#catalog) };
  }

  async #build(): Promise<Snapshot> {
    const version = await this.#catalog.version();
    const datasources = await this.#datasources.refs();
    const specs = await this.#modules.activeSpecs();
    const modules = await Promise.all(
      specs.map(async (spec) => {
        let doc: unknown;
        try {
          doc = await loadSpecText(spec.content, spec.filename ?? undefined);
        } catch (err) {
          return { module: spec.module_name, build: () => { throw err; } };
        }
        const def = { module: spec.module_name, moduleId: spec.module_id, prefix: spec.path_prefix, access: spec.access_type };
        return {
          module: spec.module_name,
          build: () => {
            const model = buildTableModel(doc, { datasources });
            return { ...def, model, routes: moduleRoutes({ ...def, model }, datasources, { maxLimit: this.#maxLimit }) };
          },
        };
      }),
    );
    const managed = endpointModules(await this.#endpoints.publishedEndpoints(), await this.#macros.allPublishedMacros(), {
      scripts: this.#scripts,
      datasources,
    });
    const snapshot = assembleSnapshot(version, [...modules, ...managed], this.#log, await this.#guards());
    this.#log.info({ version, routes: snapshot.routes.length, broken: snapshot.broken.length }, 'gateway snapshot live');
    return snapshot;
  }
}
