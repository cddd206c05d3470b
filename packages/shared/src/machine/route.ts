import { getInitialMicrosteps, getMicrosteps, type AnyMachineSnapshot } from 'xstate';
import type { CompiledFlow } from '../compile/compile.js';
import { activeNodeIds } from './activeNodes.js';
import { createFlowMachine } from './createFlowMachine.js';

/** An event as the case history records it: the event's fields without `type`, and who sent it. */
export interface RecordedCaseEvent {
  type: string;
  payload?: Record<string, unknown>;
  actor?: string | null;
  /** When it was recorded (ISO 8601); the what-if replay keeps its clock by it. */
  at?: string;
}

/**
 * The nodes a case passed through, in order, including the decisions it went through without
 * stopping: its history replayed through the flow's machine, microstep by microstep. Pure and
 * deterministic, since transitions are (the first event must be `case.started`).
 * @example routeTaken(flow, invoice, events) // ['start', 'match', 'withinTolerance', 'procurementReview']
 */
export function routeTaken(flow: CompiledFlow, invoice: Record<string, unknown>, events: readonly RecordedCaseEvent[]): string[] {
  const machine = createFlowMachine(flow);
  const route: string[] = [];
  let active: string[] = [];
  const follow = (steps: [AnyMachineSnapshot, unknown[]][]) => {
    for (const [snapshot] of steps) {
      const now = activeNodeIds(snapshot.value);
      route.push(...now.filter((id) => !active.includes(id)));
      active = now;
    }
    return steps.at(-1)?.[0];
  };
  let snapshot = follow(getInitialMicrosteps(machine, { invoice }) as [AnyMachineSnapshot, unknown[]][]);
  for (const event of events.slice(1)) {
    if (!snapshot) break;
    const steps = getMicrosteps(machine, snapshot, { ...event.payload, type: event.type, actor: event.actor ?? null }) as [AnyMachineSnapshot, unknown[]][];
    snapshot = follow(steps) ?? snapshot;
  }
  return route;
}
