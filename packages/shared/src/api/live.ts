import { Type, type Static } from '@sinclair/typebox';
import { CASE_STATUSES } from './cases.js';
import { Count, Id, List, Nullable, OneOf, Text, Timestamp } from './wire.js';

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

/** What follows a failed attempt of an outbound call, as `effect.failed` says it. */
const EFFECT_FAILURE_NEXT = ['retry', 'incident', 'error-edge'] as const;

/**
 * `effect.failed`: an attempt of an outbound call (a service or connector step) failed. Sent to
 * the case room once it is recorded: the retry is scheduled (`next: 'retry'`, `retryAt`), or the
 * retry policy is spent and the case waits in an incident or took the step's error edge. A
 * failed attempt that is retried changes no case version and writes no case event; this message
 * is how a watcher learns of it.
 */
export const effectFailedMessageSchema = Type.Object({
  caseId: Id(),
  effectId: Id(),
  nodeId: Id(),
  service: Nullable(Id()),
  attempt: Count('Which attempt of the current run of the retry policy failed, from 1'),
  maxAttempts: Count('Attempts the retry policy allows in all; 0: no limit, it retries until its deadline'),
  error: Text(2000),
  /** What the call waits for before its next attempt ("ERP"), when the service said. */
  waitingFor: Nullable(Id()),
  next: OneOf(EFFECT_FAILURE_NEXT),
  /** When the next attempt is due (`next: 'retry'`), else null. */
  retryAt: Nullable(Timestamp()),
  /** Why the retries stopped (`attempts`, `deadline`, `non-retryable`); null while retrying. */
  gaveUp: Nullable(OneOf(['attempts', 'deadline', 'non-retryable'] as const)),
});
export type EffectFailedMessage = Static<typeof effectFailedMessageSchema>;

/** Every Socket.IO message the runtime sends, by event name. */
export interface LiveMessages {
  'case.changed': CaseChangedMessage;
  'task.changed': TaskChangedMessage;
  'effect.failed': EffectFailedMessage;
}
