import type { EffectFailedMessage } from '@exflow/shared';
import type { Effect } from '../workspace/workspaceApi.js';

/** A call of the case that failed, as its banner says it: retrying, or given up into an incident. */
export interface CallFailure {
  effectId: string;
  nodeId: string;
  /** What the call waits for ("ERP"), when its service said; else the banner names the step. */
  waitingFor: string | null;
  /** Which attempt failed (of the current run of the retry policy, when the runtime said so). */
  attempt: number;
  /** Attempts the retry policy allows; 0: it retries until its deadline. */
  maxAttempts: number;
  error: string;
  /** When the next attempt is due; null once the retries stopped. */
  retryAt: string | null;
}

/**
 * The case's calls that failed and are not done, newest knowledge first: a live `effect.failed`
 * message for an effect the loaded case still shows in that state (or does not show yet) wins
 * over the loaded effect, so the banner is right between the message and the reload it starts.
 * A call that gave up is shown while the case waits in an incident at its step; one that took
 * its error edge is not (the case went on).
 * @example callFailures(detail.effects, live, { status: 'open', activeNodes: ['po'] })
 */
export function callFailures(
  effects: readonly Effect[],
  live: ReadonlyMap<string, EffectFailedMessage>,
  kase: { status: string; activeNodes: readonly string[] },
): CallFailure[] {
  const inIncidentAt = (nodeId: string) => kase.status === 'incident' && kase.activeNodes.includes(nodeId);
  const fromMessage = (m: EffectFailedMessage): CallFailure => ({
    effectId: m.effectId,
    nodeId: m.nodeId,
    waitingFor: m.waitingFor,
    attempt: m.attempt,
    maxAttempts: m.maxAttempts,
    error: m.error,
    retryAt: m.retryAt,
  });
  const out: CallFailure[] = [];
  for (const e of effects) {
    const m = live.get(e.id);
    if (
      m &&
      (m.next === 'retry' ? e.status === 'pending' || e.status === 'running' : e.status === 'failed' && m.next === 'incident' && inIncidentAt(e.nodeId))
    ) {
      out.push(fromMessage(m));
      continue;
    }
    const retrying = e.status === 'pending' && e.attempts > 0 && e.nextRetryAt !== null;
    const gaveUp = e.status === 'failed' && inIncidentAt(e.nodeId);
    if (!retrying && !gaveUp) continue;
    out.push({
      effectId: e.id,
      nodeId: e.nodeId,
      waitingFor: e.waitingFor,
      attempt: e.attempts,
      maxAttempts: e.maxAttempts,
      error: e.lastError ?? '',
      retryAt: retrying ? e.nextRetryAt : null,
    });
  }
  const loaded = new Set(effects.map((e) => e.id));
  for (const m of live.values()) if (!loaded.has(m.effectId) && (m.next === 'retry' || m.next === 'incident')) out.push(fromMessage(m));
  return out;
}
