import type { CsvIntakeError, Invoice, SourceChannel } from '@exflow/shared';
import type { Principal } from '../auth/roles.js';
import type { Engine } from '../engine/engine.js';
import { ProblemError } from '../errors.js';
import { isConnectionLoss } from '../store/connectionLoss.js';
import type { Db } from '../store/db.js';
import { receiveInvoice } from './intake.js';
import { stableHash } from './stableHash.js';

export interface BatchProgress {
  phase: 'parse' | 'intake';
  done: number;
  total: number;
}

export interface BatchInvoiceOutcome {
  invoiceNumber: string;
  supplier: string;
  invoiceId: string;
  caseId: string | null;
  replayed: boolean;
  /** Triage's verdict: exception, started, touchless or unrouted (absent on an answer stored before triage). */
  triageOutcome?: string;
}

/** An invoice of the batch refused at intake (e.g. its key was used for another invoice). */
export interface BatchInvoiceError {
  invoiceNumber: string;
  supplier: string;
  code: string;
  message: string;
}

export interface BatchResult {
  received: number;
  replayed: number;
  refused: number;
  rowErrors: number;
  invoices: BatchInvoiceOutcome[];
  errors: (CsvIntakeError | BatchInvoiceError)[];
  warnings: string[];
}

export interface BatchRequest {
  invoices: Invoice[];
  channel: SourceChannel;
  /** The request's Idempotency-Key; each invoice gets its own, derived with its supplier and number. */
  idempotencyKey?: string;
  definitionKey?: string;
  onProgress?: (progress: BatchProgress) => void;
  /** Where an unexpected error in one invoice is logged (it becomes that invoice's `internal` error). */
  log?: (message: string, context: Record<string, unknown>) => void;
}

const supplierOf = (invoice: Invoice) => invoice.supplier.id ?? invoice.supplier.name;

/**
 * Receives many invoices one by one through `receiveInvoice`, each in its own transaction, so
 * one refused invoice stops nothing else. With an idempotency key, each invoice's key is
 * `<key>#<supplier>#<number>`: sending the same file again stores nothing twice, and a file
 * with its bad rows fixed adds just those invoices. An unexpected error in one invoice (a bug,
 * a constraint) becomes that invoice's `internal` error and is logged; only a lost database
 * connection stops the batch, since every later invoice would fail the same way.
 */
export async function receiveBatch(db: Db, engine: Engine, principal: Principal, request: BatchRequest): Promise<Omit<BatchResult, 'rowErrors' | 'warnings'>> {
  const outcomes: BatchInvoiceOutcome[] = [];
  const errors: BatchInvoiceError[] = [];
  const total = request.invoices.length;
  const step = Math.max(1, Math.ceil(total / 100));
  for (const [index, invoice] of request.invoices.entries()) {
    const supplier = supplierOf(invoice);
    try {
      const result = await receiveInvoice(db, engine, principal, {
        invoice,
        channel: request.channel,
        idempotencyKey: request.idempotencyKey ? `${request.idempotencyKey}#${supplier}#${invoice.invoiceNumber}` : undefined,
        requestHash: stableHash({ invoice, definition: request.definitionKey ?? null }),
        definitionKey: request.definitionKey,
      });
      outcomes.push({
        invoiceNumber: invoice.invoiceNumber,
        supplier,
        invoiceId: result.body.invoice.id,
        caseId: result.body.case?.id ?? null,
        replayed: result.replayed,
        ...(result.body.triage ? { triageOutcome: result.body.triage.outcome } : {}),
      });
    } catch (error) {
      if (error instanceof ProblemError) errors.push({ invoiceNumber: invoice.invoiceNumber, supplier, code: error.code, message: error.message });
      else if (isConnectionLoss(error)) throw error;
      else {
        request.log?.('batch invoice failed', { invoiceNumber: invoice.invoiceNumber, supplier, error: String(error) });
        errors.push({
          invoiceNumber: invoice.invoiceNumber,
          supplier,
          code: 'internal',
          message:
            'This invoice could not be received because of an unexpected error (logged on the server); the others were. Send the file again with the same Idempotency-Key to retry it.',
        });
      }
    }
    if ((index + 1) % step === 0 || index + 1 === total) request.onProgress?.({ phase: 'intake', done: index + 1, total });
  }
  return {
    received: outcomes.filter((o) => !o.replayed).length,
    replayed: outcomes.filter((o) => o.replayed).length,
    refused: errors.length,
    invoices: outcomes,
    errors,
  };
}
