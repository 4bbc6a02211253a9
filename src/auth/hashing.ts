/** Password and client-secret hashing: argon2id with the library's recommended cost. */
import { hash, verify } from '@node-rs/argon2';

// Algorithm.Argon2id: the package exports it as a const enum, which isolated modules cannot read.
const OPTIONS = { algorithm: 2 } as const;

export function hashSecret(plain: string): Promise<string> {
  return hash(plain, OPTIONS);
}

/** False for a wrong secret and for a malformed hash alike. */
export async function verifySecret(stored: string, plain: string): Promise<boolean> {
  try {
    return await verify(stored, plain);
  } catch {
    return false;
  }
}

/**
 * A fixed hash to verify against when the user does not exist, so a wrong user name costs the same time as a
 * wrong password and the answer cannot tell them apart.
 */
let dummy: Promise<string> | undefined;
export async function verifyAgainstNothing(plain: string): Promise<false> {
  dummy ??= hashSecret('portico-timing-equaliser');
  await verifySecret(await dummy, plain);
  return false;
}
