import { evaluateFeel, feelContext, type CaseContext, type HumanTaskConfig } from '@exflow/shared';
import { apiKeyIdOf } from '../auth/apiKeys.js';
import type { Principal, Role } from '../auth/roles.js';
import { effectivePolicies, loadTenantWithParent } from '../auth/tenancy.js';
import { createApiKeyRepository } from '../store/apiKeyRepository.js';
import type { CaseRecord } from '../store/caseRepository.js';
import type { Db } from '../store/db.js';
import { createDefinitionRepository } from '../store/definitionRepository.js';
import { createInvoiceRepository } from '../store/invoiceRepository.js';
import type { TaskRecord } from '../store/taskRepository.js';
import { decideApproval, type ApprovalAttempt, type ApprovalDecision, type ApprovalLimit } from './approvalRules.js';

/**
 * The person accountable for a recorded actor: an API key's creator (when known), else the
 * actor. So an invoice submitted through a key counts as submitted by whoever minted the key.
 */
async function accountable(db: Db, actor: string | null): Promise<string | null> {
  const keyId = actor ? apiKeyIdOf(actor) : undefined;
  if (!keyId) return actor;
  return (await createApiKeyRepository(db).byId(keyId))?.createdBy ?? actor;
}

export interface ApprovalGateResult {
  decision: ApprovalDecision;
  attempt: ApprovalAttempt;
}

/**
 * Gathers the facts for segregation of duties on a task completion and decides. `undefined`
 * when the task is not an approval (its node has no `approval` config). Called inside the
 * completion's transaction with the case and task rows locked, so the approvals, authors and
 * delegations it reads are those the transition commits with.
 */
export async function gateApproval(
  db: Db,
  principal: Principal,
  authority: { roles: Role[]; onBehalfOf: string[] },
  record: CaseRecord,
  task: TaskRecord,
  outcome: string,
): Promise<ApprovalGateResult | undefined> {
  // the locked case row was committed on this version, so it is committed too: remembered even in this transaction
  const version = await createDefinitionRepository(db).getVersion(principal.tenantId, record.definitionId, record.definitionVersion, true);
  const node = version?.definition.nodes.find((n) => n.id === task.nodeId);
  const approval = (node?.config as HumanTaskConfig | undefined)?.approval;
  if (!approval) return undefined;

  const context = record.snapshot.context as CaseContext;
  // an expression that gives no number leaves the amount unknown (NaN), never 0
  const value = evaluateFeel(approval.amount ?? 'invoice.grossTotal', feelContext(context));
  const amount = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  const invoice = record.invoiceId ? await createInvoiceRepository(db).authors(principal.tenantId, record.invoiceId) : undefined;
  const { tenant, parent } = await loadTenantWithParent(db, principal.tenantId);
  const policies = effectivePolicies(tenant, parent) as { approvalLimits?: ApprovalLimit[]; fourEyesThreshold?: number };

  const viaApiKey = apiKeyIdOf(principal.userId) !== undefined;
  const attempt: ApprovalAttempt = {
    actor: principal.userId,
    actsAs: viaApiKey && principal.keyCreatedBy ? [principal.keyCreatedBy] : [],
    viaApiKey,
    authorityRoles: authority.roles,
    onBehalfOf: authority.onBehalfOf,
    outcome,
    approveOutcomes: approval.approveOutcomes ?? ['approve'],
    amount,
    documentType: context.invoice.documentType === 'creditNote' ? 'creditNote' : 'invoice',
    businessUnit: (context.invoice.businessUnit as string | undefined) ?? null,
    submittedBy: await accountable(db, invoice?.receivedBy ?? null),
    lastEditedBy: await accountable(db, invoice?.lastEditedBy ?? null),
    priorApprovals: task.approvals,
    policies,
  };
  return { decision: decideApproval(attempt), attempt };
}
