import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { describe, expect, it } from 'vitest';
import { activeNodeIds, validate } from '../src/index.js';
import { build, edges, end, flow, start } from './helpers.js';

const wait = (config: Record<string, unknown> = {}) => ({
  id: 'goods',
  kind: 'waitForMessage',
  config: { message: 'goods.received', correlationKey: 'invoice.poNumber', ...config },
});

const goodsFlow = flow(
  [start(), wait({ timeout: 'PT1H', resultVar: 'receipt' }), end('done'), end('late', 'rejected')],
  edges('start>goods', 'goods.out>done', 'goods.timeout>late'),
);

describe('waitForMessage', () => {
  it('subscribes on entry with its message and correlation key, and schedules its timeout', () => {
    const { machine } = build(goodsFlow);
    const [snapshot, actions] = initialTransition(machine, { invoice: { poNumber: 'PO-1' } });
    expect(activeNodeIds(snapshot.value)).toEqual(['goods']);
    expect(actions).toMatchObject([
      { type: 'exflow.message.subscribe', params: { nodeId: 'goods', message: 'goods.received', correlationKey: 'invoice.poNumber' } },
      { type: 'exflow.timer.schedule', params: { nodeId: 'goods', timerId: 'goods:timeout', dueIn: 'PT1H' } },
    ]);
  });

  it('moves on with the payload kept on the message for its node and name only, unsubscribing', () => {
    const { machine } = build(goodsFlow);
    const [snapshot] = initialTransition(machine, { invoice: {} });
    expect((snapshot as AnyMachineSnapshot).can({ type: 'message.received', nodeId: 'goods', name: 'erp.posted' })).toBe(false);
    expect((snapshot as AnyMachineSnapshot).can({ type: 'message.received', nodeId: 'other', name: 'goods.received' })).toBe(false);
    const [next, actions] = transition(machine, snapshot, { type: 'message.received', nodeId: 'goods', name: 'goods.received', payload: { qty: 3 } });
    expect(next.value).toBe('done');
    expect(next.context.vars).toEqual({ receipt: { qty: 3 } });
    expect(actions.map((a) => a.type)).toEqual(expect.arrayContaining(['exflow.message.unsubscribe', 'exflow.timer.cancel']));
  });

  it('takes the timeout edge when its timer fires', () => {
    const { machine } = build(goodsFlow);
    const [snapshot] = initialTransition(machine, { invoice: {} });
    const [next] = transition(machine, snapshot, { type: 'timer.fired', timerId: 'goods:timeout', nodeId: 'goods' });
    expect(next.value).toBe('late');
  });

  it('reports a bad correlation expression and a bad timeout on the node', () => {
    const result = validate(flow([start(), wait({ correlationKey: 'invoice.(', timeout: 'Psoon' }), end('done')], edges('start>goods', 'goods.out>done')));
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems.filter((p) => p.nodeId === 'goods').map((p) => p.path);
    expect(problems).toEqual(expect.arrayContaining(['/config/correlationKey', '/config/timeout']));
  });
});
