import { getInitialMicrosteps, getMicrosteps, initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { runCheck, type ReferenceData } from '../checks/referenceData.js';
import { compile, type CaseOutcome } from '../compile/compile.js';
import type { WorkflowDefinition } from '../definition/types.js';
import { invoiceForFeel, parseInvoice } from '../invoice/invoice.js';
import { activeNodeIds } from '../machine/activeNodes.js';
import type { CaseEvent } from '../machine/context.js';
import { createFlowMachine } from '../machine/createFlowMachine.js';

/** What a person (or the clock) does while a test case runs: complete a node's task, or let its SLA timer run out. */
export type TestCaseStep = { complete: string; outcome: string; data?: Record<string, unknown> } | { timeout: string };

/**
 * A saved test case of a flow (pinned data): an invoice, the reference data its checks compare
 * it with, the answers for human steps, and the route the case must take. Check steps run the
 * real checks (`runCheck`); other services are answered by `services` (node id → result).
 */
export interface FlowTestCase {
  id: string;
  name: string;
  invoice: Record<string, unknown>;
  reference?: ReferenceData;
  steps?: TestCaseStep[];
  services?: Record<string, Record<string, unknown>>;
  expect: { route: string[]; outcome?: CaseOutcome | 'open' };
}

export interface TestCaseRun {
  passed: boolean;
  /** The nodes the case entered, in order. */
  route: string[];
  /** How the case ended, or `open` when it still waits. */
  outcome: CaseOutcome | 'open';
  /** Why it failed (empty when it passed): route or outcome differences, steps that could not be done. */
  problems: string[];
  /** The result each check or service returned, by node id. */
  results: Record<string, unknown>;
}

type Effect = { type: string; params?: { nodeId?: unknown; service?: unknown; params?: Record<string, unknown>; timerId?: unknown } };

/**
 * Runs a test case through the same compiled machine the runtime uses, in memory: services
 * are answered at once (checks with their real result on the test's reference data), then
 * the steps are done in order. Deterministic for a fixed `today` (YYYY-MM-DD).
 * @example runTestCase(definition, definition.testCases![0], '2026-12-01').passed
 */
export function runTestCase(definition: WorkflowDefinition, testCase: FlowTestCase, today: string): TestCaseRun {
  const problems: string[] = [];
  const results: Record<string, unknown> = {};
  const route: string[] = [];
  const fail = (message: string): TestCaseRun => ({ passed: false, route, outcome: 'open', problems: [...problems, message], results });
  const compiled = compile(definition);
  if (!compiled.ok) return fail(`The flow does not compile: ${compiled.problems[0]?.message ?? ''}`);
  const parsed = parseInvoice(testCase.invoice);
  if (!parsed.ok) return fail(`The invoice is not valid: ${parsed.problems.map((p) => p.message).join('; ')}`);
  const machine = createFlowMachine(compiled.flow);
  const input = { invoice: invoiceForFeel(parsed.invoice) };
  let active: string[] = [];
  const follow = (steps: [AnyMachineSnapshot, unknown[]][]) => {
    for (const [s] of steps) {
      const now = activeNodeIds(s.value);
      route.push(...now.filter((id) => !active.includes(id)));
      active = now;
    }
  };
  const timers = new Map<string, string>();
  const queue: CaseEvent[] = [];
  const collect = (actions: Effect[]) => {
    for (const { type, params = {} } of actions) {
      const nodeId = String(params.nodeId);
      if (type === 'exflow.timer.schedule') timers.set(nodeId, String(params.timerId));
      else if (type === 'exflow.timer.cancel') timers.delete(nodeId);
      else if (type === 'exflow.service') {
        const service = String(params.service);
        let result: Record<string, unknown> | undefined = testCase.services?.[nodeId];
        try {
          result ??= runCheck(service, parsed.invoice, testCase.reference ?? {}, params.params ?? {}, today);
        } catch (e) {
          queue.push({ type: 'service.failed', nodeId, error: { message: (e as Error).message } });
          continue;
        }
        if (result === undefined) {
          problems.push(`No answer for service "${service}" of step ${nodeId}: give one in services`);
          continue;
        }
        results[nodeId] = result;
        queue.push({ type: 'service.done', nodeId, result });
      }
    }
  };
  follow(getInitialMicrosteps(machine, input) as [AnyMachineSnapshot, unknown[]][]);
  let [snapshot, actions] = initialTransition(machine, input) as [AnyMachineSnapshot, Effect[]];
  const send = (event: CaseEvent): boolean => {
    const micro = getMicrosteps(machine, snapshot, event as never) as [AnyMachineSnapshot, unknown[]][];
    const [next, acts] = transition(machine, snapshot, event as never) as [AnyMachineSnapshot, Effect[]];
    if (next === snapshot || micro.length === 0) return false;
    follow(micro);
    snapshot = next;
    actions = acts;
    collect(actions);
    return true;
  };
  collect(actions);
  const drain = () => {
    while (queue.length && snapshot.status !== 'done') send(queue.shift()!);
  };
  drain();
  for (const step of testCase.steps ?? []) {
    if (snapshot.status === 'done') {
      problems.push(`The case ended before the step ${JSON.stringify(step)}`);
      break;
    }
    const accepted =
      'timeout' in step
        ? timers.has(step.timeout) && send({ type: 'timer.fired', timerId: timers.get(step.timeout)! })
        : send({ type: 'task.completed', nodeId: step.complete, outcome: step.outcome, data: step.data ?? {}, actor: 'test case' });
    if (!accepted) {
      problems.push('timeout' in step ? `No timer of ${step.timeout} is running` : `${step.complete} has no open task with outcome "${step.outcome}"`);
      break;
    }
    drain();
  }
  const finalState = snapshot.status === 'done' ? activeNodeIds(snapshot.value)[0] : undefined;
  const outcome: CaseOutcome | 'open' = finalState ? (compiled.flow.outcomes[finalState] ?? 'open') : 'open';
  const expected = testCase.expect;
  if (expected.route.join('>') !== route.join('>')) problems.push(`Route: expected ${expected.route.join(' → ')}, got ${route.join(' → ')}`);
  if (expected.outcome && expected.outcome !== outcome) problems.push(`Outcome: expected ${expected.outcome}, got ${outcome}`);
  return { passed: problems.length === 0, route, outcome, problems, results };
}
