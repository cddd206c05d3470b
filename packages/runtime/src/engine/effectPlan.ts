import { evaluateFeel, feelContext, slaDueAt, type BusinessCalendar, type CaseContext, type RetryPolicy } from '@exflow/shared';
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

/** A case starting to wait for a message (a wait-for-message step), with its correlation value. */
export interface PlannedSubscription {
  id: string;
  node_id: string;
  message_name: string;
  /** The step's correlation expression evaluated on entry, as text; `null` (nothing matches) when it gave nothing. */
  correlation_key: string | null;
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
  subscriptions: PlannedSubscription[];
  /** Wait-for-message steps left: their subscriptions are removed. */
  unsubscribeNodes: string[];
}

interface ActionLike {
  type: string;
  params?: unknown;
}

/** The params shared's `compile` writes on effect actions; each action type reads its own. */
interface EffectParams {
  nodeId: string;
  service: string;
  params?: Record<string, unknown>;
  retry?: RetryPolicy;
  onFailure?: string;
  /** A timer's wait (always set); a task's SLA (optional). */
  dueIn: string;
  /** `dueIn`'s days are business days of the tenant's calendar. */
  businessDays?: boolean;
  title: string;
  queue: string;
  candidateRoles?: string[];
  instructions?: string;
  form?: Record<string, unknown>;
  outcomes?: { id: string; label?: string }[];
  priority?: number;
  timerId: string;
  message: string;
  correlationKey: string;
}

/**
 * Turns the actions XState returned from a pure transition into rows: outbox effects for
 * services, tasks to open or close, timers to schedule or cancel. Pure given `now` and the
 * context the transition produced (tasks carry the inbox's facts from it) and the tenant's
 * business calendar (SLAs counted in business days; see `needsBusinessCalendar`).
 */
export function planEffects(
  actions: readonly ActionLike[],
  now: number,
  context?: { vars?: Record<string, unknown>; errors?: Record<string, unknown> },
  calendar?: BusinessCalendar,
): EffectPlan {
  const plan: EffectPlan = {
    effects: [],
    cancelEffectNodes: [],
    openTasks: [],
    closeTaskNodes: [],
    timers: [],
    cancelTimerNodes: [],
    subscriptions: [],
    unsubscribeNodes: [],
  };
  let facts: { exception_kind: string | null; value_at_risk: string | null } | undefined;
  const factsOf = () => {
    if (!facts) {
      const found = taskFacts(context);
      facts = { exception_kind: found.exceptionKind, value_at_risk: found.valueAtRisk };
    }
    return facts;
  };
  for (const action of actions) {
    const p = (action.params ?? {}) as EffectParams;
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
        const dueAt = p.dueIn ? slaDueAt(now, p.dueIn, { businessDays: p.businessDays, calendar }) : undefined;
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
          due_at: dueAt === undefined ? null : new Date(dueAt).toISOString(),
          ...factsOf(),
        });
        break;
      }
      case 'exflow.task.close':
        plan.closeTaskNodes.push(p.nodeId);
        break;
      case 'exflow.timer.schedule':
        plan.timers.push({
          id: newId(),
          node_id: p.nodeId,
          timer_id: p.timerId,
          due_at: new Date(slaDueAt(now, p.dueIn, { businessDays: p.businessDays, calendar }) ?? now).toISOString(),
        });
        break;
      case 'exflow.timer.cancel':
        plan.cancelTimerNodes.push(p.nodeId);
        break;
      case 'exflow.message.subscribe':
        plan.subscriptions.push({ id: newId(), node_id: p.nodeId, message_name: p.message, correlation_key: correlationValue(p.correlationKey, context) });
        break;
      case 'exflow.message.unsubscribe':
        plan.unsubscribeNodes.push(p.nodeId);
        break;
      default:
        // assign and other built-ins were already applied by transition(); nothing to persist
        break;
    }
  }
  return plan;
}

/** Whether any of the actions counts an SLA in business days, so the tenant's calendar must be read first. */
export function needsBusinessCalendar(actions: readonly ActionLike[]): boolean {
  return actions.some(
    (a) => (a.type === 'exflow.task.open' || a.type === 'exflow.timer.schedule') && (a.params as EffectParams | undefined)?.businessDays === true,
  );
}

/**
 * A correlation expression's value for the case, as the text a message's key is compared with:
 * strings as they are, numbers and booleans as written, `null` when it gives nothing (or fails).
 */
export function correlationValue(expression: string, context: unknown): string | null {
  if (!context || typeof context !== 'object' || !('invoice' in context)) return null;
  let value: unknown;
  try {
    value = evaluateFeel(expression, feelContext(context as CaseContext));
  } catch {
    return null;
  }
  if (value === null || value === undefined) return null;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
