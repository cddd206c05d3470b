import type { AuditEntry, CaseEvent } from '../workspace/workspaceApi.js';

/** A line of the case timeline: what happened and, when the event says, why. */
export interface EventLine {
  what: string;
  why: string | null;
}

const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v : null);

function serviceSummary(result: unknown): string | null {
  if (!result || typeof result !== 'object') return null;
  const r = result as { withinTolerance?: boolean; findings?: { message?: string }[]; maxPriceVariancePct?: number };
  if (Array.isArray(r.findings)) {
    if (!r.findings.length) return r.withinTolerance === false ? 'outside tolerance' : 'no findings';
    return r.findings
      .map((f) => f.message)
      .filter(Boolean)
      .slice(0, 2)
      .join('; ');
  }
  return null;
}

/**
 * Says an event of the case history in a reader's words, with the reason it carries (the
 * form's `reason`, the cancellation reason, the service error, the comment).
 * @example describeEvent({ type: 'case.cancel', payload: { reason: 'duplicate' } }, label) // { what: 'Case cancelled', why: 'duplicate' }
 */
export function describeEvent(event: Pick<CaseEvent, 'type' | 'payload'>, nodeLabel: (id: string) => string): EventLine {
  const p = event.payload ?? {};
  const node = typeof p.nodeId === 'string' ? nodeLabel(p.nodeId) : null;
  switch (event.type) {
    case 'case.started':
      return { what: 'Case opened for the invoice', why: null };
    case 'service.done':
      return { what: `${node ?? 'Service'} done`, why: serviceSummary(p.result) };
    case 'service.failed':
      return { what: `${node ?? 'Service'} failed`, why: text(p.error) };
    case 'incident.raised':
      return { what: `Incident: ${node ?? 'a service'} failed after ${String(p.attempts ?? '?')} attempt(s); the case waits for a retry`, why: text(p.error) };
    case 'task.completed': {
      const data = (p.data ?? {}) as Record<string, unknown>;
      return { what: `${node ?? 'Task'}: ${String(p.outcome ?? 'completed')}`, why: text(data.reason) ?? text(data.comment) };
    }
    case 'timer.fired':
      return { what: `${node ?? 'Timer'}: time is up`, why: typeof p.timerId === 'string' && p.timerId.endsWith(':sla') ? 'past its SLA' : null };
    case 'case.comment':
      return { what: 'Comment', why: text(p.text) };
    case 'case.cancel':
      return { what: 'Case cancelled', why: text(p.reason) };
    default:
      return { what: node ? `${event.type} (${node})` : event.type, why: null };
  }
}

/** Audit actions on a case's tasks that its timeline shows beside the case events. */
export const TASK_HOLD_ACTIONS = ['task.claimed', 'task.released', 'task.reassigned'];

/**
 * Says who took, gave back or handed on a task, from its audit row (claims are not case events).
 * @example describeTaskHold({ action: 'task.claimed', data: { nodeId: 'review' } }, label, name) // { what: 'Procurement review: claimed', why: null }
 */
export function describeTaskHold(
  entry: Pick<AuditEntry, 'action' | 'data'>,
  nodeLabel: (id: string) => string,
  nameOf: (id: string | null) => string,
): EventLine {
  const d = entry.data ?? {};
  const step = typeof d.nodeId === 'string' ? nodeLabel(d.nodeId) : 'Task';
  if (entry.action === 'task.claimed') return { what: `${step}: claimed`, why: null };
  if (entry.action === 'task.released') return { what: `${step}: released to the queue`, why: null };
  const to = typeof d.to === 'string' ? d.to : null;
  return { what: `${step}: reassigned to ${nameOf(to)}${d.bulk ? ' (bulk)' : ''}`, why: text(d.reason) };
}
