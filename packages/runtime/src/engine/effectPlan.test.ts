import { compile, createFlowMachine, type WorkflowDefinition } from '@exflow/shared';
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { correlationValue, planEffects } from './effectPlan.js';

const NOW = Date.parse('2026-03-02T09:00:00.000Z');
const at = (ms: number) => new Date(NOW + ms).toISOString();
const HOUR = 3_600_000;

/** start → 3-way match → review (SLA 4 h, timeout → hold 2 days) → done, and waitForMessage after review. */
const definition: WorkflowDefinition = {
  schemaVersion: 1,
  key: 'plan-flow',
  name: 'Plan flow',
  nodes: [
    { id: 'start', kind: 'start' },
    { id: 'match', kind: 'threeWayMatch', config: { service: 'threeWayMatch', params: { priceTolerancePct: 2 }, retry: { maximumAttempts: 3 } } },
    {
      id: 'review',
      kind: 'humanTask',
      config: { title: 'Review', queue: 'ap-review', dueIn: 'PT4H', priority: 2, outcomes: [{ id: 'accept', label: 'Accept' }] },
    },
    { id: 'hold', kind: 'timer', config: { duration: 'P2D' } },
    { id: 'goods', kind: 'waitForMessage', config: { message: 'goods.received', correlationKey: 'invoice.poNumber' } },
    { id: 'done', kind: 'end', config: { outcome: 'resolved' } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'match' },
    { id: 'e2', source: 'match', target: 'review', sourcePort: 'done' },
    { id: 'e3', source: 'review', target: 'goods', sourcePort: 'accept' },
    { id: 'e4', source: 'review', target: 'hold', sourcePort: 'timeout' },
    { id: 'e5', source: 'hold', target: 'done' },
    { id: 'e6', source: 'goods', target: 'done' },
  ],
};

function machine() {
  const result = compile(definition);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return createFlowMachine(result.flow);
}

describe('planEffects over the actions of a real transition', () => {
  const flow = machine();
  const [started, startActions] = initialTransition(flow, { invoice: { poNumber: 'PO-7', grossTotal: 1200 } }) as [
    AnyMachineSnapshot,
    { type: string; params?: unknown }[],
  ];

  it('queues a service call with its retry policy; a step without an error edge waits in an incident when it is spent', () => {
    const plan = planEffects(startActions, NOW, started.context);
    expect(plan.effects).toEqual([
      {
        id: expect.any(String),
        node_id: 'match',
        kind: 'service',
        service: 'threeWayMatch',
        params: { priceTolerancePct: 2 },
        max_attempts: 3,
        retry_policy: { maximumAttempts: 3 },
        on_failure: 'incident',
      },
    ]);
    expect(plan).toMatchObject({ openTasks: [], timers: [], subscriptions: [], cancelEffectNodes: [], closeTaskNodes: [] });
  });

  it('opens the task with its SLA from now and the facts the check reported, and schedules the SLA timer', () => {
    const result = { valueAtRisk: '60.00', findings: [{ kind: 'priceVariance', severity: 'high', valueAtRisk: '60.00' }] };
    const [next, actions] = transition(flow, started, { type: 'service.done', nodeId: 'match', result });
    const plan = planEffects(actions, NOW, next.context);
    // leaving the service step withdraws a call not yet made (none here: it answered)
    expect(plan.cancelEffectNodes).toEqual(['match']);
    expect(plan.openTasks).toEqual([
      {
        id: expect.any(String),
        node_id: 'review',
        title: 'Review',
        queue: 'ap-review',
        candidate_roles: [],
        instructions: null,
        form: null,
        outcomes: [{ id: 'accept', label: 'Accept' }],
        priority: 2,
        due_at: at(4 * HOUR),
        exception_kind: 'priceVariance',
        value_at_risk: '60.00',
      },
    ]);
    expect(plan.timers).toEqual([{ id: expect.any(String), node_id: 'review', timer_id: 'review:sla', due_at: at(4 * HOUR) }]);
    expect(plan.effects).toEqual([]);
  });

  it('leaving the task closes it and cancels its timer; the wait subscribes with the correlation value of the case', () => {
    const [review] = transition(flow, started, { type: 'service.done', nodeId: 'match', result: {} });
    const [next, actions] = transition(flow, review, { type: 'task.completed', nodeId: 'review', outcome: 'accept', actor: 'u-1' });
    const plan = planEffects(actions, NOW, next.context);
    expect(plan.closeTaskNodes).toEqual(['review']);
    expect(plan.cancelTimerNodes).toEqual(['review']);
    expect(plan.subscriptions).toEqual([{ id: expect.any(String), node_id: 'goods', message_name: 'goods.received', correlation_key: 'PO-7' }]);
    expect(plan.openTasks).toEqual([]);
  });

  it('a timeout schedules the wait step from now; cancelling the case withdraws everything open', () => {
    const [review] = transition(flow, started, { type: 'service.done', nodeId: 'match', result: {} });
    const [hold, timedOut] = transition(flow, review, { type: 'timer.fired', timerId: 'review:sla', nodeId: 'review' });
    const plan = planEffects(timedOut, NOW, hold.context);
    expect(plan.timers).toEqual([{ id: expect.any(String), node_id: 'hold', timer_id: 'hold', due_at: at(48 * HOUR) }]);
    expect(plan.closeTaskNodes).toEqual(['review']);
    const [, cancelled] = transition(flow, hold, { type: 'case.cancel', reason: 'duplicate' });
    expect(planEffects(cancelled, NOW, hold.context)).toMatchObject({ cancelTimerNodes: ['hold'], effects: [], openTasks: [], timers: [] });
  });
});

