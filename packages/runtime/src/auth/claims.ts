import type { JWTPayload } from 'jose';
import { unauthorized } from '../errors.js';
import { ROLES, type Principal, type Role } from './roles.js';

/** Which claims carry the tenant and the roles (configurable for external issuers). */
export interface ClaimNames {
  tenant: string;
  roles: string;
}

/** Reads a principal from verified token claims; unknown roles are dropped, not trusted. */
export function principalFromClaims(payload: JWTPayload, names: ClaimNames): Principal {
  const rawRoles = payload[names.roles];
  const roles = (Array.isArray(rawRoles) ? rawRoles : typeof rawRoles === 'string' ? rawRoles.split(/[ ,]+/) : []).filter((r): r is Role =>
    (ROLES as readonly string[]).includes(r as string),
  );
  const tenant = payload[names.tenant];
  if (!payload.sub || typeof tenant !== 'string' || !tenant) {
    throw unauthorized(`The token has no "sub" or no "${names.tenant}" (tenant) claim`);
  }
  return { userId: payload.sub, tenantId: tenant, roles, email: String(payload.email ?? ''), name: String(payload.name ?? payload.email ?? payload.sub) };
}
