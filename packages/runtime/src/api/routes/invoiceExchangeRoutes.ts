import { createHash } from 'node:crypto';
import {
  parseCiiInvoice,
  parseEdifactInvoice,
  parseX12Invoice,
  readInvoiceEmail,
  type IntakeResult,
  type SourceChannel,
  formatIntakeResponseSchema,
  emailIntakeResponseSchema,
} from '@exflow/shared';
import { INTAKE } from '../../auth/roles.js';
import { unprocessable, type ProblemCodeWithStatus } from '../../errors.js';
import { receiveInvoiceEmail } from '../../ingest/emailIntake.js';
import { embeddedFilesOfPdf } from '../../ingest/pdfFiles.js';
import { receiveInvoice } from '../../ingest/intake.js';
import { stableHash } from '../../ingest/stableHash.js';
import { queryString } from '../params.js';
import { defineRoutes, type Route } from '../route.js';
import { definitionQuery, idempotencyKey, refusedDocument } from './invoiceFormatRoutes.js';

/** Each parser refuses more than 5 MiB itself; the body limit only has to let that through. */
const DOCUMENT_LIMIT = '5mb';
/** An e-mail carries its attachments base64-encoded; readInvoiceEmail refuses more than 20 MiB. */
const EMAIL_LIMIT = '21mb';

interface DocumentFormat {
  path: string;
  /** Name of the syntax in messages, e.g. "UN/CEFACT CII". */
  label: string;
  channel: SourceChannel;
  /** The problem+json `code` of a refused document. */
  refusal: ProblemCodeWithStatus<422>;
  contentTypes: readonly string[];
  summary: string;
  parse(text: string): IntakeResult;
}

/**
 * A route that reads one document of a format into the canonical invoice and receives it like
 * the UBL route: same idempotency (the key replays; a different document with it is 422), same
 * answer plus `warnings`, and a refusal is 422 naming each element or segment, storing nothing.
 */
function documentRoute(format: DocumentFormat): Route {
  return {
    method: 'post',
    path: format.path,
    summary: format.summary,
    tag: 'invoices',
    roles: INTAKE,
    rawBody: { contentTypes: format.contentTypes, limit: DOCUMENT_LIMIT, description: `The ${format.label} document` },
    query: definitionQuery,
    responses: {
      '201': 'Stored, case opened; warnings list figures that do not add up (kept as stated)',
      '200': 'Replay of an earlier request with the same key',
      '413': 'Larger than 5 MB',
      '415': `Not ${format.contentTypes.join(' or ')}`,
      '422': `Refused document (each problem with its ${format.channel === 'cii' ? 'element path' : 'segment and element'} and code), or key reused for a different document`,
    },
    responseSchemas: { '201': formatIntakeResponseSchema, '200': formatIntakeResponseSchema },
    async handler(req, res, { db, engine, principal }) {
      const key = idempotencyKey(req);
      const text = req.body as string;
      const parsed = format.parse(text);
      if (!parsed.ok) {
        throw refusedDocument(format.refusal, parsed.problems);
      }
      const definition = queryString(req, 'definition');
      const result = await receiveInvoice(db, engine, principal, {
        invoice: parsed.invoice,
        channel: format.channel,
        idempotencyKey: key,
        requestHash: stableHash({ document: createHash('sha256').update(text).digest('hex'), definition: definition ?? null }),
        definitionKey: definition,
      });
      if (result.replayed) res.set('Idempotent-Replayed', 'true');
      res.status(result.status).json({ ...result.body, warnings: parsed.warnings });
    },
  };
}

