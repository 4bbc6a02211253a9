/**
 * Encryption at rest for data-source passwords: AES-256-GCM with a random 96-bit nonce per value. The key is
 * derived from ENCRYPTION_KEY (or the embedded secret) with HKDF, so any long random string works as a key.
 * Stored form: `v1.<nonce>.<tag>.<ciphertext>`, base64url parts.
 */
import crypto from 'node:crypto';

export interface Cipher {
  encrypt(plain: string): string;
  decrypt(stored: string): string;
}

export function createCipher(secret: string): Cipher {
  const key = Buffer.from(crypto.hkdfSync('sha256', secret, 'portico', 'datasource-password', 32));
  return {
    encrypt(plain) {
      const nonce = crypto.randomBytes(12);
      const c = crypto.createCipheriv('aes-256-gcm', key, nonce);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return ['v1', nonce, c.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
    },
    decrypt(stored) {
      const [version, nonce, tag, body] = stored.split('.');
      if (version !== 'v1' || nonce === undefined || tag === undefined || body === undefined) {
        throw new Error('Stored secret has an unknown format');
      }
      const d = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
      d.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
    },
  };
}
