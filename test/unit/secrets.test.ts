import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCipher } from '../../src/auth/encryption.ts';
import { persistedSecret } from '../../src/secrets.ts';
import { TokenService } from '../../src/auth/tokens.ts';
import { hashSecret, verifySecret } from '../../src/auth/hashing.ts';

describe('secrets at rest', () => {
  it('generates a secret once, writes it with mode 0600 and reuses it on the next start', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-secret-'));
    const first = persistedSecret(dir, 'secret_key');
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(fs.statSync(path.join(dir, 'secret_key')).mode & 0o777).toBe(0o600);
    expect(persistedSecret(dir, 'secret_key')).toBe(first);
    fs.rmSync(dir, { recursive: true });
  });

  it('encrypts with a fresh nonce each time and refuses a tampered value', () => {
    const cipher = createCipher('x'.repeat(40));
    const a = cipher.encrypt('hunter2');
    const b = cipher.encrypt('hunter2');
    expect(a).not.toBe(b);
    expect(a).not.toContain('hunter2');
    expect(cipher.decrypt(a)).toBe('hunter2');
    const parts = a.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'))).toThrow();
    expect(() => createCipher('y'.repeat(40)).decrypt(a)).toThrow();
  });

  it('hashes passwords with argon2id and verifies only the right one', async () => {
    const stored = await hashSecret('correct horse');
    expect(stored.startsWith('$argon2id$')).toBe(true);
    expect(await verifySecret(stored, 'correct horse')).toBe(true);
    expect(await verifySecret(stored, 'wrong horse')).toBe(false);
    expect(await verifySecret('not-a-hash', 'x')).toBe(false);
  });
});

describe('tokens', () => {
  const tokens = new TokenService('s'.repeat(40));

  it('accepts its own token for the audience it was issued for, and no other', async () => {
    const issued = await tokens.issue('user-1', 'portico:admin', 60);
    const verified = await tokens.verify(issued.token, 'portico:admin');
    expect(verified.sub).toBe('user-1');
    expect(verified.jti).toBe(issued.jti);
    await expect(tokens.verify(issued.token, 'portico:gateway')).rejects.toMatchObject({ status: 401 });
  });

  it('refuses expired, tampered, foreign-key and unsigned tokens with 401', async () => {
    const expired = await tokens.issue('u', 'portico:admin', -10);
    await expect(tokens.verify(expired.token, 'portico:admin')).rejects.toMatchObject({
      status: 401,
      message: 'Token has expired',
    });
    const good = await tokens.issue('u', 'portico:admin', 60);
    const [h, p, s] = good.token.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    payload.sub = 'someone-else';
    const tampered = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    await expect(tokens.verify(tampered, 'portico:admin')).rejects.toMatchObject({ status: 401 });
    const other = await new TokenService('o'.repeat(40)).issue('u', 'portico:admin', 60);
    await expect(tokens.verify(other.token, 'portico:admin')).rejects.toMatchObject({ status: 401 });
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
    await expect(tokens.verify(none, 'portico:admin')).rejects.toMatchObject({ status: 401 });
  });
});
