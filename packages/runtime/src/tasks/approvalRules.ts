import type { Role } from '../auth/roles.js';
import type { ProblemCode } from '../errors.js';

export interface ApprovalLimit {
  role: Role;
  businessUnit?: string;
  maxAmount: number;
}

/** Everything the segregation-of-duties rules look at for one attempt to complete an approval. */
export interface ApprovalAttempt {
  actor: string;
  /**
   * Who else the actor counts as for segregation of duties: an API key counts as the user who
   * created it.
   */
  actsAs: string[];
  /** The actor is an API key: keys never complete an approval step (docs/security.md). */
  viaApiKey: boolean;
  /** The actor's own roles plus those of people who delegated to the actor now. */
  authorityRoles: Role[];
  /** People the actor acts for through an active delegation. */
  onBehalfOf: string[];
  outcome: string;
  approveOutcomes: string[];
  /** The amount as the document states it; limits and four-eyes compare its absolute value. */
  amount: number;
  /** A credit note's amount is exposure too: limits apply to it as to an invoice. */
  documentType?: 'invoice' | 'creditNote';
  businessUnit: string | null;
  submittedBy: string | null;
  lastEditedBy: string | null;
  /** Approvals already given on this task (four-eyes). */
  priorApprovals: { by: string; onBehalfOf: string[] }[];
  policies: { approvalLimits?: ApprovalLimit[]; fourEyesThreshold?: number };
}

export type ApprovalDecision =
  { kind: 'complete' } | { kind: 'first-approval' } | { kind: 'refuse'; code: Extract<ProblemCode, `sod.${string}`>; reason: string };

/** The largest amount the roles may approve in a business unit; `undefined` without a matrix. */
export function approvalLimit(limits: ApprovalLimit[] | undefined, roles: Role[], businessUnit: string | null): number | undefined {
  if (!limits?.length) return undefined;
  const applicable = limits.filter((l) => roles.includes(l.role) && (!l.businessUnit || l.businessUnit === businessUnit));
  return applicable.length ? Math.max(...applicable.map((l) => l.maxAmount)) : 0;
}

/**
 * Segregation of duties for an approval, as a pure decision: who submitted or last edited the
 * invoice cannot complete its approval; approving above one's limit is refused; above the
 * four-eyes threshold two different people must approve. Amounts compare by absolute value, so a
 * credit note or a negative invoice is held to the same limits as the payment it reverses.
 */
export function decideApproval(a: ApprovalAttempt): ApprovalDecision {
  const people = [a.actor, ...a.actsAs, ...a.onBehalfOf];
  if (a.submittedBy && people.includes(a.submittedBy)) {
    return {
      kind: 'refuse',
      code: 'sod.self-approval',
      reason: `${a.submittedBy} submitted this invoice and cannot complete its approval; another approver must`,
    };
  }
  if (a.lastEditedBy && people.includes(a.lastEditedBy)) {
    return {
      kind: 'refuse',
      code: 'sod.self-approval',
      reason: `${a.lastEditedBy} last edited this invoice and cannot complete its approval; another approver must`,
    };
  }
  if (a.viaApiKey) {
    return {
      kind: 'refuse',
      code: 'sod.api-key',
      reason: `${a.actor} is an API key; an approval step is completed by a person signed in as themselves, not by an integration`,
    };
  }
  if (!a.approveOutcomes.includes(a.outcome)) return { kind: 'complete' };
  if (!Number.isFinite(a.amount) && (a.policies.approvalLimits?.length || a.policies.fourEyesThreshold !== undefined)) {
    return {
      kind: 'refuse',
      code: 'sod.amount-unknown',
      reason: 'The amount to approve could not be computed, so approval limits and four-eyes cannot be checked; fix the approval amount of this step',
    };
  }
  // a negative amount (a credit, a reversal) moves as much money as a positive one
  const exposure = Math.abs(a.amount);
  const what = `${a.documentType === 'creditNote' ? 'a credit note of ' : ''}${a.amount}${exposure !== a.amount ? ` (an exposure of ${exposure})` : ''}`;
  const limit = approvalLimit(a.policies.approvalLimits, a.authorityRoles, a.businessUnit);
  if (limit !== undefined && exposure > limit) {
    return {
      kind: 'refuse',
      code: 'sod.over-limit',
      reason: `Approving ${what} is above your limit of ${limit}${a.businessUnit ? ` in ${a.businessUnit}` : ''} (roles ${a.authorityRoles.join(', ') || 'none'}); ask an approver with a higher limit`,
    };
  }
  const threshold = a.policies.fourEyesThreshold;
  if (threshold === undefined || exposure <= threshold) return { kind: 'complete' };
  const samePerson = a.priorApprovals.find((p) => [p.by, ...p.onBehalfOf].some((who) => people.includes(who)));
  if (samePerson) {
    return {
      kind: 'refuse',
      code: 'sod.four-eyes',
      reason: `${what} is above the four-eyes threshold of ${threshold}; ${samePerson.by} already approved, a second, different approver must`,
    };
  }
  return a.priorApprovals.length ? { kind: 'complete' } : { kind: 'first-approval' };
}
