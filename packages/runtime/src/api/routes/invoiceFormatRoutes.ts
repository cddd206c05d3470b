import { createHash } from 'node:crypto';
import { parseInvoiceCsv, parseUblInvoice, formatIntakeResponseSchema, csvBatchResultSchema } from '@exflow/shared';
import type { Request } from 'express';
import { INTAKE } from '../../auth/roles.js';
import { badRequest, unprocessable, type ProblemCodeWithStatus } from '../../errors.js';
import { receiveBatch, type BatchProgress, type BatchResult } from '../../ingest/batchIntake.js';
import { receiveInvoice } from '../../ingest/intake.js';
import { stableHash } from '../../ingest/stableHash.js';
import type { Db } from '../../store/db.js';
import { createDefinitionRepository } from '../../store/definitionRepository.js';
import { queryString } from '../params.js';
import { defineRoutes } from '../route.js';

/** XML as the UBL parser takes it: it refuses more than 5 MiB itself. */
const XML_LIMIT = '5mb';
/** CSV can hold thousands of invoices; progress is streamed (Accept: application/x-ndjson). */
const CSV_LIMIT = '50mb';
const NDJSON = 'application/x-ndjson';

export const definitionQuery = {
  definition: { type: 'string' as const, description: 'Key of the published flow to run; default: the first whose start trigger matches' },
};

/** The Idempotency-Key header, checked: 1 to 200 characters when present. */
export function idempotencyKey(req: Request): string | undefined {
  const key = req.get('Idempotency-Key');
  if (key !== undefined && (key.length === 0 || key.length > 200)) throw badRequest('The Idempotency-Key header must be 1 to 200 characters');
  return key;
}

/** A document a parser refused: 422 with the first problems in the detail and each one in errors (its path and code). */
export function refusedDocument(code: ProblemCodeWithStatus<422>, problems: readonly { path: string; message: string; code: string }[]) {
  return unprocessable(
    code,
    `The document was refused: ${problems
      .slice(0, 3)
      .map((p) => p.message)
      .join('; ')}`,
    problems.map((p) => ({ path: p.path, message: p.message, code: p.code })),
  );
}

async function assertPublished(db: Db, tenantId: string, key: string | undefined) {
  if (!key) return;
  const versions = await createDefinitionRepository(db).latestPublished(tenantId);
  if (!versions.some((v) => v.definition.key === key)) {
    throw unprocessable('unknown-definition', `No published definition with key "${key}"; publish it first or leave out "definition"`, [
      { path: 'definition', message: 'unknown definition key' },
    ]);
  }
}

