/** Revoked token ids (logout), kept until the token would have expired anyway. */
import type { Catalog } from './catalog.ts';
import { now } from './catalog.ts';

export class RevokedTokenRepository {
  readonly #catalog: Catalog;

  constructor(catalog: Catalog) {
    this.#catalog = catalog;
  }

  async revoke(jti: string, expiresAt: Date): Promise<void> {
    await this.#catalog.write(async (trx, changed) => {
      await trx.deleteFrom('revoked_tokens').where('expires_at', '<', now()).execute();
      await trx
        .insertInto('revoked_tokens')
        .values({ jti, expires_at: expiresAt.toISOString() })
        .onConflict((oc) => oc.column('jti').doNothing())
        .execute();
      changed('revoked_token', jti);
    });
  }

  async isRevoked(jti: string): Promise<boolean> {
    const row = await this.#catalog.db.selectFrom('revoked_tokens').select('jti').where('jti', '=', jti).executeTakeFirst();
    return row !== undefined;
  }
}
