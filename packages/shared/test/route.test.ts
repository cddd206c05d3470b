import { describe, expect, it } from 'vitest';
import { compile, routeTaken } from '../src/index.js';
import { edges, end, flow, start, task } from './helpers.js';

const definition = flow(
  [
    start(),
    { id: 'match', kind: 'threeWayMatch', config: { service: 'threeWayMatch', resultVar: 'match' } },
    { id: 'ok', kind: 'decision', config: { branches: [{ id: 'yes', condition: 'match.withinTolerance = true' }] } },
    task('review', ['accept', 'reject']),
    end('done'),
    end('rejected', 'rejected'),
  ],
  edges('start>match', 'match.done>ok', 'ok.yes>done', 'ok.default>review', 'review.accept>done', 'review.reject>rejected'),
);

describe('routeTaken', () => {
  const compiled = compile(definition);
  if (!compiled.ok) throw new Error('fixture does not compile');

  it('replays the history, decisions passed without stopping included', () => {
    const events = [
      { type: 'case.started', payload: { invoiceId: 'i1' }, actor: 'u1' },
      { type: 'service.done', payload: { nodeId: 'match', result: { withinTolerance: false } }, actor: 'system' },
      { type: 'task.completed', payload: { nodeId: 'review', taskId: 't1', outcome: 'reject', data: {} }, actor: 'u2' },
    ];
    expect(routeTaken(compiled.flow, {}, events.slice(0, 1))).toEqual(['start', 'match']);
    expect(routeTaken(compiled.flow, {}, events)).toEqual(['start', 'match', 'ok', 'review', 'rejected']);
  });

  it('takes the branch the recorded result chose', () => {
    const events = [{ type: 'case.started' }, { type: 'service.done', payload: { nodeId: 'match', result: { withinTolerance: true } } }];
    expect(routeTaken(compiled.flow, {}, events)).toEqual(['start', 'match', 'ok', 'done']);
  });
});
