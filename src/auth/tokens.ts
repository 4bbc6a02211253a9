/**
 * Signed tokens (jose, HS256 pinned). The audience tells a dashboard token from a gateway token, so one is
 * never accepted in place of the other; every token has an expiry and a `jti` for revocation.
 */
import crypto from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { unauthorized } from '../errors.ts';

export type TokenAudience = 'portico:admin' | 'portico:gateway';

const ALGORITHM = 'HS256';
const ISSUER = 'portico';

export interface IssuedToken {
  token: string;
  jti: string;
  expiresAt: Date;
}

export interface VerifiedToken {
  sub: string;
  jti: string;
  issuedAt: number;
  expiresAt: number;
}

export class TokenService {
  readonly #key: Uint8Array;

  constructor(secretKey: string) {
    this.#key = new TextEncoder().encode(secretKey);
  }

  async issue(subject: string, audience: TokenAudience, ttlSeconds: number): Promise<IssuedToken> {
    const jti = crypto.randomUUID();
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(subject)
      .setIssuer(ISSUER)
      .setAudience(audience)
      .setJti(jti)
      .setIssuedAt(now)
      .setExpirationTime(now + ttlSeconds)
      .sign(this.#key);
    return { token, jti, expiresAt: new Date((now + ttlSeconds) * 1000) };
  }

  /** Throws a 401 AppError for anything but a valid, unexpired token of `audience`. */
  async verify(token: string, audience: TokenAudience): Promise<VerifiedToken> {
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        audience,
        requiredClaims: ['sub', 'jti', 'exp', 'iat'],
      });
      return {
        sub: payload.sub as string,
        jti: payload.jti as string,
        issuedAt: payload.iat as number,
        expiresAt: payload.exp as number,
      };
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw unauthorized('Token has expired');
      throw unauthorized('Could not validate credentials');
    }
  }
}

/**
 * Cut-off for "sign out every older session" (password change, secret rotation, deactivation), stored as an
 * ISO time. JWTs carry `iat` in whole seconds, so the first accepted `iat` is the next whole second after the
 * cut-off: a token issued earlier in the same second is refused.
 */
export function tokensValidFrom(validAfter: string): number {
  return Math.ceil(Date.parse(validAfter) / 1000);
}

export function issuedBeforeCutOff(verified: VerifiedToken, validAfter: string): boolean {
  return verified.issuedAt < tokensValidFrom(validAfter);
}

/** Right after a cut-off, waits (at most a second) so a new token carries a later second and is accepted. */
export async function waitPastCutOff(validAfter: string): Promise<void> {
  const wait = tokensValidFrom(validAfter) * 1000 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
