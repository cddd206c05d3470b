import { Type, type Static } from '@sinclair/typebox';
import type { MatchResult } from '../checks/threeWayMatch.js';
import { Count, Id, List, Nullable, OneOf, OpenObject, Text, Timestamp } from './wire.js';
import { taskViewSchema } from './workspace.js';

/** `incident`: open, but waiting at a step whose call failed past its retry policy. */
export const CASE_STATUSES = ['open', 'incident', 'resolved', 'rejected', 'cancelled', 'failed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** A case as `GET /cases` lists it. */
export const caseSummarySchema = Type.Object({
  id: Id(),
  status: OneOf(CASE_STATUSES),
  outcome: Nullable(Id()),
  version: Count(),
  activeNodes: List(Id(), 500),
  definitionId: Id(),
  definitionVersion: Count(),
  invoiceId: Nullable(Id()),
  openedAt: Timestamp(),
  updatedAt: Timestamp(),
  closedAt: Nullable(Timestamp()),
});
export type CaseSummary = Static<typeof caseSummarySchema>;
/** `GET /cases`: newest first, at most 200 (`limit`). */
export const caseListSchema = List(caseSummarySchema, 200);

/** A side effect of a case (a service call, a task to open), as the case view shows it. */
export const effectViewSchema = Type.Object({
  id: Id(),
  caseId: Id(),
  caseVersion: Count(),
  nodeId: Id(),
  kind: Id(),
  service: Nullable(Id()),
  status: OneOf(['pending', 'running', 'done', 'failed', 'cancelled'] as const),
  attempts: Count(),
  maxAttempts: Count('Attempts per run of the retry policy; 0: until its deadline'),
  runAt: Timestamp(),
  lastError: Nullable(Text(10_000)),
  waitingFor: Nullable(Text(200, 'What a failed call waits for before its next attempt (e.g. "ERP"), while it waits')),
  nextRetryAt: Nullable(Timestamp('When a call that failed is tried next, while it waits')),
});
export type EffectView = Static<typeof effectViewSchema>;

/** A durable timer of a case (an SLA, a reminder, a wait). */
export const timerViewSchema = Type.Object({
  id: Id(),
  caseId: Id(),
  nodeId: Id(),
  timerId: Id(),
  dueAt: Timestamp(),
  status: OneOf(['pending', 'fired', 'cancelled'] as const),
});
export type TimerView = Static<typeof timerViewSchema>;

/** The case context: the invoice, variables set by services, task results, errors. */
export interface CaseContextView {
  invoice: Record<string, unknown>;
  vars: Record<string, unknown> & { match?: MatchResult };
  tasks: Record<string, { outcome: string; data: Record<string, unknown>; by: string | null }>;
  errors: Record<string, unknown>;
  cancellation: { reason: string; by: string | null } | null;
}

/** A case as `GET /cases/:id` answers it: the summary plus its context, open tasks, timers and effects. */
export const caseDetailSchema = Type.Composite([
  caseSummarySchema,
  Type.Object({
    context: OpenObject<CaseContextView>('The case context: invoice, vars, tasks, errors, cancellation'),
    stateValue: Type.Unsafe<unknown>({ description: 'The XState state value (a node id, or an object for parallel regions)' }),
    tasks: List(taskViewSchema, 500),
    timers: List(timerViewSchema, 1000),
    effects: List(effectViewSchema, 10_000),
  }),
]);
export type CaseDetail = Static<typeof caseDetailSchema>;

/** One entry of a case's event log (`GET /cases/:id/events`). */
export const caseEventViewSchema = Type.Object({
  seq: Count(),
  type: Id(),
  payload: OpenObject('The event as sent, less its type and actor'),
  actor: Nullable(Id()),
  createdAt: Timestamp(),
});
export type CaseEventView = Static<typeof caseEventViewSchema>;
/** `GET /cases/:id/events`: oldest first. */
export const caseEventListSchema = List(caseEventViewSchema, 1_000_000);

/** The answer to `POST /cases/:id/events`: the case moved to this version. */
export const eventAcceptedSchema = Type.Object({
  caseId: Id(),
  version: Count(),
  status: OneOf(CASE_STATUSES),
  activeNodes: List(Id(), 500),
});
export type EventAccepted = Static<typeof eventAcceptedSchema>;

/** A case waiting at a step whose call failed past its retry policy (`GET /incidents`). */
export const incidentViewSchema = Type.Object({
  id: Id(),
  caseId: Id(),
  effectId: Id(),
  nodeId: Id(),
  service: Nullable(Id()),
  error: Text(10_000),
  reason: Id('Why the retries stopped: attempts, deadline or non-retryable'),
  attempts: Count(),
  raisedAt: Timestamp(),
  updatedAt: Timestamp(),
  resolvedAt: Nullable(Timestamp()),
  resolution: Nullable(Id('How it ended: retried (the call succeeded), or the event that moved the case off the step')),
  definitionId: Id(),
  caseStatus: OneOf(CASE_STATUSES),
});
export type IncidentView = Static<typeof incidentViewSchema>;
/** `GET /incidents`: at most 500 (`limit`). */
export const incidentListSchema = List(incidentViewSchema, 500);
