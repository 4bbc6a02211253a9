/**
 * The catalog's change notifier. Every write bumps the catalog version in the same transaction and names what
 * changed; subscribers (snapshot builder, pool registry) hear about it after commit. With a PostgreSQL catalog
 * the change is also sent with NOTIFY inside the transaction, so other instances hear it exactly when it commits.
 */
import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import pg from 'pg';
import { sql, type Transaction } from 'kysely';
import type { CatalogDatabase } from './schema.ts';
import type { CatalogKind } from './database.ts';

export const NOTIFY_CHANNEL = 'portico_catalog';
const LISTEN_STATEMENT = `LISTEN ${NOTIFY_CHANNEL}`;

export interface CatalogChange {
  version: number;
  entity: string;
  id: string | null;
  /** The instance that made the change. */
  origin: string;
}

interface Logger {
  warn(obj: object, msg?: string): void;
}

export class CatalogNotifier {
  readonly instanceId = crypto.randomUUID();
  readonly #events = new EventEmitter();
  readonly #kind: CatalogKind;
  readonly #url: string | null;
  readonly #log: Logger | undefined;
  #listener: pg.Client | null = null;
  #stopped = false;

  constructor(kind: CatalogKind, url: string | null, log?: Logger) {
    this.#kind = kind;
    this.#url = url;
    this.#log = log;
    this.#events.setMaxListeners(100);
  }

  /** Bumps the version inside `trx`; returns the change to announce once the transaction commits. */
  async record(trx: Transaction<CatalogDatabase>, entity: string, id: string | null): Promise<CatalogChange> {
    const row = await trx
      .updateTable('catalog_version')
      .set({ version: sql<number>`version + 1` })
      .where('id', '=', 1)
      .returning('version')
      .executeTakeFirstOrThrow();
    const change: CatalogChange = { version: Number(row.version), entity, id, origin: this.instanceId };
    if (this.#kind === 'postgres') {
      await sql`select pg_notify(${NOTIFY_CHANNEL}, ${JSON.stringify(change)})`.execute(trx);
    }
    return change;
  }

  /** Tells local subscribers; called after commit. */
  announce(change: CatalogChange): void {
    this.#events.emit('change', change);
  }

  subscribe(fn: (change: CatalogChange) => void): () => void {
    this.#events.on('change', fn);
    return () => this.#events.off('change', fn);
  }

  /** Starts listening for other instances' changes (PostgreSQL catalog only); reconnects on loss. */
  async start(): Promise<void> {
    if (this.#kind !== 'postgres' || !this.#url || this.#listener) return;
    this.#stopped = false;
    const client = new pg.Client({ connectionString: this.#url, application_name: 'portico-notifier' });
    client.on('notification', (msg) => {
      if (msg.channel !== NOTIFY_CHANNEL || !msg.payload) return;
      try {
        const change = JSON.parse(msg.payload) as CatalogChange;
        if (change.origin !== this.instanceId) this.#events.emit('change', change);
      } catch {
        this.#log?.warn({ payload: msg.payload }, 'ignored a malformed catalog notification');
      }
    });
    client.on('error', (err) => {
      this.#log?.warn({ err: err.message }, 'catalog notifier connection lost; reconnecting');
      this.#listener = null;
      client.end().catch(() => undefined);
      if (!this.#stopped) setTimeout(() => void this.start().catch(() => undefined), 1000).unref();
    });
    await client.connect();
    await client.query(LISTEN_STATEMENT);
    this.#listener = client;
    // A change missed while disconnected is caught up by a full refresh.
    this.#events.emit('change', { version: -1, entity: '*', id: null, origin: 'reconnect' } satisfies CatalogChange);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    const client = this.#listener;
    this.#listener = null;
    if (client) await client.end().catch(() => undefined);
  }
}
