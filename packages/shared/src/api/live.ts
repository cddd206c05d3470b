import { Type, type Static } from '@sinclair/typebox';
import { CASE_STATUSES } from './cases.js';
import { Count, Id, List, Nullable, OneOf, Text } from './wire.js';

/** How a task changed, as `task.changed` says it. */
export const TASK_CHANGES = ['opened', 'claimed', 'released', 'completed', 'reassigned', 'reprioritised'] as const;

/**
 * `case.changed`: sent to the tenant, case and definition rooms after every committed
 * transition. `version` lets a client see a gap and refetch.
 */
export const caseChangedMessageSchema = Type.Object({
  caseId: Id(),
  definitionId: Id(),
  version: Count('The case version after this change'),
  status: OneOf(CASE_STATUSES),
  outcome: Nullable(Id()),
  activeNodes: List(Id(), 500),
  event: Type.Object({ type: Id(), seq: Count(), actor: Nullable(Id()) }),
  tasksOpened: List(Type.Object({ id: Id(), nodeId: Id(), queue: Id(), title: Text(500) }), 500),
  tasksClosedNodes: List(Id(), 500),
});
export type CaseChangedMessage = Static<typeof caseChangedMessageSchema>;

/** `task.changed`: a task opened, or a person claimed, released, completed, reassigned or re-ranked it. */
export const taskChangedMessageSchema = Type.Object({
  change: OneOf(TASK_CHANGES),
  taskId: Id(),
  caseId: Id(),
  queue: Id(),
  title: Text(500),
  /** On `opened`: the case version that opened it. */
  caseVersion: Type.Optional(Count()),
  assignee: Type.Optional(Nullable(Id())),
  status: Type.Optional(OneOf(['open', 'completed', 'cancelled'] as const)),
  priority: Type.Optional(Count()),
});
export type TaskChangedMessage = Static<typeof taskChangedMessageSchema>;

/** Every Socket.IO message the runtime sends, by event name. */
export interface LiveMessages {
  'case.changed': CaseChangedMessage;
  'task.changed': TaskChangedMessage;
}
