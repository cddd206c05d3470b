import { initialTransition, transition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import { describe, expect, it } from 'vitest';
import { activeNodeIds, flowInitialTransition, flowTransition, type CaseEvent } from '../src/index.js';
import { build, decision, edges, effects, end, flow, join, parallel, service, start, task, types } from './helpers.js';

function begin(machine: AnyStateMachine, invoice: Record<string, unknown> = {}) {
  const [snapshot, actions] = initialTransition(machine, { invoice });
  return { snapshot: snapshot as AnyMachineSnapshot, actions };
}

/** Sends an event that must be refused: nothing may change, and `can` must have said so. */
function expectRefused(machine: AnyStateMachine, snapshot: AnyMachineSnapshot, event: CaseEvent) {
  expect(snapshot.can(event)).toBe(false);
  const [next, actions] = transition(machine, snapshot, event);
  expect(next).toBe(snapshot);
  expect(actions).toEqual([]);
}

// start → check (service) → review (task with SLA) → approved | rejected; past SLA → escalation
const reviewFlow = flow(
  [
    start(),
    service('check', { resultVar: 'check' }),
    task('review', ['approve', 'reject'], { dueIn: 'PT24H' }),
    task('escalation'),
    end('approved'),
    end('rejected', 'rejected'),
  ],
  edges(
    'start>check',
    'check.done>review',
    'check.error>rejected',
    'review.approve>approved',
    'review.reject>rejected',
    'review.timeout>escalation',
    'escalation.approve>approved',
    'escalation.reject>rejected',
  ),
);

function atReview() {
  const { machine } = build(reviewFlow);
  const { snapshot } = begin(machine);
  const [atTask] = transition(machine, snapshot, { type: 'service.done', nodeId: 'check', result: { score: 7 } });
  expect(activeNodeIds(atTask.value)).toEqual(['review']);
  return { machine, snapshot: atTask as AnyMachineSnapshot };
}

describe('services', () => {
  it('entering a service emits its effect with the node and params', () => {
    const { machine } = build(reviewFlow);
    const { snapshot, actions } = begin(machine);
    expect(activeNodeIds(snapshot.value)).toEqual(['check']);
    expect(actions).toMatchObject([{ type: 'exflow.service', params: { nodeId: 'check', service: 'check', params: {} } }]);
  });

  it('refuses service.done naming another node', () => {
    const { machine } = build(reviewFlow);
    const { snapshot } = begin(machine);
    expectRefused(machine, snapshot, { type: 'service.done', nodeId: 'review', result: {} });
    expectRefused(machine, snapshot, { type: 'service.done' });
  });

  it('keeps the result under resultVar', () => {
    const { snapshot } = atReview();
    expect(snapshot.context.vars).toEqual({ check: { score: 7 } });
  });

  it('service.failed takes the error edge and keeps the error', () => {
    const { machine } = build(reviewFlow);
    const { snapshot } = begin(machine);
    const [failed] = transition(machine, snapshot, { type: 'service.failed', nodeId: 'check', error: { code: 'E42' } });
    expect(failed.value).toBe('rejected');
    expect(failed.context.errors).toEqual({ check: { code: 'E42' } });
  });
});

describe('human tasks', () => {
  it('opens the task and schedules its SLA timer on entry', () => {
    const { machine } = build(reviewFlow);
    const { snapshot } = begin(machine);
    const [, actions] = transition(machine, snapshot, { type: 'service.done', nodeId: 'check' });
    expect(types(actions)).toEqual(['exflow.service.cancel', 'exflow.task.open', 'exflow.timer.schedule']);
    expect(actions[0]).toMatchObject({ params: { nodeId: 'check' } });
    expect(actions[1]).toMatchObject({ params: { nodeId: 'review', queue: 'ap-review', outcomes: [{ id: 'approve' }, { id: 'reject' }], dueIn: 'PT24H' } });
    expect(actions[2]).toMatchObject({ params: { nodeId: 'review', timerId: 'review:sla', dueIn: 'PT24H' } });
  });

  it('refuses task.completed with an unknown outcome, or for another node', () => {
    const { machine, snapshot } = atReview();
    expectRefused(machine, snapshot, { type: 'task.completed', nodeId: 'review', outcome: 'maybe' });
    expectRefused(machine, snapshot, { type: 'task.completed', nodeId: 'escalation', outcome: 'approve' });
  });

  it('task.completed follows the outcome and keeps who decided what', () => {
    const { machine, snapshot } = atReview();
    const event = { type: 'task.completed', nodeId: 'review', outcome: 'reject', data: { reason: 'price' }, actor: 'u1' };
    const [next, actions] = transition(machine, snapshot, event);
    expect(next.value).toBe('rejected');
    expect(next.context.tasks).toEqual({ review: { outcome: 'reject', data: { reason: 'price' }, by: 'u1' } });
    expect(next.context.vars.review).toEqual(next.context.tasks.review);
    expect(actions).toContainEqual(expect.objectContaining({ type: 'exflow.task.close', params: { nodeId: 'review' } }));
  });

  it('timer.fired for the SLA moves to the timeout target, closing the task and cancelling its timer', () => {
    const { machine, snapshot } = atReview();
    const [next, actions] = transition(machine, snapshot, { type: 'timer.fired', timerId: 'review:sla' });
    expect(activeNodeIds(next.value)).toEqual(['escalation']);
    expect(types(actions)).toEqual(['exflow.task.close', 'exflow.timer.cancel', 'exflow.task.open']);
    expect(effects(actions).map((a) => a.params?.nodeId)).toEqual(['review', 'review', 'escalation']);
  });

  it('refuses a timer that is not the task SLA', () => {
    const { machine, snapshot } = atReview();
    expectRefused(machine, snapshot, { type: 'timer.fired', timerId: 'review' });
  });
});

describe('case.cancel and case.comment', () => {
  const twoTasksFlow = flow(
    [start(), parallel('p'), task('a', ['ok']), task('b', ['ok']), join('j'), end()],
    edges('start>p', 'p.b1>a', 'p.b2>b', 'a.ok>j', 'b.ok>j', 'j>end'),
  );

  it('case.cancel from a service, a task and a parallel region reaches __cancelled', () => {
    const { machine } = build(reviewFlow);
    const { snapshot: atCheck } = begin(machine);
    const { snapshot: atTask } = atReview();
    const twoTasks = build(twoTasksFlow);
    const { snapshot: inParallel } = begin(twoTasks.machine);

    for (const [m, s] of [
      [machine, atCheck],
      [machine, atTask],
      [twoTasks.machine, inParallel],
    ] as const) {
      const [next] = transition(m, s, { type: 'case.cancel', reason: 'duplicate invoice', actor: 'u7' });
      expect(next.value).toBe('__cancelled');
      expect(next.status).toBe('done');
      expect(next.context.cancellation).toEqual({ reason: 'duplicate invoice', by: 'u7' });
    }
  });

  it('case.cancel runs the exit actions: open tasks are closed and timers cancelled', () => {
    const { machine, snapshot } = atReview();
    const [, actions] = transition(machine, snapshot, { type: 'case.cancel' });
    expect(actions).toContainEqual(expect.objectContaining({ type: 'exflow.task.close', params: { nodeId: 'review' } }));
    expect(actions).toContainEqual(expect.objectContaining({ type: 'exflow.timer.cancel', params: { nodeId: 'review' } }));

    const twoTasks = build(twoTasksFlow);
    const [, closing] = transition(twoTasks.machine, begin(twoTasks.machine).snapshot, { type: 'case.cancel' });
    const closed = effects(closing).filter((a) => a.type === 'exflow.task.close');
    expect(closed.map((a) => a.params?.nodeId).sort()).toEqual(['a', 'b']);
  });

  it('case.comment is accepted in any open state, only counts, and has no effect', () => {
    const { machine, snapshot } = atReview();
    const [once, actions] = transition(machine, snapshot, { type: 'case.comment', text: 'chasing supplier' });
    const [twice] = transition(machine, once, { type: 'case.comment' });
    expect(twice.context.comments).toBe(2);
    expect(twice.value).toEqual(snapshot.value);
    expect(actions).toEqual([]);
    expect(begin(machine).snapshot.can({ type: 'case.comment' })).toBe(true);
    const inParallel = begin(build(twoTasksFlow).machine).snapshot;
    expect(inParallel.can({ type: 'case.comment' })).toBe(true);
    expect(transition(build(twoTasksFlow).machine, inParallel, { type: 'case.comment' })[0].context.comments).toBe(1);
  });

  it('a closed case refuses case.cancel and case.comment: its outcome stays', () => {
    const { machine, snapshot } = atReview();
    const [approved] = transition(machine, snapshot, { type: 'task.completed', nodeId: 'review', outcome: 'approve' });
    expect(approved.status).toBe('done');
    expectRefused(machine, approved, { type: 'case.cancel', reason: 'too late' });
    expectRefused(machine, approved, { type: 'case.comment' });
    const [cancelled] = transition(machine, snapshot, { type: 'case.cancel' });
    expectRefused(machine, cancelled, { type: 'case.cancel' });
  });
});

describe('decisions', () => {
  // start → check → route: big if invoice.grossTotal > 1000 and the check flagged it
  const routed = flow(
    [
      start(),
      service('check', { resultVar: 'check' }),
      decision('route', { big: 'invoice.grossTotal > 1000 and check.flagged = true', flagged: 'check.flagged = true' }),
      end('big'),
      end('flagged'),
      end('clean'),
    ],
    edges('start>check', 'check.done>route', 'route.big>big', 'route.flagged>flagged', 'route.default>clean'),
  );
  const outcome = (grossTotal: number, flagged: boolean) => {
    const { machine } = build(routed);
    const [next] = transition(machine, begin(machine, { grossTotal }).snapshot, { type: 'service.done', nodeId: 'check', result: { flagged } });
    return next.value;
  };

  it('routes on FEEL over context.vars and the invoice, first true branch wins, else the default', () => {
    expect(outcome(5000, true)).toBe('big');
    expect(outcome(500, true)).toBe('flagged');
    expect(outcome(5000, false)).toBe('clean');
  });

  it('a condition on a missing variable is false, not an error', () => {
    const { machine } = build(
      flow([start(), decision('d', { yes: 'nothing.here > 1' }), end('yes'), end('no')], edges('start>d', 'd.yes>yes', 'd.default>no')),
    );
    expect(begin(machine).snapshot.value).toBe('no');
  });

  it('a condition that parses but cannot be evaluated takes the default instead of throwing', () => {
    const definition = flow(
      [start(), decision('d', { odd: 'invoice.grossTotal in >> 2' }), end('odd'), end('other')],
      edges('start>d', 'd.odd>odd', 'd.default>other'),
    );
    const { machine } = build(definition); // feelin parses it, so validation lets it through
    expect(begin(machine, { grossTotal: 5 }).snapshot.value).toBe('other');
  });

  it('a decision table keeps its result in context.vars under resultVar, or the node id', () => {
    const table = (id: string, resultVar?: string) => ({
      id,
      kind: 'decisionTable',
      config: {
        hitPolicy: 'FIRST',
        inputs: [{ expression: 'invoice.grossTotal' }, { expression: 'invoice.currency' }],
        outputs: [{ name: 'queue' }, { name: 'priority' }],
        rules: [
          { when: ['> 10000', '-'], then: ['"controller"', '1'] },
          { when: ['-', '"EUR","USD"'], then: ['"ap-review"', '3'] },
          { when: ['-', '-'], then: ['"foreign"', '2'] },
        ],
        ...(resultVar ? { resultVar } : {}),
      },
    });
    const { machine } = build(flow([start(), table('first', 'routing'), table('second'), end()], edges('start>first', 'first>second', 'second>end')));
    const { snapshot } = begin(machine, { grossTotal: 500, currency: 'GBP' });
    expect(snapshot.value).toBe('end');
    expect(snapshot.context.vars).toEqual({ routing: { queue: 'foreign', priority: 2 }, second: { queue: 'foreign', priority: 2 } });
    expect(begin(machine, { grossTotal: 50000, currency: 'GBP' }).snapshot.context.vars.routing).toEqual({ queue: 'controller', priority: 1 });
    expect(begin(machine, { grossTotal: 50, currency: 'USD' }).snapshot.context.vars.routing).toEqual({ queue: 'ap-review', priority: 3 });
  });
});

describe('parallel', () => {
  const checks = flow(
    [start(), parallel('p'), service('match'), service('tax'), join('j'), task('review', ['ok']), end()],
    edges('start>p', 'p.b1>match', 'p.b2>tax', 'match.done>j', 'tax.done>j', 'j>review', 'review.ok>end'),
  );

  it('emits both branches effects on entry', () => {
    const { machine } = build(checks);
    const { actions } = begin(machine);
    expect(types(actions)).toEqual(['exflow.service', 'exflow.service']);
  });

  it.each([
    ['match', 'tax'],
    ['tax', 'match'],
  ])('enters the join successor only after both branches finish (%s first)', (first, second) => {
    const { machine } = build(checks);
    const [half, halfActions] = transition(machine, begin(machine).snapshot, { type: 'service.done', nodeId: first });
    expect(activeNodeIds(half.value)).toEqual([second]);
    expect(types(halfActions)).not.toContain('exflow.task.open');
    expect(half.can({ type: 'service.done', nodeId: first })).toBe(false);
    const [both, bothActions] = transition(machine, half, { type: 'service.done', nodeId: second });
    expect(activeNodeIds(both.value)).toEqual(['review']);
    expect(types(bothActions)).toContain('exflow.task.open');
  });

  it('a failed service without an error edge leaves the whole parallel for __failed', () => {
    const { machine } = build(checks);
    const [failed, actions] = transition(machine, begin(machine).snapshot, { type: 'service.failed', nodeId: 'tax', error: 'down' });
    expect(failed.value).toBe('__failed');
    expect(failed.status).toBe('done');
    // leaving the parallel withdraws every branch's call not yet made; nothing new starts
    const effects = actions.filter((a) => a.type.startsWith('exflow.')) as unknown as { type: string; params: { nodeId: string } }[];
    expect(effects.every((a) => a.type === 'exflow.service.cancel')).toBe(true);
    expect(effects.map((a) => a.params.nodeId).sort()).toEqual(['match', 'tax']);
  });
});

describe('an edge from a step back to itself', () => {
  const askAgain = flow([start(), task('review', ['approve', 'moreInfo']), end()], edges('start>review', 'review.approve>end', 'review.moreInfo>review'));

  it('closes the completed task and opens a new one', () => {
    const { machine } = build(askAgain);
    const { snapshot } = begin(machine);
    const [again, actions] = transition(machine, snapshot, { type: 'task.completed', nodeId: 'review', outcome: 'moreInfo', data: {} });
    expect(activeNodeIds(again.value)).toEqual(['review']);
    expect(types(actions)).toEqual(['exflow.task.close', 'exflow.task.open']);
    const [done] = transition(machine, again, { type: 'task.completed', nodeId: 'review', outcome: 'approve', data: {} });
    expect(done.status).toBe('done');
  });
});

describe('flowInitialTransition and flowTransition (one inert scope per machine)', () => {
  const steps = (actions: ReadonlyArray<{ type: string; params?: unknown }>) => actions.map((a) => ({ type: a.type, params: a.params }));
  const same = (
    ours: [AnyMachineSnapshot, ReadonlyArray<{ type: string; params?: unknown }>],
    xstate: [AnyMachineSnapshot, ReadonlyArray<{ type: string; params?: unknown }>],
  ) => {
    expect(ours[0].value).toEqual(xstate[0].value);
    expect(ours[0].context).toEqual(xstate[0].context);
    expect(ours[0].status).toBe(xstate[0].status);
    expect(ours[0].output).toEqual(xstate[0].output);
    expect(steps(ours[1])).toEqual(steps(xstate[1]));
  };

  it("gives XState's snapshots and actions, step by step, on a machine used again and again", () => {
    const { machine } = build(reviewFlow);
    const events: CaseEvent[] = [
      { type: 'service.done', nodeId: 'check', result: { score: 7 } },
      { type: 'task.completed', nodeId: 'review', outcome: 'maybe' }, // refused
      { type: 'timer.fired', timerId: 'review:sla' },
      { type: 'case.comment', actor: 'u1' },
      { type: 'task.completed', nodeId: 'escalation', outcome: 'approve', data: { why: 'ok' }, actor: 'u2' },
    ];
    for (let run = 0; run < 2; run++) {
      let ours = flowInitialTransition(machine, { invoice: { grossTotal: 5 } });
      let xstate = initialTransition(machine, { invoice: { grossTotal: 5 } }) as [AnyMachineSnapshot, { type: string }[]];
      same(ours, xstate);
      expect(steps(ours[1]).map((a) => a.type)).toContain('exflow.service');
      for (const event of events) {
        const before = ours[0];
        ours = flowTransition(machine, ours[0], event);
        xstate = transition(machine, xstate[0], event) as [AnyMachineSnapshot, { type: string }[]];
        same(ours, xstate);
        if (event.outcome === 'maybe') {
          expect(ours[0]).toBe(before);
          expect(ours[1]).toEqual([]);
        }
      }
      expect(ours[0].status).toBe('done');
    }
  });

  it('each call gets only its own actions, also across machines and in parallel branches', () => {
    const checks = flow(
      [start(), parallel('p'), service('match'), service('tax'), join('j'), task('review', ['ok']), end()],
      edges('start>p', 'p.b1>match', 'p.b2>tax', 'match.done>j', 'tax.done>j', 'j>review', 'review.ok>end'),
    );
    const a = build(checks).machine;
    const b = build(reviewFlow).machine;
    const [startA, actionsA] = flowInitialTransition(a, { invoice: {} });
    const [startB, actionsB] = flowInitialTransition(b, { invoice: {} });
    expect(types(actionsA)).toEqual(['exflow.service', 'exflow.service']);
    expect(types(actionsB)).toEqual(['exflow.service']);
    const [half, halfActions] = flowTransition(a, startA, { type: 'service.done', nodeId: 'tax' });
    expect(types(halfActions)).not.toContain('exflow.task.open');
    const [both, bothActions] = flowTransition(a, half, { type: 'service.done', nodeId: 'match' });
    expect(activeNodeIds(both.value)).toEqual(['review']);
    expect(types(bothActions)).toContain('exflow.task.open');
    const [, reviewActions] = flowTransition(b, startB, { type: 'service.done', nodeId: 'check' });
    expect(types(reviewActions)).toEqual(['exflow.service.cancel', 'exflow.task.open', 'exflow.timer.schedule']);
    expect(types(actionsA)).toEqual(['exflow.service', 'exflow.service']);
  });

  it('evaluates decisions as XState does', () => {
    const { machine } = build(
      flow(
        [start(), decision('route', { big: 'invoice.grossTotal > 1000' }), end('big'), end('small')],
        edges('start>route', 'route.big>big', 'route.default>small'),
      ),
    );
    for (const grossTotal of [5000, 10]) {
      const ours = flowInitialTransition(machine, { invoice: { grossTotal } });
      same(ours, initialTransition(machine, { invoice: { grossTotal } }) as [AnyMachineSnapshot, { type: string }[]]);
      expect(ours[0].value).toBe(grossTotal > 1000 ? 'big' : 'small');
    }
  });
});
