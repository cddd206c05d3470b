import type { Db } from './db.js';

export interface StoredKey {
  id: string;
  privateJwk: Record<string, unknown>;
  publicJwk: Record<string, unknown>;
}

/** The built-in issuer's signing keys: stored so tokens outlive a restart. */
export function createKeyRepository(db: Db) {
  return {
    async current(): Promise<StoredKey | undefined> {
      const row = await db('signing_keys').orderBy('created_at', 'desc').first();
      return row ? { id: row.id, privateJwk: row.private_jwk, publicJwk: row.public_jwk } : undefined;
    },
    /** Stores a key unless another process stored one first; returns the key in force. */
    async insertIfNone(key: StoredKey): Promise<StoredKey> {
      await db.transaction(async (trx) => {
        await trx.raw('LOCK TABLE signing_keys IN EXCLUSIVE MODE');
        const existing = await trx('signing_keys').first('id');
        if (!existing) await trx('signing_keys').insert({ id: key.id, private_jwk: JSON.stringify(key.privateJwk), public_jwk: JSON.stringify(key.publicJwk) });
      });
      return (await this.current())!;
    },
  };
}
