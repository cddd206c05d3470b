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
