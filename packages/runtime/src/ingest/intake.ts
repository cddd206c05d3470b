import { feelCondition, invoiceForFeel, type Invoice, type SourceChannel } from '@exflow/shared';
import type { Principal } from '../auth/roles.js';
import type { CaseChange, Engine } from '../engine/engine.js';
import { unprocessable } from '../errors.js';
import type { Db } from '../store/db.js';
import { createDefinitionRepository, type DefinitionVersionRecord } from '../store/definitionRepository.js';
import { newId } from '../store/ids.js';
import { createInvoiceRepository } from '../store/invoiceRepository.js';

export interface IntakeRequest {
  invoice: Invoice;
  channel: SourceChannel;
  idempotencyKey?: string;
  /** Hash of the request as sent, to tell a replay from a different request with the same key. */
  requestHash: string;
  /** Run this definition (by key) instead of choosing by trigger. */
  definitionKey?: string;
}

export interface IntakeResponse {
  status: 200 | 201;
  replayed: boolean;
  body: { invoice: { id: string; invoiceNumber: string; channel: SourceChannel }; case: null | { id: string; status: string; version: number; activeNodes: string[]; definitionId: string; definitionVersion: number } };
}

function triggerMatches(version: DefinitionVersionRecord, invoice: Record<string, unknown>): boolean {
  const start = version.definition.nodes.find((n) => n.kind === 'start');
  const trigger = (start?.config as { trigger?: string } | undefined)?.trigger;
  return !trigger || feelCondition(trigger, { invoice });
}

/**
 * Stores an invoice and opens its case on the chosen published flow, in one transaction.
 * A repeated idempotency key returns the first answer and stores nothing.
 */
export async function receiveInvoice(db: Db, engine: Engine, principal: Principal, request: IntakeRequest): Promise<IntakeResponse> {
  const { tenantId } = principal;
  const replay = async (): Promise<IntakeResponse | undefined> => {
    if (!request.idempotencyKey) return undefined;
    const earlier = await createInvoiceRepository(db).byIdempotencyKey(tenantId, request.idempotencyKey);
    if (!earlier) return undefined;
    if (earlier.requestHash !== request.requestHash) {
      throw unprocessable('idempotency-key-reused', `Idempotency-Key "${request.idempotencyKey}" was already used for a different request; use a new key for a new invoice`);
    }
    return { status: 200, replayed: true, body: earlier.response as IntakeResponse['body'] };
  };
  const first = await replay();
  if (first) return first;

  let change: CaseChange | undefined;
  const outcome = await db.transaction(async (trx) => {
    const invoices = createInvoiceRepository(trx);
    const id = newId();
    const idempotency = request.idempotencyKey ? { key: request.idempotencyKey, hash: request.requestHash } : undefined;
    if (!(await invoices.insert(tenantId, id, request.invoice, request.channel, principal.userId, idempotency))) return undefined; // a twin request won
    const versions = await createDefinitionRepository(trx).latestPublished(tenantId);
    const feelInvoice = invoiceForFeel(request.invoice);
    let chosen: DefinitionVersionRecord | undefined;
    if (request.definitionKey) {
      chosen = versions.find((v) => v.definition.key === request.definitionKey);
      if (!chosen) throw unprocessable('unknown-definition', `No published definition with key "${request.definitionKey}"; publish it first or leave out "definition"`, [{ path: 'definition', message: 'unknown definition key' }]);
    } else {
      chosen = versions.find((v) => triggerMatches(v, feelInvoice));
    }
    if (chosen) {
      change = await engine.startCase(tenantId, { definitionId: chosen.definitionId, version: chosen.version, invoiceId: id, invoice: request.invoice }, principal.userId, { trx });
    }
    const body: IntakeResponse['body'] = {
      invoice: { id, invoiceNumber: request.invoice.invoiceNumber, channel: request.channel },
      case: change && chosen
        ? { id: change.caseId, status: change.status, version: change.version, activeNodes: change.activeNodes, definitionId: chosen.definitionId, definitionVersion: chosen.version }
        : null,
    };
    await invoices.saveResponse(tenantId, id, body);
    return { status: 201 as const, replayed: false, body };
  });
  if (outcome) return outcome;
  return (await replay())!;
}