export const invoiceExchangeRoutes = defineRoutes([
  documentRoute({
    path: '/invoices/cii',
    label: 'UN/CEFACT CII',
    channel: 'cii',
    refusal: 'invalid-cii',
    contentTypes: ['application/xml', 'text/xml'],
    summary:
      'Receive a UN/CEFACT Cross Industry Invoice (CII D16B, EN 16931; also the XML of Factur-X / ZUGFeRD), invoice or credit note (TypeCode 381), and open its case (channel cii). DOCTYPE/entities refused (422), nothing stored. Idempotency-Key as for JSON.',
    parse: (text) => parseCiiInvoice(text),
  }),
  documentRoute({
    path: '/invoices/x12',
    label: 'ANSI X12 810',
    channel: 'x12',
    refusal: 'invalid-x12',
    contentTypes: ['application/edi-x12', 'text/plain'],
    summary:
      'Receive an ANSI ASC X12 810 invoice (version 004010; one ST…SE transaction set per interchange, separators read from ISA) and open its case (channel x12). Envelope counts and control numbers must match; refusals name the segment or element (e.g. BIG02). Idempotency-Key as for JSON.',
    parse: (text) => parseX12Invoice(text),
  }),
  documentRoute({
    path: '/invoices/edifact',
    label: 'UN/EDIFACT INVOIC',
    channel: 'edifact',
    refusal: 'invalid-edifact',
    contentTypes: ['application/edifact'],
    summary:
      'Receive a UN/EDIFACT INVOIC message (directory D96A; one message per interchange; UNA service characters and the release character honoured) and open its case (channel edifact). Envelope counts and references must match; refusals name the segment (e.g. MOA+79). Idempotency-Key as for JSON.',
    parse: (text) => parseEdifactInvoice(text),
  }),
  {
    method: 'post',
    path: '/invoices/email',
    summary:
      'Receive an e-mail (RFC 5322 / MIME, .eml): each UBL or CII XML attachment, and the XML a PDF/A-3 attachment embeds (Factur-X / ZUGFeRD), is received as its own invoice (channel email; Idempotency-Key extended per attachment); the mail and its PDFs are kept as evidence on each case opened, in the same transaction as its invoice; other attachments are ignored; the answer lists each attachment with its outcome and reason.',
    tag: 'invoices',
    roles: INTAKE,
    rawBody: { contentTypes: ['message/rfc822'], limit: EMAIL_LIMIT, description: 'The whole e-mail as received (.eml)' },
    query: definitionQuery,
    responses: {
      '201':
        '{ message, attachments: [{ index, filename, contentType, outcome: received|replayed|refused|evidence|ignored, syntax, embedded, invoice, case, warnings, problems, reason, evidence }] }',
      '200': 'Every invoice of the mail was a replay of an earlier request with the same key',
      '413': 'Larger than 20 MB',
      '415': 'Not message/rfc822',
      '422':
        'Not a readable e-mail, or no attachment is a readable UBL/CII invoice, directly or embedded in a PDF/A-3 (each attachment listed with its reason, e.g. a PDF without embedded XML); nothing stored',
    },
    responseSchemas: { '201': emailIntakeResponseSchema, '200': emailIntakeResponseSchema },
    async handler(req, res, { db, engine, principal, config }) {
      const key = idempotencyKey(req);
      const raw = req.body as string;
      const parsed = await readInvoiceEmail(raw, { readPdf: embeddedFilesOfPdf });
      if (!parsed.ok)
        throw unprocessable(
          'invalid-email',
          `The message was refused: ${parsed.problems.map((p) => p.message).join('; ')}`,
          parsed.problems.map((p) => ({ path: p.path, message: p.message, code: p.code })),
        );
      const { attachments, ...message } = parsed.email;
      if (!attachments.some((a) => a.kind === 'invoice' && a.result?.ok)) {
        const errors = attachments.flatMap((a) =>
          a.result && !a.result.ok
            ? a.result.problems.map((p) => ({ path: `attachment[${a.index}] ${a.filename}: ${p.path}`, message: p.message, code: p.code }))
            : [{ path: `attachment[${a.index}] ${a.filename}`, message: a.reason ?? 'not an invoice', code: `email.${a.kind}` }],
        );
        throw unprocessable(
          'no-invoice-in-email',
          `No attachment of the message is a readable invoice (UBL or CII XML, or a PDF/A-3 with one embedded)${
            errors.length
              ? `: ${errors
                  .slice(0, 3)
                  .map((e) => `${e.path} — ${e.message}`)
                  .join('; ')}`
              : '; it has no attachments'
          }. Nothing was stored.`,
          errors,
        );
      }
      const outcomes = await receiveInvoiceEmail(db, engine, principal, {
        email: parsed.email,
        raw: Buffer.from(raw, 'utf8'),
        idempotencyKey: key,
        definitionKey: queryString(req, 'definition'),
        attachmentsDir: config.attachmentsDir,
      });
      const anyNew = outcomes.some((o) => o.outcome === 'received');
      if (!anyNew) res.set('Idempotent-Replayed', 'true');
      res.status(anyNew ? 201 : 200).json({ message, attachments: outcomes });
    },
  },
]);
