/**
 * Shapes the REST API answers with for the analyst workspace: one declaration, read by the
 * runtime that writes them and the designer that shows them.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Count, Decimal, Id, List, Nullable, OneOf, OpenObject, Text, Timestamp } from './wire.js';

/** A task as `GET /tasks/:id` answers it. */
export const taskViewSchema = Type.Object({
  id: Id(),
  caseId: Id(),
  nodeId: Id(),
  title: Text(500),
  queue: Id(),
  candidateRoles: List(Id(), 20),
  instructions: Nullable(Text(10_000)),
  form: Nullable(OpenObject('The JSON Schema of the form to fill in')),
  outcomes: List(Type.Object({ id: Id(), label: Type.Optional(Text(200)) }), 50),
  status: OneOf(['open', 'completed', 'cancelled'] as const),
  priority: Type.Integer({ format: 'int32', minimum: 1, maximum: 5, description: '1 highest … 5' }),
  assignee: Nullable(Id()),
  dueAt: Nullable(Timestamp()),
  createdAt: Timestamp(),
  claimedAt: Nullable(Timestamp()),
  completedAt: Nullable(Timestamp()),
  completedBy: Nullable(Id()),
  outcome: Nullable(Id()),
  data: Nullable(OpenObject('The form data it was completed with')),
  /** Approvals given so far (four-eyes: the first approval waits for a second person). */
  approvals: List(Type.Object({ by: Id(), onBehalfOf: List(Id(), 50), at: Timestamp() }), 50),
});
export type TaskView = Static<typeof taskViewSchema>;
/** `GET /tasks`: at most 500 (`limit`). */
export const taskListSchema = List(taskViewSchema, 500);

/** A task as the inbox lists it: the task plus the invoice facts copied onto it when it opened. */
export const inboxTaskSchema = Type.Object({
  id: Id(),
  caseId: Id(),
  nodeId: Id(),
  title: Text(500),
  queue: Id(),
  candidateRoles: List(Id(), 20),
  priority: Type.Integer({ format: 'int32', minimum: 1, maximum: 5 }),
  assignee: Nullable(Id()),
  assigneeName: Nullable(Text(200)),
  dueAt: Nullable(Timestamp()),
  createdAt: Timestamp(),
  claimedAt: Nullable(Timestamp()),
  invoiceNumber: Nullable(Text(200)),
  supplierId: Nullable(Id()),
  supplierName: Nullable(Text(500)),
  businessUnit: Nullable(Text(200)),
  amount: Nullable(Decimal()),
  currency: Nullable(Text(3)),
  exceptionKind: Nullable(Id()),
  valueAtRisk: Nullable(Decimal()),
  /** The effective due time the list is sorted by (see docs/workspace.md). */
  rankAt: Timestamp('The effective due time the list is sorted by'),
});
export type InboxTask = Static<typeof inboxTaskSchema>;

/** One page of the inbox (`GET /inbox`). */
export const inboxPageSchema = Type.Object({
  items: List(inboxTaskSchema, 200),
  nextCursor: Nullable(Text(1000, 'Pass as `cursor` for the next page; null on the last page')),
});
export type InboxPage = Static<typeof inboxPageSchema>;

const facetSchema = Type.Object({ value: Text(500), count: Count(), label: Type.Optional(Text(500)) });
export type Facet = Static<typeof facetSchema>;

/** Counts behind the inbox's views, queues and filters (`GET /inbox/summary`). */
export const inboxSummarySchema = Type.Object({
  lead: Type.Boolean(),
  views: Type.Object({ mine: Count(), unclaimed: Count(), team: Count() }),
  queues: List(Type.Object({ queue: Id(), open: Count(), unclaimed: Count(), mine: Count(), overdue: Count(), canWork: Type.Boolean() }), 1000),
  facets: Type.Object({ exceptionKinds: List(facetSchema, 1000), suppliers: List(facetSchema, 1000), businessUnits: List(facetSchema, 1000) }),
});
export type InboxSummary = Static<typeof inboxSummarySchema>;

/** A colleague, as `GET /team` lists them. */
export const teamMemberSchema = Type.Object({
  id: Id(),
  name: Text(200),
  email: Text(320),
  roles: List(Id(), 20),
  lead: Type.Boolean(),
});
export type TeamMember = Static<typeof teamMemberSchema>;
/** `GET /team`. */
export const teamListSchema = List(teamMemberSchema, 10_000);

/** Filters of the inbox list (`GET /inbox` query parameters). */
export interface InboxFilters {
  queue?: string;
  /** Team view only: tasks held by this user. */
  assignee?: string;
  exceptionKind?: string;
  /** Supplier id or, when the invoice had none, supplier name. */
  supplier?: string;
  businessUnit?: string;
  /** Invoice gross total bounds, decimal strings. */
  amountMin?: string;
  amountMax?: string;
  /** Due-time bounds, ISO 8601. */
  dueAfter?: string;
  dueBefore?: string;
}

/** `POST /tasks/:id/complete`, 200: the task as completed and the case as the completion left it. */
export const taskCompletedSchema = Type.Object({
  task: taskViewSchema,
  case: Type.Object({ id: Id(), version: Count(), status: Id('open, incident, resolved, rejected, cancelled or failed'), activeNodes: List(Id(), 500) }),
});
/** `POST /tasks/:id/complete`, 202: a first approval above the four-eyes threshold, waiting for a second person. */
export const taskAwaitingSecondApprovalSchema = Type.Object({ task: taskViewSchema, awaitingSecondApproval: Type.Literal(true) });

/** `POST /inbox/bulk/reassign` and `/inbox/bulk/priority`: how many tasks changed (all of those asked). */
export const bulkChangedSchema = Type.Object({ changed: Count() });

/** `GET /assignment-options`: the queues and candidate roles a flow's task may name, for the designer's lists. */
export const assignmentOptionsSchema = Type.Object({
  queues: List(
    Type.Object({ name: Id(), openTasks: Count('Open tasks in the queue now') }),
    1000,
    "Queues named by the tenant's flows (drafts and published versions) or holding tasks, by name",
  ),
  roles: List(Type.Object({ role: Id(), people: Count('Active users of the tenant with the role') }), 20, 'Roles that may work tasks'),
});
export type AssignmentOptions = Static<typeof assignmentOptionsSchema>;
