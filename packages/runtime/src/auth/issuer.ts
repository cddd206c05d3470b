import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK } from 'jose';
import { unauthorized } from '../errors.js';
import type { Db } from '../store/db.js';
import { createKeyRepository } from '../store/keyRepository.js';
import { principalFromClaims } from './claims.js';
import type { Principal } from './roles.js';

export const EMBEDDED_ISSUER = 'urn:exflow:embedded';
export const AUDIENCE = 'exflow';

/** Signs and verifies bearer tokens with the built-in issuer's ES256 key (kept in the database). */
export interface Issuer {
  sign(principal: Principal): Promise<string>;
  verify(token: string): Promise<Principal>;
  jwks(): { keys: JWK[] };
}

export async function createEmbeddedIssuer(db: Db, ttl: string): Promise<Issuer> {
  const keys = createKeyRepository(db);
  let stored = await keys.current();
  if (!stored) {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = randomUUID();
    stored = await keys.insertIfNone({
      id: kid,
      privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256' },
      publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' },
    });
  }
  const privateKey = await importJWK(stored.privateJwk as JWK, 'ES256');
  const publicJwks = { keys: [stored.publicJwk as JWK] };
  const keySet = createLocalJWKSet(publicJwks);
  const kid = stored.id;

  return {
    async sign(p) {
      return new SignJWT({ tid: p.tenantId, roles: p.roles, email: p.email, name: p.name })
        .setProtectedHeader({ alg: 'ES256', kid })
        .setSubject(p.userId)
        .setIssuer(EMBEDDED_ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(ttl)
        .sign(privateKey);
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, keySet, { issuer: EMBEDDED_ISSUER, audience: AUDIENCE });
        return principalFromClaims(payload, { tenant: 'tid', roles: 'roles' });
      } catch (e) {
        throw unauthorized(`The bearer token is not valid (${(e as Error).message}); sign in again`);
      }
    },
    jwks: () => publicJwks,
  };
}
