import { Type, type Static } from '@sinclair/typebox';
import type { TriageFinding } from '../checks/triage.js';
import type { TriageOutcome } from '../checks/routing.js';
import type { SourceChannel } from '../invoice/invoice.js';
import { CASE_STATUSES } from './cases.js';
import { Count, Decimal, Id, List, Nullable, OneOf, Text } from './wire.js';

const CHANNELS = ['api', 'portal', 'email', 'edi', 'ubl', 'cii', 'x12', 'edifact', 'csv'] as const satisfies readonly SourceChannel[];
const OUTCOMES = ['exception', 'started', 'touchless', 'unrouted'] as const satisfies readonly TriageOutcome[];

/** Triage's verdict as the intake answer, the invoice and the case context carry it. */
export const intakeTriageSchema = Type.Object({
  outcome: OneOf(OUTCOMES),
  findings: Type.Unsafe<TriageFinding[]>(
    List(Type.Object({ kind: Id(), severity: Id() }, { description: 'A finding: kind, severity, rule, figures, value at risk' }), 1000, 'Riskiest first'),
  ),
  valueAtRisk: Decimal(),
  route: Type.Object({
    flow: Nullable(Id()),
    by: OneOf(['routing', 'definition', 'trigger', 'none'] as const),
    rule: Nullable(Count()),
    finding: Nullable(Id()),
  }),
});
export type IntakeTriage = Static<typeof intakeTriageSchema>;

/** The answer to an invoice intake (`POST /invoices` and the format-specific intakes). */
export const invoiceIntakeResponseSchema = Type.Object({
  invoice: Type.Object({ id: Id(), invoiceNumber: Text(200), channel: OneOf(CHANNELS) }),
  case: Nullable(
    Type.Object(
      { id: Id(), status: OneOf(CASE_STATUSES), version: Count(), activeNodes: List(Id(), 500), definitionId: Id(), definitionVersion: Count() },
      { description: 'The case opened for it; null when no flow matches' },
    ),
  ),
  triage: intakeTriageSchema,
});
export type InvoiceIntakeResponse = Static<typeof invoiceIntakeResponseSchema>;

/** The answer to a format-specific intake (UBL, CII, X12, EDIFACT): the intake answer plus the reader's warnings. */
export const formatIntakeResponseSchema = Type.Intersect([
  invoiceIntakeResponseSchema,
  Type.Object({ warnings: List(Text(2000), 1000, 'Figures that do not add up, kept as stated') }),
]);

/** One attachment of an e-mail intake and what became of it. */
export const emailAttachmentOutcomeSchema = Type.Object({
  index: Count(),
  filename: Text(1000),
  contentType: Text(200),
  outcome: OneOf(['received', 'replayed', 'refused', 'evidence', 'ignored'] as const),
  syntax: Type.Optional(OneOf(['ubl', 'cii'] as const)),
  invoice: Type.Optional(invoiceIntakeResponseSchema.properties.invoice),
  case: Type.Optional(invoiceIntakeResponseSchema.properties.case),
  warnings: Type.Optional(List(Text(2000), 1000)),
  problems: Type.Optional(List(Type.Object({ path: Text(1000), message: Text(2000), code: Id() }), 1000)),
  reason: Type.Optional(Text(2000)),
  evidence: Type.Optional(Type.Union([Type.Object({ attachmentIds: List(Id(), 100) }), Type.Object({ stored: Type.Literal(false), reason: Text(2000) })])),
});

/** `POST /invoices/email`: the message's headers and each attachment's outcome. */
export const emailIntakeResponseSchema = Type.Object({
  message: Type.Object({
    subject: Type.Optional(Text(2000)),
    from: Type.Optional(Text(1000)),
    messageId: Type.Optional(Text(1000)),
    date: Type.Optional(Text(100)),
  }),
  attachments: List(emailAttachmentOutcomeSchema, 1000),
});
export type EmailIntakeResponse = Static<typeof emailIntakeResponseSchema>;

/** `POST /invoices/csv` (as JSON; as NDJSON, its last line): what each row became. */
export const csvBatchResultSchema = Type.Object({
  received: Count(),
  replayed: Count(),
  refused: Count(),
  rowErrors: Count(),
  invoices: List(
    Type.Object({
      invoiceNumber: Text(200),
      supplier: Text(500),
      invoiceId: Id(),
      caseId: Nullable(Id()),
      replayed: Type.Boolean(),
      triageOutcome: Type.Optional(OneOf(OUTCOMES)),
    }),
    1_000_000,
  ),
  errors: List(
    Type.Object(
      {
        row: Type.Optional(Count()),
        column: Type.Optional(Id()),
        invoiceNumber: Type.Optional(Text(200)),
        supplier: Type.Optional(Text(500)),
        message: Text(2000),
        code: Id(),
      },
      { description: 'A bad row (row, column), or an invoice refused at intake (invoiceNumber, supplier)' },
    ),
    1_000_000,
  ),
  warnings: List(Text(2000), 1000),
});
export type CsvBatchResult = Static<typeof csvBatchResultSchema>;
