import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { compile, createFlowMachine, mapNodes, planCaseMigration, type MigratingCase, type WorkflowDefinition } from '../src/index.js';
import { edges, end, flow, join, parallel, service, start, task } from './helpers.js';

const v1 = flow(
  [start(), task('review', ['ok'], { queue: 'ap', dueIn: 'PT4H' }), task('approve', ['approve'], { queue: 'approvals', approval: {} }), end()],
  edges('start>review', 'review.ok>approve', 'approve.approve>end'),
);
/** `review` renamed `check` with a new queue and a 2-day SLA that escalates; `approve` unchanged. */
const v2 = flow(
  [
    start(),
    task('check', ['ok'], { queue: 'ap-senior', candidateRoles: ['analyst'], dueIn: 'P2D' }),
    task('approve', ['approve'], { queue: 'approvals', approval: {} }),
    task('escalate', ['done'], { queue: 'leads' }),
    end(),
  ],
  edges('start>check', 'check.ok>approve', 'check.timeout>escalate', 'escalate.done>approve', 'approve.approve>end'),
);

const waitingAt = (value: unknown, extra: Partial<MigratingCase> = {}): MigratingCase => ({
  status: 'open',
  value,
  openTasks: [],
  pendingTimers: [],
  pendingEffects: [],
  ...extra,
});

