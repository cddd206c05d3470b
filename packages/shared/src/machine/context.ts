/** Any event a case receives. Names are stable: they are stored in the event log. */
export interface CaseEvent {
  type: string;
  [key: string]: unknown;
}

/** What a case knows, kept in the XState snapshot's context. */
export interface CaseContext {
  invoice: Record<string, unknown>;
  /** Results of services, decision tables and tasks, by their result name. */
  vars: Record<string, unknown>;
  /** Completed tasks by node id: outcome, form data and who decided. */
  tasks: Record<string, { outcome: string; data: Record<string, unknown>; by: string | null }>;
  /** Service failures by node id. */
  errors: Record<string, unknown>;
  comments: number;
  cancellation: { reason: string; by: string | null } | null;
}

/** Input a case starts from. */
export interface CaseInput {
  invoice: Record<string, unknown>;
  /** What intake's triage found (findings, outcome, route), kept as the result `triage` so FEEL sees `triage.findings`. */
  triage?: Record<string, unknown>;
}

export function initialCaseContext(input: CaseInput): CaseContext {
  return { invoice: input.invoice, vars: input.triage ? { triage: input.triage } : {}, tasks: {}, errors: {}, comments: 0, cancellation: null };
}

/**
 * The variables FEEL expressions see: every kept result by name, then `invoice` and `tasks`.
 * @example feelContext(ctx) // { match: {...}, invoice: {...}, tasks: {...} }
 */
export function feelContext(context: CaseContext): Record<string, unknown> {
  return { ...context.vars, invoice: context.invoice, tasks: context.tasks };
}
