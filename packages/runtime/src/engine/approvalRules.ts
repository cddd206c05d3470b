import type { Role } from '../auth/roles.js';

export interface ApprovalLimit {
  role: Role;
  businessUnit?: string;
  maxAmount: number;
}

/** Everything the segregation-of-duties rules look at for one attempt to complete an approval. */
export interface ApprovalAttempt {
  actor: string;
  /** The actor's own roles plus those of people who delegated to the actor now. */
  authorityRoles: Role[];
  /** People the actor acts for through an active delegation. */
  onBehalfOf: string[];
  outcome: string;
  approveOutcomes: string[];
  amount: number;
  businessUnit: string | null;
  submittedBy: string | null;
  lastEditedBy: string | null;
  /** Approvals already given on this task (four-eyes). */
  priorApprovals: { by: string; onBehalfOf: string[] }[];
  policies: { approvalLimits?: ApprovalLimit[]; fourEyesThreshold?: number };
}

export type ApprovalDecision =
  | { kind: 'complete' }
  | { kind: 'first-approval' }
  | { kind: 'refuse'; code: string; reason: string };

/** The largest amount the roles may approve in a business unit; `undefined` without a matrix. */
export function approvalLimit(limits: ApprovalLimit[] | undefined, roles: Role[], businessUnit: string | null): number | undefined {
  if (!limits?.length) return undefined;
  const applicable = limits.filter((l) => roles.includes(l.role) && (!l.businessUnit || l.businessUnit === businessUnit));
  return applicable.length ? Math.max(...applicable.map((l) => l.maxAmount)) : 0;
}

/**
 * Segregation of duties for an approval, as a pure decision: who submitted or last edited the
 * invoice cannot complete its approval; approving above one's limit is refused; above the
 * four-eyes threshold two different people must approve.
 */
export function decideApproval(a: ApprovalAttempt): ApprovalDecision {
  const people = [a.actor, ...a.onBehalfOf];
  if (a.submittedBy && people.includes(a.submittedBy)) {
    return { kind: 'refuse', code: 'sod.self-approval', reason: `${a.submittedBy} submitted this invoice and cannot complete its approval; another approver must` };
  }
  if (a.lastEditedBy && people.includes(a.lastEditedBy)) {
    return { kind: 'refuse', code: 'sod.self-approval', reason: `${a.lastEditedBy} last edited this invoice and cannot complete its approval; another approver must` };
  }
  if (!a.approveOutcomes.includes(a.outcome)) return { kind: 'complete' };
  if (!Number.isFinite(a.amount) && (a.policies.approvalLimits?.length || a.policies.fourEyesThreshold !== undefined)) {
    return { kind: 'refuse', code: 'sod.amount-unknown', reason: 'The amount to approve could not be computed, so approval limits and four-eyes cannot be checked; fix the approval amount of this step' };
  }
  const limit = approvalLimit(a.policies.approvalLimits, a.authorityRoles, a.businessUnit);
  if (limit !== undefined && a.amount > limit) {
    return {
      kind: 'refuse',
      code: 'sod.over-limit',
      reason: `Approving ${a.amount} is above your limit of ${limit}${a.businessUnit ? ` in ${a.businessUnit}` : ''} (roles ${a.authorityRoles.join(', ') || 'none'}); ask an approver with a higher limit`,
    };
  }
  const threshold = a.policies.fourEyesThreshold;
  if (threshold === undefined || a.amount <= threshold) return { kind: 'complete' };
  const samePerson = a.priorApprovals.find((p) => [p.by, ...p.onBehalfOf].some((who) => people.includes(who)));
  if (samePerson) {
    return { kind: 'refuse', code: 'sod.four-eyes', reason: `${a.amount} is above the four-eyes threshold of ${threshold}; ${samePerson.by} already approved, a second, different approver must` };
  }
  return a.priorApprovals.length ? { kind: 'complete' } : { kind: 'first-approval' };
}
