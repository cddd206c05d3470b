import { describe, expect, it } from 'vitest';
import { approvalLimit, decideApproval, type ApprovalAttempt } from './approvalRules.js';

const policies = {
  fourEyesThreshold: 10_000,
  approvalLimits: [
    { role: 'analyst' as const, maxAmount: 5_000 },
    { role: 'approver' as const, maxAmount: 50_000 },
    { role: 'approver' as const, businessUnit: 'Plant Cologne', maxAmount: 80_000 },
  ],
};

/** An approver approving 1,000 EUR submitted and last edited by someone else, nobody approved yet. */
const attempt = (over: Partial<ApprovalAttempt> = {}): ApprovalAttempt => ({
  actor: 'u-approver',
  actsAs: [],
  viaApiKey: false,
  authorityRoles: ['approver'],
  onBehalfOf: [],
  outcome: 'approve',
  approveOutcomes: ['approve'],
  amount: 1_000,
  businessUnit: 'Operations',
  submittedBy: 'u-analyst',
  lastEditedBy: null,
  priorApprovals: [],
  policies,
  ...over,
});

describe('decideApproval (segregation of duties, four-eyes)', () => {
  it('completes an approval within the limit and below the four-eyes threshold', () => {
    expect(decideApproval(attempt())).toEqual({ kind: 'complete' });
  });

  it('refuses the submitter and the last editor, also acting for them or through their API key', () => {
    expect(decideApproval(attempt({ actor: 'u-analyst' }))).toMatchObject({ kind: 'refuse', code: 'sod.self-approval' });
    expect(decideApproval(attempt({ lastEditedBy: 'u-approver' }))).toMatchObject({
      kind: 'refuse',
      code: 'sod.self-approval',
      reason: expect.stringContaining('last edited'),
    });
    expect(decideApproval(attempt({ onBehalfOf: ['u-analyst'] }))).toMatchObject({ kind: 'refuse', code: 'sod.self-approval' });
    expect(decideApproval(attempt({ actor: 'key:k1', actsAs: ['u-analyst'], viaApiKey: true }))).toMatchObject({ code: 'sod.self-approval' });
  });

  it('refuses an API key even on a non-approving outcome', () => {
    expect(decideApproval(attempt({ actor: 'key:k1', viaApiKey: true, outcome: 'reject' }))).toMatchObject({ kind: 'refuse', code: 'sod.api-key' });
  });

  it('applies no limit nor four-eyes to an outcome that does not approve', () => {
    expect(decideApproval(attempt({ outcome: 'reject', amount: 1_000_000, authorityRoles: ['analyst'] }))).toEqual({ kind: 'complete' });
  });

  it('refuses above the limit of the roles, taking the business unit and delegated roles into account', () => {
    expect(decideApproval(attempt({ authorityRoles: ['analyst'], amount: 5_000.01 }))).toMatchObject({ kind: 'refuse', code: 'sod.over-limit' });
    expect(decideApproval(attempt({ authorityRoles: ['analyst', 'approver'], amount: 8_000 }))).toEqual({ kind: 'complete' });
    expect(decideApproval(attempt({ amount: 60_000 }))).toMatchObject({ code: 'sod.over-limit' });
    expect(decideApproval(attempt({ amount: 60_000, businessUnit: 'Plant Cologne' }))).toEqual({ kind: 'first-approval' });
    expect(decideApproval(attempt({ authorityRoles: ['tenant_admin'] }))).toMatchObject({
      code: 'sod.over-limit',
      reason: expect.stringContaining('limit of 0'),
    });
  });

  it('holds a credit note or a negative amount to the limit of its absolute value', () => {
    const refused = decideApproval(attempt({ authorityRoles: ['analyst'], amount: -6_000, documentType: 'creditNote' }));
    expect(refused).toMatchObject({ code: 'sod.over-limit', reason: expect.stringContaining('a credit note of -6000 (an exposure of 6000)') });
    expect(decideApproval(attempt({ amount: -12_000 }))).toEqual({ kind: 'first-approval' });
  });

  it('refuses an amount it cannot compute while limits or four-eyes apply, and lets it pass without them', () => {
    expect(decideApproval(attempt({ amount: NaN }))).toMatchObject({ code: 'sod.amount-unknown' });
    expect(decideApproval(attempt({ amount: NaN, policies: {} }))).toEqual({ kind: 'complete' });
  });

  it('four-eyes: a first approval waits; a different person completes; the same person (or for them) is refused', () => {
    const first = { by: 'u-approver2', onBehalfOf: [] };
    expect(decideApproval(attempt({ amount: 12_000 }))).toEqual({ kind: 'first-approval' });
    expect(decideApproval(attempt({ amount: 12_000, priorApprovals: [first] }))).toEqual({ kind: 'complete' });
    expect(decideApproval(attempt({ actor: 'u-approver2', amount: 12_000, priorApprovals: [first] }))).toMatchObject({ code: 'sod.four-eyes' });
    expect(decideApproval(attempt({ amount: 12_000, onBehalfOf: ['u-approver2'], priorApprovals: [first] }))).toMatchObject({ code: 'sod.four-eyes' });
    expect(decideApproval(attempt({ amount: 12_000, priorApprovals: [{ by: 'u-lead', onBehalfOf: ['u-approver'] }] }))).toMatchObject({
      code: 'sod.four-eyes',
    });
    // at the threshold itself one approval is enough
    expect(decideApproval(attempt({ amount: 10_000 }))).toEqual({ kind: 'complete' });
  });
});

describe('approvalLimit', () => {
  it('is the highest applicable limit, 0 when none applies, undefined without a matrix', () => {
    expect(approvalLimit(policies.approvalLimits, ['analyst', 'approver'], 'Operations')).toBe(50_000);
    expect(approvalLimit(policies.approvalLimits, ['approver'], 'Plant Cologne')).toBe(80_000);
    expect(approvalLimit(policies.approvalLimits, ['auditor'], null)).toBe(0);
    expect(approvalLimit(undefined, ['approver'], null)).toBeUndefined();
    expect(approvalLimit([], ['approver'], null)).toBeUndefined();
  });
});
