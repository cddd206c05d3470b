import { createRemoteJWKSet, jwtVerify } from 'jose';
import { unauthorized } from '../errors.js';
import { principalFromClaims, type ClaimNames } from './claims.js';
import type { Principal } from './roles.js';

export interface OidcOptions {
  /** The issuer URL; its discovery document is at `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  audience: string;
  claims: ClaimNames;
}

export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

/**
 * Verifies bearer tokens of any OIDC issuer: reads its discovery document once, then checks
 * signatures against its JWKS (fetched and cached by jose), the issuer and the audience.
 */
export async function createOidcVerifier(options: OidcOptions): Promise<TokenVerifier> {
  const discoveryUrl = `${options.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(discoveryUrl, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`OIDC discovery at ${discoveryUrl} answered ${response.status}`);
  const discovery = (await response.json()) as { issuer?: string; jwks_uri?: string };
  if (!discovery.jwks_uri) throw new Error(`OIDC discovery at ${discoveryUrl} has no jwks_uri`);
  const issuer = discovery.issuer ?? options.issuer;
  const keys = createRemoteJWKSet(new URL(discovery.jwks_uri));
  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, keys, { issuer, audience: options.audience });
        return principalFromClaims(payload, options.claims);
      } catch (e) {
        if (e instanceof Error && e.name === 'ProblemError') throw e;
        throw unauthorized(`The bearer token is not valid for ${issuer} (${(e as Error).message})`);
      }
    },
  };
}