describe('planEffects on its own', () => {
  it('turns no actions, and actions that only change the context, into an empty plan', () => {
    const empty = {
      effects: [],
      cancelEffectNodes: [],
      openTasks: [],
      closeTaskNodes: [],
      timers: [],
      cancelTimerNodes: [],
      subscriptions: [],
      unsubscribeNodes: [],
    };
    expect(planEffects([], NOW)).toEqual(empty);
    expect(planEffects([{ type: 'humanTask.assignTaskResult', params: { nodeId: 'x' } }, { type: 'xstate.assign' }], NOW)).toEqual(empty);
  });

  it('gives a task without an SLA no due time, defaults its priority and roles, and takes a failed check as the exception', () => {
    const plan = planEffects([{ type: 'exflow.task.open', params: { nodeId: 'fix', title: 'Fix', queue: 'ap', outcomes: [{ id: 'done' }] } }], NOW, {
      vars: {},
      errors: { match: 'ERP down' },
    });
    expect(plan.openTasks[0]).toMatchObject({ due_at: null, priority: 3, candidate_roles: [], exception_kind: 'checkFailed', value_at_risk: null });
  });

  it('a service node with an error edge takes it when its policy is spent; without retry it runs until the default deadline', () => {
    const plan = planEffects([{ type: 'exflow.service', params: { nodeId: 'post', service: 'erp', onFailure: 'error-edge' } }], NOW);
    expect(plan.effects[0]).toMatchObject({ params: {}, max_attempts: 0, retry_policy: null, on_failure: 'error-edge' });
  });

  it('gives every planned row its own id', () => {
    const open = { type: 'exflow.task.open', params: { nodeId: 'a', title: 'A', queue: 'q' } };
    const plan = planEffects([open, open, { type: 'exflow.timer.schedule', params: { nodeId: 'a', timerId: 't', dueIn: 'PT1M' } }], NOW);
    const ids = [...plan.openTasks, ...plan.timers].map((r) => r.id);
    expect(new Set(ids).size).toBe(3);
    expect(plan.timers[0]!.due_at).toBe(at(60_000));
  });
});

describe('correlationValue', () => {
  const context = {
    invoice: { poNumber: 'PO-1', lines: 3, paid: false, supplier: { id: 'S-9' } },
    vars: {},
    tasks: {},
    errors: {},
    comments: 0,
    cancellation: null,
  };

  it('gives strings as they are, numbers and booleans as written, objects as JSON', () => {
    expect(correlationValue('invoice.poNumber', context)).toBe('PO-1');
    expect(correlationValue('invoice.lines', context)).toBe('3');
    expect(correlationValue('invoice.paid', context)).toBe('false');
    expect(correlationValue('invoice.supplier', context)).toBe('{"id":"S-9"}');
  });

  it('gives null (nothing matches) for a missing value, a failing expression or no case context', () => {
    expect(correlationValue('invoice.missing', context)).toBeNull();
    expect(correlationValue('invoice.poNumber +', context)).toBeNull();
    expect(correlationValue('invoice.poNumber', undefined)).toBeNull();
    expect(correlationValue('invoice.poNumber', { vars: {} })).toBeNull();
  });
});
