/**
 * Secrets of an instance: given in the environment, or generated once and kept in `DATA_DIR` with mode 0600
 * so a restart reuses them (tokens stay valid, stored passwords stay readable).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.ts';

export interface Secrets {
  /** Signs dashboard and gateway tokens. */
  secretKey: string;
  /** Derives the AES-256-GCM key for data-source passwords. */
  encryptionKey: string;
}

export function ensureDataDir(dataDir: string): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
}

/** Reads `name` from `dataDir`, or writes a fresh random value there (0600) and returns it. */
export function persistedSecret(dataDir: string, name: string): string {
  const file = path.join(dataDir, name);
  try {
    const value = fs.readFileSync(file, 'utf8').trim();
    if (value.length >= 32) return value;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  ensureDataDir(dataDir);
  const value = crypto.randomBytes(32).toString('base64url');
  fs.writeFileSync(file, `${value}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return value;
}

export function loadSecrets(config: Config): Secrets {
  return {
    secretKey: config.secretKey ?? persistedSecret(config.dataDir, 'secret_key'),
    encryptionKey: config.encryptionKey ?? persistedSecret(config.dataDir, 'encryption_key'),
  };
}