export const invoiceFormatRoutes = defineRoutes([
  {
    method: 'post',
    path: '/invoices/ubl',
    summary:
      'Receive a UBL 2.1 / Peppol BIS 3 Invoice or CreditNote (XML) and open its case. Documents with a DOCTYPE or entities are refused (422) and nothing is stored; a CII invoice is refused with a pointer to /invoices/cii. Idempotency-Key as for JSON.',
    tag: 'invoices',
    roles: INTAKE,
    rawBody: { contentTypes: ['application/xml', 'text/xml'], limit: XML_LIMIT, description: 'The UBL document' },
    query: definitionQuery,
    responses: {
      '201': 'Stored, case opened; warnings list figures that do not add up (kept as stated)',
      '200': 'Replay of an earlier request with the same key',
      '413': 'Larger than 5 MB',
      '415': 'Not application/xml or text/xml',
      '422': 'Refused document (each problem with its element path and code), or key reused for a different document',
    },
    responseSchemas: { '201': formatIntakeResponseSchema, '200': formatIntakeResponseSchema },
    async handler(req, res, { db, engine, principal }) {
      const key = idempotencyKey(req);
      const xml = req.body as string;
      const parsed = parseUblInvoice(xml);
      if (!parsed.ok && parsed.problems[0]?.code === 'ubl.notInvoice' && parsed.problems[0].path === 'CrossIndustryInvoice') {
        throw unprocessable(
          'cii-sent-to-ubl',
          'The document is a UN/CEFACT CII invoice (<rsm:CrossIndustryInvoice>), not UBL: send it to POST /api/v1/invoices/cii',
          [{ path: 'CrossIndustryInvoice', message: 'a CII invoice: use POST /api/v1/invoices/cii', code: 'ubl.notInvoice' }],
        );
      }
      if (!parsed.ok) {
        throw refusedDocument('invalid-ubl', parsed.problems);
      }
      const definition = queryString(req, 'definition');
      const result = await receiveInvoice(db, engine, principal, {
        invoice: parsed.invoice,
        channel: 'ubl',
        idempotencyKey: key,
        requestHash: stableHash({ xml: createHash('sha256').update(xml).digest('hex'), definition: definition ?? null }),
        definitionKey: definition,
      });
      if (result.replayed) res.set('Idempotent-Replayed', 'true');
      res.status(result.status).json({ ...result.body, warnings: parsed.warnings });
    },
  },
  {
    method: 'post',
    path: '/invoices/csv',
    summary:
      'Receive many invoices from CSV (one row per invoice line; columns as parseInvoiceCsv). Each good invoice is received on its own (channel csv); rows with errors are reported and left out. With Accept: application/x-ndjson the answer streams progress lines, then the result.',
    tag: 'invoices',
    roles: INTAKE,
    rawBody: { contentTypes: ['text/csv'], limit: CSV_LIMIT, description: 'The CSV file' },
    query: definitionQuery,
    responses: {
      '200':
        '{ received, replayed, refused, rowErrors, invoices, errors, warnings }; as NDJSON: {type:"progress",phase,done,total} lines, then {type:"result",...}',
      '413': 'Larger than 50 MB',
      '415': 'Not text/csv',
      '422': 'No invoice could be read (header or every row wrong): errors name row and column; nothing stored',
    },
    responseSchemas: { '200': csvBatchResultSchema },
    async handler(req, res, { db, engine, principal, log }) {
      const key = idempotencyKey(req);
      const definition = queryString(req, 'definition');
      await assertPublished(db, principal.tenantId, definition);
      const stream = (req.get('accept') ?? '').includes(NDJSON);
      if (stream) res.status(200).type(NDJSON);
      const send = (line: object) => res.write(`${JSON.stringify(line)}\n`);
      const progress = (p: BatchProgress) => stream && send({ type: 'progress', ...p });
      const csv = parseInvoiceCsv(req.body as string, { onProgress: (done, total) => progress({ phase: 'parse', done, total }) });
      if (csv.invoices.length === 0 && csv.errors.length > 0) {
        if (stream)
          return void res.end(
            `${JSON.stringify({ type: 'result', received: 0, replayed: 0, refused: 0, rowErrors: csv.errors.length, invoices: [], errors: csv.errors, warnings: csv.warnings })}\n`,
          );
        throw unprocessable(
          'invalid-csv',
          `No invoice could be read: ${csv.errors
            .slice(0, 3)
            .map((e) => `row ${e.row}: ${e.message}`)
            .join('; ')}`,
          csv.errors.map((e) => ({ path: `row ${e.row}${e.column ? `/${e.column}` : ''}`, message: e.message, code: e.code })),
        );
      }
      let batch: Awaited<ReturnType<typeof receiveBatch>>;
      try {
        batch = await receiveBatch(db, engine, principal, {
          invoices: csv.invoices,
          channel: 'csv',
          idempotencyKey: key,
          definitionKey: definition,
          onProgress: progress,
          log,
        });
      } catch (error) {
        if (!stream) throw error;
        // the status line is gone already: say so in the stream; what was received stays received
        return void res.end(
          `${JSON.stringify({ type: 'error', code: 'internal', detail: `The import stopped: ${(error as Error).message}. Invoices received so far are stored; send the file again with the same Idempotency-Key to continue.` })}\n`,
        );
      }
      const result: BatchResult = { ...batch, rowErrors: csv.errors.length, errors: [...csv.errors, ...batch.errors], warnings: csv.warnings };
      if (stream) res.end(`${JSON.stringify({ type: 'result', ...result })}\n`);
      else res.json(result);
    },
  },
]);
