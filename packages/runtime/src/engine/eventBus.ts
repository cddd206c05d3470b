import type { TaskChangeKind, TaskChangeSubject } from '../realtime/realtime.js';
import type { CaseChange } from './engine.js';

/** What the runtime announces once a change has committed, by event name. */
export interface RuntimeEvents {
  /** A case transition committed (realtime: case, tenant, definition and queue rooms). */
  'case.changed': CaseChange;
  /** A person took, gave back, completed or re-ranked a task. */
  'task.changed': { tenantId: string; task: TaskChangeSubject; change: TaskChangeKind };
  /** A principal's key was revoked or the user disabled: drop its live sockets. */
  'principal.revoked': { tenantId: string; principalId: string };
  /** Outbox effects are due now, or a timer at `timerDueAt` (ms since epoch): wake the workers. */
  'work.queued': { effects: number; timerDueAt: number[] };
}

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
 * The one publisher of committed changes: cases (with the work they queued) and tasks. Call it
 * only after the change committed (from a unit of work's `afterCommit`, or after the statement).
 */
export function createPublisher(bus: EventBus) {
  return {
    caseChanged(change: CaseChange, queued?: { effects: number; timerDueAt: number[] }): void {
      bus.emit('case.changed', change);
      if (queued && (queued.effects > 0 || queued.timerDueAt.length > 0)) bus.emit('work.queued', queued);
    },
    taskChanged(tenantId: string, task: TaskChangeSubject, change: TaskChangeKind): void {
      bus.emit('task.changed', { tenantId, task, change });
    },
    async disconnect(tenantId: string, principalId: string): Promise<void> {
      bus.emit('principal.revoked', { tenantId, principalId });
    },
  };
}
