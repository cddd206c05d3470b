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

/**
 * `principals` remembers that a user is not disabled and what an API key is between calls (see
 * principalCache.ts); without it every call reads the database.
 */
export function createAuthenticator(db: Db, tokens: TokenVerifier, mode: Authenticator['mode'], principals?: PrincipalCache): Authenticator {
  const users = createUserRepository(db);
  return {
    mode,
    async authenticate(credential) {
      if (!credential) throw unauthorized('No credential given');
      if (isApiKey(credential)) return verifyApiKey(db, credential, principals);
      const principal = await tokens.verify(credential);
      // a token outlives a disabled account: the account is checked at every call
      const load = () => users.isDisabled(principal.tenantId, principal.userId);
      const disabled = principals ? await principals.get(principal.tenantId, principal.userId, load, (d) => !d) : await load();
      if (disabled) throw unauthorized('This account is disabled; ask your tenant admin');
      return principal;
    },
  };
}
