import { durationToMs, type RetryPolicy } from '@exflow/shared';
import { newId } from '../store/ids.js';
import { taskFacts } from './taskFacts.js';

/** An outbox row: work for an effect worker, outside the transition's transaction. */
export interface PlannedEffect {
  id: string;
  node_id: string;
  kind: 'service';
  service: string;
  params: Record<string, unknown>;
  /** Attempts per run of the retry policy; 0: until its deadline. */
  max_attempts: number;
  /** The node's retry policy (missing fields: the worker's default). */
  retry_policy: RetryPolicy | null;
  /** When the policy is spent: take the node's error edge, or wait in an incident. */
  on_failure: 'error-edge' | 'incident';
}

export interface PlannedTask {
  id: string;
  node_id: string;
  title: string;
  queue: string;
  candidate_roles: string[];
  instructions: string | null;
  form: Record<string, unknown> | null;
  outcomes: { id: string; label?: string }[];
  priority: number;
  due_at: string | null;
  /** For the inbox (see `taskFacts`); supplier, amount and business unit come from the invoice row. */
  exception_kind: string | null;
  value_at_risk: string | null;
}

export interface PlannedTimer {
  id: string;
  node_id: string;
  timer_id: string;
  due_at: string;
}

/** What a transition's actions ask for, as rows to write in the same transaction. */
export interface EffectPlan {
  effects: PlannedEffect[];
  /** Nodes left: their effects not yet started are withdrawn. */
  cancelEffectNodes: string[];
  openTasks: PlannedTask[];
  closeTaskNodes: string[];
  timers: PlannedTimer[];
  cancelTimerNodes: string[];
}

interface ActionLike {
  type: string;
  params?: unknown;
}

/**
 * Turns the actions XState returned from a pure transition into rows: outbox effects for
 * services, tasks to open or close, timers to schedule or cancel. Pure given `now` and the
 * context the transition produced (tasks carry the inbox's facts from it).
 */
export function planEffects(actions: readonly ActionLike[], now: number, context?: { vars?: Record<string, unknown>; errors?: Record<string, unknown> }): EffectPlan {
  const plan: EffectPlan = { effects: [], cancelEffectNodes: [], openTasks: [], closeTaskNodes: [], timers: [], cancelTimerNodes: [] };
  let facts: { exception_kind: string | null; value_at_risk: string | null } | undefined;
  const factsOf = () => {
    if (!facts) {
      const found = taskFacts(context);
      facts = { exception_kind: found.exceptionKind, value_at_risk: found.valueAtRisk };
    }
    return facts;
  };
  for (const action of actions) {
    const p = (action.params ?? {}) as Record<string, any>;
    switch (action.type) {
      case 'exflow.service':
        plan.effects.push({
          id: newId(),
          node_id: p.nodeId,
          kind: 'service',
          service: p.service,
          params: p.params ?? {},
          max_attempts: p.retry?.maximumAttempts ?? 0,
          retry_policy: p.retry ?? null,
          on_failure: p.onFailure === 'incident' ? 'incident' : 'error-edge',
        });
        break;
      case 'exflow.service.cancel':
        plan.cancelEffectNodes.push(p.nodeId);
        break;
      case 'exflow.task.open': {
        const dueMs = p.dueIn ? durationToMs(p.dueIn) : undefined;
        plan.openTasks.push({
          id: newId(),
          node_id: p.nodeId,
          title: p.title,
          queue: p.queue,
          candidate_roles: p.candidateRoles ?? [],
          instructions: p.instructions ?? null,
          form: p.form ?? null,
          outcomes: p.outcomes ?? [],
          priority: p.priority ?? 3,
          due_at: dueMs === undefined ? null : new Date(now + dueMs).toISOString(),
          ...factsOf(),
        });
        break;
      }
      case 'exflow.task.close':
        plan.closeTaskNodes.push(p.nodeId);
        break;
      case 'exflow.timer.schedule':
        plan.timers.push({ id: newId(), node_id: p.nodeId, timer_id: p.timerId, due_at: new Date(now + (durationToMs(p.dueIn) ?? 0)).toISOString() });
        break;
      case 'exflow.timer.cancel':
        plan.cancelTimerNodes.push(p.nodeId);
        break;
      default:
        // assign and other built-ins were already applied by transition(); nothing to persist
        break;
    }
  }
  return plan;
}
