import { decodeJwt } from 'jose';
import { unauthorized } from '../errors.js';
import type { Db } from '../store/db.js';
import { createUserRepository } from '../store/userRepository.js';
import { isApiKey, verifyApiKey } from './apiKeys.js';
import type { TokenVerifier } from './oidc.js';
import type { PrincipalCache } from './principalCache.js';
import type { Principal } from './roles.js';

export interface Authenticator {
  /** Who a bearer credential (JWT or API key) belongs to; 401 when it is not valid, revoked or its user disabled. */
  authenticate(credential: string): Promise<Principal>;
  /** `embedded` when the built-in issuer signs in users; `oidc` when an external issuer does. */
  mode: 'embedded' | 'oidc';
}

/** Tokens remembered at most (the oldest go first). */
const MAX_VERIFIED = 10_000;

/**
 * Checking a token's ES256 signature was the largest single cost of a request in the CPU profile
 * of bench:cases (about 4 % of the process): a token verified once is remembered by its exact
 * text (signature included, so no other text can match it) until it expires. Whether its user
 * is disabled is still asked at every call (the principal cache).
 */
function rememberVerified(tokens: TokenVerifier): TokenVerifier {
  const verified = new Map<string, { principal: Principal; until: number }>();
  return {
    async verify(token) {
      const hit = verified.get(token);
      if (hit && hit.until > Date.now()) return { ...hit.principal, roles: [...hit.principal.roles] };
      verified.delete(token);
      const principal = await tokens.verify(token);
      const { exp } = decodeJwt(token);
      if (typeof exp === 'number') {
        if (verified.size >= MAX_VERIFIED) verified.delete(verified.keys().next().value!);
        verified.set(token, { principal: { ...principal, roles: [...principal.roles] }, until: exp * 1000 });
      }
      return principal;
    },
  };
}

/**
 * `principals` remembers that a user is not disabled and what an API key is between calls (see
 * principalCache.ts); without it every call reads the database.
 */
export function createAuthenticator(db: Db, tokens: TokenVerifier, mode: Authenticator['mode'], principals?: PrincipalCache): Authenticator {
  const users = createUserRepository(db);
  const verifier = rememberVerified(tokens);
  return {
    mode,
    async authenticate(credential) {
      if (!credential) throw unauthorized('No credential given');
      if (isApiKey(credential)) return verifyApiKey(db, credential, principals);
      const principal = await verifier.verify(credential);
      // a token outlives a disabled account: the account is checked at every call
      const load = () => users.isDisabled(principal.tenantId, principal.userId);
      const disabled = principals ? await principals.get(principal.tenantId, principal.userId, load, (d) => !d) : await load();
      if (disabled) throw unauthorized('This account is disabled; ask your tenant admin');
      return principal;
    },
  };
}
