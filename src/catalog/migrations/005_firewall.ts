/**
 * The gateway's IP firewall: allow and deny rules for an address or CIDR block, global (client_id null) or
 * for one gateway client. `cidr` is stored normalised (`10.0.0.0/8`, `2001:db8::/32`, `192.168.1.7/32`).
 *
 * `client_id` is the client's row id (`clients.id`), kept as plain text without a foreign key: the clients
 * table was added concurrently with this migration. Deleting a client should delete its rules
 * (`deleteClientFirewallRules` in catalog/firewall.ts); a rule naming no existing client never matches.
 */
import type { Kysely } from 'kysely';

const ID = 'varchar(36)';
const TIME = 'varchar(32)';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('firewall_rules')
    .addColumn('id', ID, (c) => c.primaryKey())
    .addColumn('action', 'varchar(8)', (c) => c.notNull())
    .addColumn('cidr', 'varchar(64)', (c) => c.notNull())
    .addColumn('client_id', ID)
    .addColumn('description', 'text')
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', TIME, (c) => c.notNull())
    .addColumn('updated_at', TIME, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('firewall_rules_client').on('firewall_rules').column('client_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('firewall_rules').execute();
}
