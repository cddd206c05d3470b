import {
  chooseIntakeRoute,
  invoiceForFeel,
  rankFindings,
  type IntakeTriage,
  type Invoice,
  type InvoiceIntakeResponse,
  type SourceChannel,
  type TriageResult,
} from '@exflow/shared';
import type { Principal } from '../auth/roles.js';
import { effectivePolicies, loadTenantWithParent } from '../auth/tenancy.js';
import type { CaseChange, Engine } from '../engine/engine.js';
import { unprocessable } from '../errors.js';
import type { Db } from '../store/db.js';
import { createDefinitionRepository, type DefinitionVersionRecord } from '../store/definitionRepository.js';
import { newId } from '../store/ids.js';
import { createInvoiceRepository } from '../store/invoiceRepository.js';
import { createRoutingRepository } from '../store/routingRepository.js';
import { inUnitOfWork, type UnitOfWork } from '../store/unitOfWork.js';
import { triageInvoice } from './triage.js';

export interface IntakeRequest {
  invoice: Invoice;
  channel: SourceChannel;
  idempotencyKey?: string;
  /** Hash of the request as sent, to tell a replay from a different request with the same key. */
  requestHash: string;
  /** Run this definition (by key) instead of choosing by trigger. */
  definitionKey?: string;
  /**
   * Work to commit with the invoice, in its transaction, once its case (if any) is open: e-mail
   * intake stores the mail and PDFs as the case's evidence here, so a failure stores nothing.
   * What it returns comes back as the response's `alongside` (not on a replay).
   */
  alongside?: (unit: UnitOfWork, received: InvoiceIntakeResponse) => Promise<unknown>;
}

export interface IntakeResponse {
  status: 200 | 201;
  replayed: boolean;
  body: InvoiceIntakeResponse;
  /** What the request's `alongside` returned. */
  alongside?: unknown;
}

const triggerOf = (version: DefinitionVersionRecord): string | undefined => {
  const start = version.definition.nodes.find((n) => n.kind === 'start');
  return (start?.config as { trigger?: string } | undefined)?.trigger;
};

/** The triage result as a case's context keeps it: amounts as numbers for FEEL, kinds as a list. */
const triageForCase = (verdict: IntakeTriage, result: TriageResult) => ({
  ...verdict,
  findings: verdict.findings.map((f) => ({ ...f, valueAtRisk: Number(f.valueAtRisk) })),
  kinds: [...new Set(verdict.findings.map((f) => f.kind))],
  valueAtRisk: Number(verdict.valueAtRisk),
  summary: result.summary,
});

/**
 * Stores an invoice, triages it (the tenant's check suite, docs/checks.md) and opens its case
 * on the flow routing chooses, in one transaction. A repeated idempotency key returns the first
 * answer and stores nothing.
 */
export async function receiveInvoice(db: Db, engine: Engine, principal: Principal, request: IntakeRequest): Promise<IntakeResponse> {
  const { tenantId } = principal;
  const replay = async (): Promise<IntakeResponse | undefined> => {
    if (!request.idempotencyKey) return undefined;
    const earlier = await createInvoiceRepository(db).byIdempotencyKey(tenantId, request.idempotencyKey);
    if (!earlier) return undefined;
    if (earlier.requestHash !== request.requestHash) {
      throw unprocessable(
        'idempotency-key-reused',
        `Idempotency-Key "${request.idempotencyKey}" was already used for a different request; use a new key for a new invoice`,
      );
    }
    return { status: 200, replayed: true, body: earlier.response as IntakeResponse['body'] };
  };
  const first = await replay();
  if (first) return first;

  let change: CaseChange | undefined;
  const outcome = await inUnitOfWork(db, async (unit) => {
    const { trx } = unit;
    const invoices = createInvoiceRepository(trx);
    const id = newId();
    const idempotency = request.idempotencyKey ? { key: request.idempotencyKey, hash: request.requestHash } : undefined;
    if (!(await invoices.insert(tenantId, id, request.invoice, request.channel, principal.userId, idempotency))) return undefined; // a twin request won
    const versions = await createDefinitionRepository(trx).latestPublished(tenantId);
    if (request.definitionKey && !versions.some((v) => v.definition.key === request.definitionKey)) {
      throw unprocessable('unknown-definition', `No published definition with key "${request.definitionKey}"; publish it first or leave out "definition"`, [
        { path: 'definition', message: 'unknown definition key' },
      ]);
    }
    const { tenant, parent } = await loadTenantWithParent(trx, tenantId);
    const policies = effectivePolicies(tenant, parent);
    const result = await triageInvoice(trx, tenantId, id, request.invoice, policies, new Date().toISOString().slice(0, 10));
    const table = await createRoutingRepository(trx).effective(tenantId, parent);
    const feelInvoice = invoiceForFeel(request.invoice);
    const route = chooseIntakeRoute({
      findings: result.findings,
      table,
      invoice: feelInvoice,
      flows: versions.map((v) => ({ key: v.definition.key, trigger: triggerOf(v) })),
      definitionKey: request.definitionKey,
    });
    const verdict: IntakeTriage = {
      outcome: route.outcome,
      findings: rankFindings(result.findings),
      valueAtRisk: result.valueAtRisk,
      route: { flow: route.flow, by: route.by, rule: route.rule, finding: route.finding?.kind ?? null },
    };
    const chosen = route.flow ? versions.find((v) => v.definition.key === route.flow) : undefined;
    if (chosen) {
      change = await engine.startCase(
        tenantId,
        { definitionId: chosen.definitionId, version: chosen.version, invoiceId: id, invoice: request.invoice, triage: triageForCase(verdict, result) },
        principal.userId,
        { unit },
      );
    }
    const body: IntakeResponse['body'] = {
      invoice: { id, invoiceNumber: request.invoice.invoiceNumber, channel: request.channel },
      case:
        change && chosen
          ? {
              id: change.caseId,
              status: change.status,
              version: change.version,
              activeNodes: change.activeNodes,
              definitionId: chosen.definitionId,
              definitionVersion: chosen.version,
            }
          : null,
      triage: verdict,
    };
    const alongside = request.alongside ? await request.alongside(unit, body) : undefined;
    await invoices.saveTriage(
      tenantId,
      id,
      {
        findings: verdict.findings,
        outcome: verdict.outcome,
        detail: { valueAtRisk: result.valueAtRisk, route: verdict.route, summary: result.summary, params: result.params },
      },
      body,
    );
    return { status: 201 as const, replayed: false, body, alongside };
  });
  if (outcome) return outcome;
  return (await replay())!;
}
