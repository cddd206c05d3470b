import { randomUUID } from 'node:crypto';
import { CompactSign, compactVerify, createLocalJWKSet, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK } from 'jose';
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
  /** Signs a statement that is not a token (an audit checkpoint): a compact JWS with its own `typ`. */
  signStatement(typ: string, payload: Record<string, unknown>): Promise<{ keyId: string; jws: string }>;
  /** The payload of a statement this issuer's key signed with that `typ`; `undefined` if the signature or `typ` is wrong. */
  verifyStatement(typ: string, jws: string): Promise<Record<string, unknown> | undefined>;
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
    async signStatement(typ, payload) {
      const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'ES256', kid, typ }).sign(privateKey);
      return { keyId: kid, jws };
    },
    async verifyStatement(typ, jws) {
      try {
        const { payload, protectedHeader } = await compactVerify(jws, keySet);
        if (protectedHeader.typ !== typ) return undefined;
        return JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
      } catch {
        return undefined;
      }
    },
  };
}
