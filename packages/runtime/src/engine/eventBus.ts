import type { EffectFailedMessage } from '@exflow/shared';
import type { TaskChangeKind, TaskChangeSubject } from '../realtime/realtime.js';
import type { CaseChange } from './engine.js';

/** What the runtime announces once a change has committed, by event name. */
export interface RuntimeEvents {
  /** A case transition committed (realtime: case, tenant, definition and queue rooms). */
  'case.changed': CaseChange;
  /** A person took, gave back, completed or re-ranked a task. */
  'task.changed': { tenantId: string; task: TaskChangeSubject; change: TaskChangeKind };
  /** An attempt of an outbound call failed and its retry, incident or error edge is recorded (realtime: the case room). */
  'effect.failed': { tenantId: string; failure: EffectFailedMessage };
  /** A principal's key was revoked or the user disabled: drop its live sockets. */
  'principal.revoked': { tenantId: string; principalId: string };
  /** Work committed for the workers: wake them (`*DueAt`: when a retry or timer falls due, ms since epoch). */
  'work.queued': WorkQueued;
}

/** What a commit left for the workers, so they run at once instead of at their next idle poll. */
export interface WorkQueued {
  /** Outbox effects due now. */
  effects: number;
  /** Durable timers, by due time. */
  timerDueAt: number[];
  /** Webhook deliveries due now. */
  webhooks?: number;
  /** Buffered messages a case claimed (the message worker delivers them). */
  messages?: number;
  /** Effects put back for a retry, by due time (this process's worker wakes then). */
  effectDueAt?: number[];
  /** Webhook deliveries put back for a retry, by due time. */
  webhookDueAt?: number[];
}

const hasWork = (w: WorkQueued) =>
  w.effects > 0 ||
  w.timerDueAt.length > 0 ||
  (w.webhooks ?? 0) > 0 ||
  (w.messages ?? 0) > 0 ||
  Boolean(w.effectDueAt?.length) ||
  Boolean(w.webhookDueAt?.length);

type Listener<T> = (payload: T) => void;

/**
 * A small typed emitter, created once per runtime and handed to the engine at creation:
 * publishers emit committed changes, realtime and the workers subscribe. A listener that
 * throws does not stop the others (its error goes to `onError`).
 */
export function createEventBus(onError: (error: unknown, event: string) => void = () => {}) {
  const listeners = new Map<keyof RuntimeEvents, Set<Listener<never>>>();
  return {
    /** Subscribes; returns the function that unsubscribes. */
    on<K extends keyof RuntimeEvents>(event: K, listener: Listener<RuntimeEvents[K]>): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as Listener<never>);
      return () => void set.delete(listener as Listener<never>);
    },
    emit<K extends keyof RuntimeEvents>(event: K, payload: RuntimeEvents[K]): void {
      for (const listener of listeners.get(event) ?? []) {
        try {
          (listener as Listener<RuntimeEvents[K]>)(payload);
        } catch (e) {
          onError(e, event);
        }
      }
    },
  };
}

export type EventBus = ReturnType<typeof createEventBus>;

/**
 * The one publisher of committed changes: cases (with the work they queued), tasks and failed
 * attempts of outbound calls. Call it
 * only after the change committed (from a unit of work's `afterCommit`, or after the statement).
 */
export function createPublisher(bus: EventBus) {
  return {
    caseChanged(change: CaseChange, queued?: WorkQueued): void {
      bus.emit('case.changed', change);
      if (queued && hasWork(queued)) bus.emit('work.queued', queued);
    },
    /** Work committed outside a transition (a retry scheduled): wake the workers for it. */
    workQueued(queued: WorkQueued): void {
      if (hasWork(queued)) bus.emit('work.queued', queued);
    },
    taskChanged(tenantId: string, task: TaskChangeSubject, change: TaskChangeKind): void {
      bus.emit('task.changed', { tenantId, task, change });
    },
    /** A failed attempt of an outbound call, once its retry (or incident, or error edge) committed. */
    effectFailed(tenantId: string, failure: EffectFailedMessage): void {
      bus.emit('effect.failed', { tenantId, failure });
    },
    async disconnect(tenantId: string, principalId: string): Promise<void> {
      bus.emit('principal.revoked', { tenantId, principalId });
    },
  };
}
