/**
 * The first administrator: FIRST_SUPERUSER / FIRST_SUPERUSER_PASSWORD when given, otherwise (embedded mode)
 * `admin` with a generated password written once to DATA_DIR/initial_admin_password (mode 0600).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import type { UserRepository } from './users.ts';
import { hashSecret } from '../auth/hashing.ts';

export interface FirstAdmin {
  username: string;
  /** Only when generated, so it can be printed once. */
  generatedPassword: string | null;
  passwordFile: string | null;
}

export const INITIAL_PASSWORD_FILE = 'initial_admin_password';

export async function ensureFirstSuperuser(config: Config, users: UserRepository): Promise<FirstAdmin | null> {
  if (config.firstSuperuser) {
    if (await users.byUsername(config.firstSuperuser)) return null;
    await users.create({
      username: config.firstSuperuser,
      passwordHash: await hashSecret(config.firstSuperuserPassword!),
      isSuperuser: true,
      roles: ['Admin'],
    });
    return { username: config.firstSuperuser, generatedPassword: null, passwordFile: null };
  }
  if ((await users.count()) > 0) return null;
  const password = crypto.randomBytes(12).toString('base64url');
  await users.create({ username: 'admin', passwordHash: await hashSecret(password), isSuperuser: true, roles: ['Admin'] });
  const file = path.join(config.dataDir, INITIAL_PASSWORD_FILE);
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return { username: 'admin', generatedPassword: password, passwordFile: file };
}
