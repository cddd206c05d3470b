/**
 * Shapes the REST API answers with for the analyst workspace: one declaration, read by the
 * runtime that writes them and the designer that shows them.
 */

/** A task as `GET /tasks/:id` answers it. */
export interface TaskView {
  id: string;
  caseId: string;
  nodeId: string;
  title: string;
  queue: string;
  candidateRoles: string[];
  instructions: string | null;
  form: Record<string, unknown> | null;
  outcomes: { id: string; label?: string }[];
  status: 'open' | 'completed' | 'cancelled';
  priority: number;
  assignee: string | null;
  dueAt: string | null;
  createdAt: string;
  claimedAt: string | null;
  completedAt: string | null;
  completedBy: string | null;
  outcome: string | null;
  data: Record<string, unknown> | null;
  /** Approvals given so far (four-eyes: the first approval waits for a second person). */
  approvals: { by: string; onBehalfOf: string[]; at: string }[];
}

/** A task as the inbox lists it: the task plus the invoice facts copied onto it when it opened. */
export interface InboxTask {
  id: string;
  caseId: string;
  nodeId: string;
  title: string;
  queue: string;
  candidateRoles: string[];
  priority: number;
  assignee: string | null;
  assigneeName: string | null;
  dueAt: string | null;
  createdAt: string;
  claimedAt: string | null;
  invoiceNumber: string | null;
  supplierId: string | null;
  supplierName: string | null;
  businessUnit: string | null;
  amount: string | null;
  currency: string | null;
  exceptionKind: string | null;
  valueAtRisk: string | null;
  /** The effective due time the list is sorted by (see docs/workspace.md). */
  rankAt: string;
}

/** A colleague, as `GET /team` lists them. */
export interface TeamMember {
  id: string;
  name: string;
  email: string;
  roles: string[];
  lead: boolean;
}

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
