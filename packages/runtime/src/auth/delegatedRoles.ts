import type { Db } from '../store/db.js';
import { createDelegationRepository } from '../store/delegationRepository.js';
import { createUserRepository } from '../store/userRepository.js';
import type { Principal, Role } from './roles.js';

/** What the caller may do now: their roles plus those of everyone who delegated to them, and who that is. */
export async function delegatedAuthority(db: Db, principal: Principal, now = new Date()): Promise<{ roles: Role[]; onBehalfOf: string[] }> {
  const delegations = await createDelegationRepository(db).activeTo(principal.tenantId, principal.userId, now.toISOString());
  if (!delegations.length) return { roles: principal.roles, onBehalfOf: [] };
  const users = createUserRepository(db);
  const delegated: string[][] = [];
  for (const d of delegations) delegated.push((await users.byId(principal.tenantId, d.fromUser))?.roles ?? []);
  return { roles: [...new Set([...principal.roles, ...(delegated.flat() as Role[])])], onBehalfOf: delegations.map((d) => d.fromUser) };
}