describe('case migration plan', () => {
  it('maps by id, applies overrides, and lists steps left unmapped', () => {
    expect(mapNodes(v1, v2)).toEqual({ mapping: { start: 'start', approve: 'approve', end: 'end' }, unmapped: ['review'], problems: [] });
    expect(mapNodes(v1, v2, { review: 'check' }).mapping.review).toBe('check');
    expect(mapNodes(v1, v2, { nope: 'check', review: 'gone' }).problems.map((p) => p.path)).toEqual(['/mapping/nope', '/mapping/review']);
  });

  it('moves an open task to its new step: queue, candidates and SLA from B, counted from the task creation; the holder leaves with the queue', () => {
    const { mapping } = mapNodes(v1, v2, { review: 'check' });
    const plan = planCaseMigration(
      v1,
      v2,
      mapping,
      waitingAt('review', {
        openTasks: [
          {
            id: 't1',
            nodeId: 'review',
            queue: 'ap',
            candidateRoles: [],
            assignee: 'u1',
            createdAt: '2026-01-01T10:00:00.000Z',
            dueAt: '2026-01-01T14:00:00.000Z',
          },
        ],
      }),
    );
    expect(plan).toMatchObject({
      ok: true,
      value: 'check',
      activeNodes: ['check'],
      tasks: [{ taskId: 't1', nodeId: 'check', queue: 'ap-senior', candidateRoles: ['analyst'], assignee: null, dueAt: '2026-01-03T10:00:00.000Z' }],
      timers: [{ id: null, nodeId: 'check', timerId: 'check:sla', dueAt: '2026-01-03T10:00:00.000Z' }],
    });
  });

  it("counts the new SLA in business days of the tenant's calendar when the target step says so", () => {
    const business = flow(
      [
        start(),
        task('check', ['ok'], { queue: 'ap', dueIn: 'P1D', dueInBusinessDays: true }),
        task('approve', ['approve'], { queue: 'approvals', approval: {} }),
        end(),
      ],
      edges('start>check', 'check.ok>approve', 'check.timeout>approve', 'approve.approve>end'),
    );
    // opened Friday 27 Nov 2026 16:00; Monday 30 Nov is a holiday: due Tuesday 16:00
    const opened = { id: 't1', nodeId: 'review', queue: 'ap', candidateRoles: [], assignee: null, createdAt: '2026-11-27T16:00:00.000Z', dueAt: null };
    const plan = planCaseMigration(v1, business, mapNodes(v1, business, { review: 'check' }).mapping, waitingAt('review', { openTasks: [opened] }), {
      holidays: ['2026-11-30'],
    });
    expect(plan).toMatchObject({ ok: true, tasks: [{ dueAt: '2026-12-01T16:00:00.000Z' }], timers: [{ dueAt: '2026-12-01T16:00:00.000Z' }] });
  });

  it('keeps the holder when queue and candidates stay; cancels a timer the target step no longer has', () => {
    const back = planCaseMigration(
      v2,
      v1,
      { check: 'review' },
      waitingAt('check', {
        openTasks: [
          { id: 't1', nodeId: 'check', queue: 'ap-senior', candidateRoles: ['analyst'], assignee: 'u1', createdAt: '2026-01-01T10:00:00.000Z', dueAt: null },
        ],
        pendingTimers: [{ id: 'm1', nodeId: 'check', timerId: 'check:sla', dueAt: '2026-01-03T10:00:00.000Z', createdAt: '2026-01-01T10:00:00.000Z' }],
      }),
    );
    // v1's review has a due-in but no timeout edge: no timer, the old one is cancelled
    expect(back).toMatchObject({ ok: true, tasks: [{ queue: 'ap', assignee: null, dueAt: '2026-01-01T14:00:00.000Z' }], timers: [], cancelTimerIds: ['m1'] });
    const same = planCaseMigration(
      v1,
      v2,
      mapNodes(v1, v2).mapping,
      waitingAt('approve', {
        openTasks: [
          { id: 't2', nodeId: 'approve', queue: 'approvals', candidateRoles: [], assignee: 'u9', createdAt: '2026-01-01T10:00:00.000Z', dueAt: null },
        ],
      }),
    );
    expect(same).toMatchObject({ ok: true, tasks: [{ assignee: 'u9', dueAt: null }] });
  });

  it('refuses a case whose step is unmapped, whose task step became a call, or whose call is in flight at a changed step', () => {
    expect(planCaseMigration(v1, v2, mapNodes(v1, v2).mapping, waitingAt('review'))).toMatchObject({
      ok: false,
      blocks: [{ code: 'node.unmapped', nodeId: 'review' }],
    });
    const v3 = flow([start(), service('review'), end()], edges('start>review', 'review.done>end', 'review.error>end'));
    expect(planCaseMigration(v1, v3, mapNodes(v1, v3).mapping, waitingAt('review'))).toMatchObject({ ok: false, blocks: [{ code: 'task.step-gone' }] });
    const v4 = flow([start(), service('review', { params: { x: 1 } }), end()], edges('start>review', 'review.done>end', 'review.error>end'));
    expect(planCaseMigration(v3, v4, mapNodes(v3, v4).mapping, waitingAt('review', { pendingEffects: [{ nodeId: 'review' }] }))).toMatchObject({
      ok: false,
      blocks: [{ code: 'effect.in-flight', nodeId: 'review' }],
    });
    expect(planCaseMigration(v1, v2, {}, waitingAt('review', { status: 'incident' }))).toMatchObject({ ok: false, blocks: [{ code: 'case.not-open' }] });
  });

  it('a parent waiting for its sub-flow child follows it to the same, unchanged step, and is refused otherwise', () => {
    const calling = (flowKey: string, id = 'chain') =>
      flow(
        [start(), { id, kind: 'subFlow', config: { flow: flowKey } }, task('after', ['ok']), end()],
        edges(`start>${id}`, `${id}.done>after`, 'after.ok>end'),
      );
    const withQueue = (key: string) => {
      const f = calling(key);
      return { ...f, nodes: f.nodes.map((n) => (n.id === 'after' ? { ...n, config: { ...n.config, queue: 'other' } } : n)) };
    };
    // the step stays as it is, another step changes: the parent moves and its child still answers it
    expect(planCaseMigration(calling('review-chain'), withQueue('review-chain'), { chain: 'chain', after: 'after' }, waitingAt('chain'))).toMatchObject({
      ok: true,
      activeNodes: ['chain'],
    });
    // another flow called, or the step renamed: the running child could not answer it
    expect(planCaseMigration(calling('review-chain'), calling('other-chain'), { chain: 'chain', after: 'after' }, waitingAt('chain'))).toMatchObject({
      ok: false,
      blocks: [{ code: 'subflow.child-running', nodeId: 'chain', message: expect.stringContaining('migrate once the child has finished') }],
    });
    const renamed = calling('review-chain', 'call');
    expect(planCaseMigration(calling('review-chain'), renamed, { chain: 'call', after: 'after' }, waitingAt('chain'))).toMatchObject({
      ok: false,
      blocks: [{ code: 'subflow.child-running', nodeId: 'chain' }],
    });
  });

  it("re-plans a wait step's timer from when it was set, with the target's duration", () => {
    const wait = (duration: string) => flow([start(), { id: 'cool', kind: 'timer', config: { duration } }, end()], edges('start>cool', 'cool>end'));
    const plan = planCaseMigration(
      wait('P1D'),
      wait('PT6H'),
      { cool: 'cool' },
      waitingAt('cool', {
        pendingTimers: [{ id: 'm1', nodeId: 'cool', timerId: 'cool', dueAt: '2026-01-02T10:00:00.000Z', createdAt: '2026-01-01T10:00:00.000Z' }],
      }),
    );
    expect(plan).toMatchObject({ ok: true, timers: [{ id: 'm1', nodeId: 'cool', timerId: 'cool', dueAt: '2026-01-01T16:00:00.000Z' }], cancelTimerIds: [] });
  });

  const branches = (second: string[]) =>
    flow(
      [start(), parallel('split', 2 + second.length), task('a', ['ok']), task('b', ['ok']), ...second.map((id) => task(id, ['ok'])), join('join'), end()],
      edges(
        'start>split',
        'join>end',
        'split.b1>a',
        'split.b2>b',
        'a.ok>join',
        'b.ok>join',
        ...second.map((id, i) => `split.b${i + 3}>${id}`),
        ...second.map((id) => `${id}.ok>join`),
      ),
    );

  it('moves a case inside a parallel region to a value the target machine accepts; refuses when the branches differ', () => {
    const two = branches([]);
    const renamed: WorkflowDefinition = JSON.parse(JSON.stringify(two).replaceAll('"b"', '"bee"').replaceAll('b.ok>join', 'bee.ok>join'));
    const machine = (d: WorkflowDefinition) => {
      const compiled = compile(d);
      if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
      return createFlowMachine(compiled.flow);
    };
    const m1 = machine(two);
    const [s0] = initialTransition(m1, { invoice: {} });
    const [s1] = transition(m1, s0, { type: 'task.completed', nodeId: 'a', outcome: 'ok' });
    expect(s1.value).toEqual({ split: { b1: 'split__b1__joined', b2: 'b' } });
    const plan = planCaseMigration(two, renamed, mapNodes(two, renamed, { b: 'bee' }).mapping, waitingAt(s1.value));
    expect(plan).toMatchObject({ ok: true, value: { split: { b1: 'split__b1__joined', b2: 'bee' } }, activeNodes: ['bee'] });
    // the moved value runs on in B: completing bee joins and ends the case
    if (!plan.ok) throw new Error('expected the case to move');
    const m2 = machine(renamed);
    const moved = m2.resolveState({ value: plan.value as never, context: s1.context });
    expect(transition(m2, moved, { type: 'task.completed', nodeId: 'bee', outcome: 'ok' })[0].status).toBe('done');

    const three = branches(['c']);
    expect(planCaseMigration(two, three, mapNodes(two, three).mapping, waitingAt(s1.value))).toMatchObject({
      ok: false,
      blocks: [{ code: 'parallel.shape-changed', nodeId: 'split' }],
    });
  });
});
