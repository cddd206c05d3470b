import { describe, expect, it } from 'vitest';
import { fourNodeFlow } from '../../test/fixtures.js';
import { connectionProblem, uniqueId } from './definitionOps.js';

describe('connectionProblem', () => {
  const flow = fourNodeFlow();
  flow.nodes.push({ id: 'wait', kind: 'timer', config: { duration: 'P1D' } });

  it('allows a free output port into a step that takes input', () => {
    expect(connectionProblem(flow, { source: 'wait', sourcePort: 'out', target: 'big' })).toBeUndefined();
  });
  it('allows one edge per output port', () => {
    expect(connectionProblem(flow, { source: 'big', sourcePort: 'yes', target: 'wait' })).toMatch(/already connected/);
  });
  it('refuses edges into a start', () => {
    expect(connectionProblem(flow, { source: 'wait', sourcePort: 'out', target: 'start' })).toMatch(/nothing can lead into it/);
  });
  it('refuses edges out of an end', () => {
    expect(connectionProblem(flow, { source: 'ok', sourcePort: null, target: 'wait' })).toMatch(/ends the flow/);
  });
  it('refuses undeclared ports and self loops', () => {
    expect(connectionProblem(flow, { source: 'wait', sourcePort: 'nope', target: 'big' })).toMatch(/no output/);
    expect(connectionProblem(flow, { source: 'wait', sourcePort: 'out', target: 'wait' })).toMatch(/itself/);
  });
});

describe('uniqueId', () => {
  it('derives valid ids that are not taken', () => {
    expect(uniqueId('decision', new Set())).toBe('decision');
    expect(uniqueId('decision', new Set(['decision', 'decision_2']))).toBe('decision_3');
    expect(uniqueId('3-way match', new Set())).toBe('n_3-way_match');
    expect(uniqueId('__x', new Set())).toBe('x');
  });
});
