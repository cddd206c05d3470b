import type { Role } from '../auth/roles.js';
import type { ProblemCode } from '../errors.js';

export interface DelegationRequest {
  from: string;
  to: string;
  startsAt: Date;
  endsAt: Date;
  now: Date;
  /** Roles of the delegate, or undefined when no such user is in the tenant. */
  toRoles: Role[] | undefined;
  /** Delegations of the tenant that overlap the requested period. */
  overlapping: { fromUser: string; toUser: string }[];
}

export type DelegationRefusal = { code: Extract<ProblemCode, `delegation.${string}`>; reason: string } | undefined;

const APPROVING: Role[] = ['approver', 'analyst', 'tenant_admin', 'process_owner', 'platform_admin'];

/**
 * Whether a delegation of approval authority may be granted. Refused: to oneself, an empty or
 * past period, an unknown person, an auditor or integration (independence), a loop back to the
 * delegator, a delegate who is away themselves, and a second delegation for the same period.
 */
export function checkDelegation(r: DelegationRequest): DelegationRefusal {
  if (r.from === r.to) return { code: 'delegation.self', reason: 'You cannot delegate to yourself' };
  if (!(r.endsAt > r.startsAt)) return { code: 'delegation.period', reason: 'The delegation must end after it starts' };
  if (r.endsAt <= r.now) return { code: 'delegation.period', reason: 'The delegation would already be over' };
  if (!r.toRoles) return { code: 'delegation.unknown-user', reason: `No user ${r.to} in this tenant` };
  if (r.toRoles.includes('auditor') || !r.toRoles.some((role) => APPROVING.includes(role))) {
    return {
      code: 'delegation.conflict',
      reason: `${r.to} (${r.toRoles.join(', ') || 'no role'}) may not take approval authority: auditors stay independent and integrations do not approve`,
    };
  }
  // follow the delegations of the period from the delegate onwards: reaching the delegator is a loop
  const next = new Map<string, string[]>();
  for (const d of r.overlapping) next.set(d.fromUser, [...(next.get(d.fromUser) ?? []), d.toUser]);
  const seen = new Set<string>();
  const queue = [r.to];
  while (queue.length) {
    const person = queue.shift()!;
    if (person === r.from)
      return { code: 'delegation.loop', reason: `${r.to} already delegates (directly or through others) back to ${r.from} in that period` };
    if (seen.has(person)) continue;
    seen.add(person);
    queue.push(...(next.get(person) ?? []));
  }
  if (next.has(r.to))
    return { code: 'delegation.chain', reason: `${r.to} is away in that period (delegated to ${next.get(r.to)!.join(', ')}); choose someone who is present` };
  if (next.has(r.from))
    return { code: 'delegation.overlap', reason: `You already delegate to ${next.get(r.from)!.join(', ')} in that period; revoke it first` };
  return undefined;
}
