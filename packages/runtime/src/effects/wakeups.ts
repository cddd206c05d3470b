import { randomUUID } from 'node:crypto';
import type { EventBus, WorkQueued } from '../engine/eventBus.js';
import { listenOnChannel } from '../store/channelListener.js';
import type { Db } from '../store/db.js';
import type { Poller } from './poller.js';

export interface WakeupOptions {
  bus: EventBus;
  effects?: Pick<Poller, 'wake' | 'wakeAt'>;
  timers?: Pick<Poller, 'wake' | 'wakeAt'>;
  webhooks?: Pick<Poller, 'wake' | 'wakeAt'>;
  messages?: Pick<Poller, 'wake'>;
  /**
   * PostgreSQL: announce committed work to the other runtime processes (NOTIFY after commit)
   * and listen for theirs on a dedicated connection. Absent on PGlite (one process).
   */
  postgres?: { db: Db; connectionString: string; schema?: string };
  log?: (message: string, context: Record<string, unknown>) => void;
  /** First delay before listening again after the LISTEN connection was lost, ms (doubles to 30 s). */
  relistenMs?: number;
}

interface WorkNotice {
  from: string;
  effects: number;
  timerDueAt: number[];
  webhooks: number;
  messages: number;
}

/**
 * Wakes the effect, timer, webhook and message workers as soon as work commits, instead of at
 * their next idle poll (which stays as the fallback): in process from the bus's `work.queued`,
 * and across processes through PostgreSQL LISTEN/NOTIFY on a channel per schema. NOTIFYs of
 * one event-loop turn are sent as one. A retry put back for later wakes this process's worker
 * when it falls due (the process that scheduled it; the others find it at their idle poll).
 * After the LISTEN connection is lost it reconnects with backoff, listens again, and wakes the
 * workers once (notices may have been missed meanwhile).
 */
export function startWakeups(options: WakeupOptions): { stop(): Promise<void> } {
  const { bus, effects, timers, webhooks, messages, postgres, log = () => {} } = options;
  const self = randomUUID();
  const channel = `exflow_work:${postgres?.schema ?? 'public'}`;
  const wakeFor = (w: WorkQueued) => {
    if (w.effects > 0) effects?.wake();
    for (const at of w.timerDueAt) timers?.wakeAt(at);
    if ((w.webhooks ?? 0) > 0) webhooks?.wake();
    if ((w.messages ?? 0) > 0) messages?.wake();
    for (const at of w.effectDueAt ?? []) effects?.wakeAt(at);
    for (const at of w.webhookDueAt ?? []) webhooks?.wakeAt(at);
  };

  let outgoing: WorkNotice | undefined;
  const flush = () => {
    const notice = outgoing!;
    outgoing = undefined;
    postgres!.db
      .raw('SELECT pg_notify(?, ?)', [channel, JSON.stringify(notice)])
      .catch((e: Error) => log('work notify failed; other processes find the work at their next poll', { error: e.message }));
  };
  const unsubscribe = bus.on('work.queued', (w) => {
    wakeFor(w);
    // a retry is this process's to run when it falls due: nothing to tell the others
    if (!postgres || (w.effects === 0 && w.timerDueAt.length === 0 && !w.webhooks && !w.messages)) return;
    if (!outgoing) {
      outgoing = { from: self, effects: 0, timerDueAt: [], webhooks: 0, messages: 0 };
      setImmediate(flush);
    }
    outgoing.effects += w.effects;
    outgoing.webhooks += w.webhooks ?? 0;
    outgoing.messages += w.messages ?? 0;
    // one due time per notice is enough to wake the other side early: the soonest
    const soonest = Math.min(...w.timerDueAt, ...outgoing.timerDueAt);
    outgoing.timerDueAt = Number.isFinite(soonest) ? [soonest] : [];
  });

  const listener = postgres
    ? listenOnChannel({
        connectionString: postgres.connectionString,
        applicationName: `exflow-wakeups:${postgres.schema ?? 'public'}`,
        channel,
        relistenMs: options.relistenMs,
        log,
        lostMessage: 'work listener lost its connection; it will listen again',
        onNotice(payload) {
          try {
            const notice = JSON.parse(payload) as WorkNotice;
            if (notice.from !== self) wakeFor(notice);
          } catch {
            // not ours: ignore
          }
        },
        onListening() {
          // whatever was announced while we were not listening
          effects?.wake();
          timers?.wake();
          webhooks?.wake();
          messages?.wake();
        },
      })
    : undefined;

  return {
    async stop() {
      unsubscribe();
      await listener?.stop();
    },
  };
}
