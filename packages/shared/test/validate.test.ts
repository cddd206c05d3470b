import { describe, expect, it } from 'vitest';
import { validate, type WorkflowDefinition } from '../src/index.js';
import { decision, edges, end, flow, join, named, parallel, readJson, service, start, task, templateUrl } from './helpers.js';

const problemsOf = (definition: unknown) => validate(definition).problems;

describe('validate: a valid flow', () => {
  it('accepts the price-variance template', () => {
    expect(validate(readJson<WorkflowDefinition>(templateUrl))).toEqual({ ok: true, problems: [] });
  });

  it('accepts a minimal start → end flow', () => {
    expect(validate(flow([start(), end()], edges('start>end')))).toEqual({ ok: true, problems: [] });
  });
});

describe('validate: the schema', () => {
  it('names a missing required field', () => {
    const { name: _name, ...rest } = flow([start(), end()], edges('start>end'));
    const result = validate(rest);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([{ code: 'schema', path: '/name', message: '/name is required', params: { rule: 'required', field: '/name' } }]);
  });

  it('names a field of a node that breaks its pattern', () => {
    const definition = flow([start(), { id: '__end', kind: 'end', config: { outcome: 'resolved' } }], edges('start>__end'));
    const [problem, ...more] = problemsOf(definition);
    expect(more).toEqual([]);
    expect(problem).toMatchObject({ code: 'schema', path: '/nodes/1/id' });
    expect(problem.message).toContain('/nodes/1/id');
  });

  it('names an unknown field on an edge', () => {
    const definition = flow([start(), end()], [{ id: 'e', source: 'start', target: 'end', colour: 'red' } as never]);
    expect(problemsOf(definition)).toEqual([
      {
        code: 'schema',
        path: '/edges/0/colour',
        message: '/edges/0/colour is not a known field',
        params: { rule: 'additionalProperties', field: '/edges/0/colour' },
      },
    ]);
  });

  it('reports a value that is not a definition at all, without throwing', () => {
    expect(problemsOf(null)).toEqual([
      { code: 'schema', path: '', message: '(document) must be object', params: { rule: 'type', field: '(document)', detail: 'must be object' } },
    ]);
    expect(validate('flow').ok).toBe(false);
  });
});

describe('validate: ids and starts', () => {
  it('node.duplicateId names the repeated node', () => {
    expect(named(problemsOf(flow([start(), end(), end()], edges('start>end'))))).toEqual([{ code: 'node.duplicateId', nodeId: 'end' }]);
  });

  it('edge.duplicateId names the repeated edge', () => {
    const twice = [
      { id: 'e', source: 'start', target: 'a' },
      { id: 'e', source: 'a', target: 'end', sourcePort: 'done' },
    ];
    expect(named(problemsOf(flow([start(), service('a'), end()], twice)))).toEqual([{ code: 'edge.duplicateId', edgeId: 'e' }]);
  });

  it('start.count when there is no start', () => {
    const problems = problemsOf(flow([service('a'), end()], edges('a.done>end')));
    expect(named(problems)).toEqual([{ code: 'start.count' }]);
    expect(problems[0].message).toMatch(/no start node/);
  });

  it('start.count names the second of two starts', () => {
    const problems = problemsOf(flow([start(), start('again'), end()], edges('start>end', 'again>end')));
    expect(named(problems)).toEqual([{ code: 'start.count', nodeId: 'again' }]);
    expect(problems[0].message).toMatch(/2 start nodes/);
  });
});

describe('validate: node kinds and config', () => {
  it('node.unknownKind names the node', () => {
    const definition = flow([start(), { id: 'beam', kind: 'teleport' }, end()], edges('start>beam', 'beam>end'));
    expect(named(problemsOf(definition))).toEqual([{ code: 'node.unknownKind', nodeId: 'beam' }]);
  });

  it('node.config names the node and the missing field (human task without queue)', () => {
    const review = { id: 'review', kind: 'humanTask', config: { title: 'Review', outcomes: [{ id: 'ok' }] } };
    const problems = problemsOf(flow([start(), review, end()], edges('start>review', 'review.ok>end')));
    expect(named(problems)).toEqual([{ code: 'node.config', nodeId: 'review' }]);
    expect(problems[0]).toMatchObject({ path: '/config/queue' });
    expect(problems[0].message).toContain('/config/queue is required');
  });

  it('node.config when an end node has no outcome', () => {
    const definition = flow([start(), { id: 'end', kind: 'end' }], edges('start>end'));
    expect(named(problemsOf(definition))).toEqual([{ code: 'node.config', nodeId: 'end' }]);
  });

  it('feel.syntax in a decision condition, with the position', () => {
    const definition = flow([start(), decision('route', { big: 'a >' }), end()], edges('start>route', 'route.big>end', 'route.default>end'));
    const problems = problemsOf(definition);
    expect(named(problems)).toEqual([{ code: 'feel.syntax', nodeId: 'route' }]);
    expect(problems[0].path).toBe('/config/branches/0/condition');
    expect(problems[0].message).toMatch(/position \d+/);
  });

  it('feel.syntax in a decision-table unary test', () => {
    const table = {
      id: 'table',
      kind: 'decisionTable',
      config: { hitPolicy: 'FIRST', inputs: [{ expression: 'invoice.grossTotal' }], outputs: [{ name: 'queue' }], rules: [{ when: ['>'], then: ['"ap"'] }] },
    };
    const problems = problemsOf(flow([start(), table, end()], edges('start>table', 'table>end')));
    expect(named(problems)).toEqual([{ code: 'feel.syntax', nodeId: 'table' }]);
    expect(problems[0].path).toBe('/config/rules/0/when/0');
  });

  it('feel.syntax in a start trigger', () => {
    const definition = flow([{ id: 'start', kind: 'start', config: { trigger: 'invoice.poNumber !=' } }, end()], edges('start>end'));
    expect(named(problemsOf(definition))).toEqual([{ code: 'feel.syntax', nodeId: 'start' }]);
  });

  it('decisionTable.shape when a rule has the wrong number of tests', () => {
    const table = {
      id: 'table',
      kind: 'decisionTable',
      config: { hitPolicy: 'FIRST', inputs: [{ expression: 'x' }], outputs: [{ name: 'y' }], rules: [{ when: ['1', '2'], then: ['3'] }] },
    };
    expect(named(problemsOf(flow([start(), table, end()], edges('start>table', 'table>end'))))).toEqual([{ code: 'decisionTable.shape', nodeId: 'table' }]);
  });

  it('duration.invalid for a task SLA in months', () => {
    const review = task('review', ['ok'], { dueIn: 'P1M' });
    const problems = problemsOf(flow([start(), review, end()], edges('start>review', 'review.ok>end')));
    expect(named(problems)).toEqual([{ code: 'duration.invalid', nodeId: 'review' }]);
    expect(problems[0].path).toBe('/config/dueIn');
  });

  it('duration.invalid for a wait of "PT"', () => {
    const wait = { id: 'wait', kind: 'timer', config: { duration: 'PT' } };
    expect(named(problemsOf(flow([start(), wait, end()], edges('start>wait', 'wait>end'))))).toEqual([{ code: 'duration.invalid', nodeId: 'wait' }]);
  });
});

describe('validate: edges and ports', () => {
  it('edge.missingSource names the edge', () => {
    expect(named(problemsOf(flow([start(), end()], edges('start>end', 'ghost>end'))))).toEqual([{ code: 'edge.missingSource', edgeId: 'ghost>end' }]);
  });

  it('edge.missingTarget names the edge', () => {
    const definition = flow([start(), service('a'), end()], edges('start>a', 'a.done>end', 'a.error>ghost'));
    expect(named(problemsOf(definition))).toEqual([{ code: 'edge.missingTarget', edgeId: 'a.error>ghost' }]);
  });

  it('edge.intoStart names the edge', () => {
    const definition = flow([start(), service('a'), end()], edges('start>a', 'a.done>end', 'a.error>start'));
    expect(named(problemsOf(definition))).toEqual([{ code: 'edge.intoStart', edgeId: 'a.error>start' }]);
  });

  it('edge.unknownPort names the edge and its source, and lists the real ports', () => {
    const definition = flow([start(), service('a'), end()], edges('start>a', 'a.done>end', 'a.oops>end'));
    const problems = problemsOf(definition);
    expect(named(problems)).toEqual([{ code: 'edge.unknownPort', edgeId: 'a.oops>end', nodeId: 'a' }]);
    expect(problems[0].message).toContain('done, error');
  });

  it('edge.unknownPort for an edge without a port from a node with several', () => {
    const definition = flow([start(), decision('d', { yes: 'true' }), end()], edges('start>d', 'd.yes>end', 'd.default>end', 'd>end'));
    expect(named(problemsOf(definition))).toEqual([{ code: 'edge.unknownPort', edgeId: 'd>end', nodeId: 'd' }]);
  });

  it('edge.portTaken names the second edge on a port', () => {
    const definition = flow([start(), service('a'), end()], edges('start>a', 'start.out>end', 'a.done>end'));
    expect(named(problemsOf(definition))).toEqual([{ code: 'edge.portTaken', edgeId: 'start.out>end', nodeId: 'start' }]);
  });

  it('decision.noDefault names the decision', () => {
    const definition = flow([start(), decision('d', { yes: 'true' }), end()], edges('start>d', 'd.yes>end'));
    expect(named(problemsOf(definition))).toEqual([{ code: 'decision.noDefault', nodeId: 'd' }]);
  });

  it('port.unconnected names the node and the outcome left open', () => {
    const problems = problemsOf(flow([start(), task('review'), end()], edges('start>review', 'review.approve>end')));
    expect(named(problems)).toEqual([{ code: 'port.unconnected', nodeId: 'review' }]);
    expect(problems[0].message).toContain('"reject"');
  });

  it('an optional port (service error, task timeout) may stay open', () => {
    const review = task('review', ['ok'], { dueIn: 'PT24H' });
    expect(validate(flow([start(), service('a'), review, end()], edges('start>a', 'a.done>review', 'review.ok>end'))).ok).toBe(true);
  });
});

describe('validate: the graph', () => {
  it('node.unreachable names the orphan', () => {
    const definition = flow([start(), service('orphan'), end()], edges('start>end', 'orphan.done>end'));
    expect(named(problemsOf(definition))).toEqual([{ code: 'node.unreachable', nodeId: 'orphan' }]);
  });

  it('node.deadEnd names a loop with no way out to an End', () => {
    const definition = flow(
      [start(), decision('d', { done: 'false' }), service('retry'), end()],
      edges('start>d', 'd.done>end', 'd.default>retry', 'retry.done>retry'),
    );
    expect(named(problemsOf(definition))).toEqual([{ code: 'node.deadEnd', nodeId: 'retry' }]);
  });

  it('a node with no edges out is reported by its open port, before the graph is walked', () => {
    const definition = flow([start(), service('a'), end()], edges('start>a'));
    expect(named(problemsOf(definition))).toEqual([{ code: 'port.unconnected', nodeId: 'a' }]);
  });

  it('graph checks wait until the structure is sound', () => {
    const definition = flow([start(), service('orphan'), end(), end()], edges('start>end', 'orphan.done>end'));
    expect(named(problemsOf(definition))).toEqual([{ code: 'node.duplicateId', nodeId: 'end' }]);
  });
});

describe('validate: parallel and join', () => {
  it('parallel.join when branches meet at different joins', () => {
    const definition = flow([start(), parallel('p'), join('j1'), join('j2'), end()], edges('start>p', 'p.b1>j1', 'p.b2>j2', 'j1>end', 'j2>end'));
    const problems = problemsOf(definition);
    expect(named(problems)).toEqual([{ code: 'parallel.join', nodeId: 'p' }]);
    expect(problems[0].message).toContain('j1, j2');
  });

  it('parallel.join when branches never meet (they loop), alongside the dead ends', () => {
    const definition = flow(
      [start(), decision('d', { skip: 'true' }), parallel('p'), service('a'), service('b'), end()],
      edges('start>d', 'd.skip>end', 'd.default>p', 'p.b1>a', 'p.b2>b', 'a.done>a', 'b.done>b'),
    );
    const problems = problemsOf(definition);
    expect(named(problems)).toEqual([
      { code: 'node.deadEnd', nodeId: 'p' },
      { code: 'node.deadEnd', nodeId: 'a' },
      { code: 'node.deadEnd', nodeId: 'b' },
      { code: 'parallel.join', nodeId: 'p' },
    ]);
    expect(problems[3].message).toMatch(/never meet/);
  });

  it('parallel.endInBranch names the End inside the branch', () => {
    const definition = flow([start(), parallel('p'), join('j'), end('early'), end()], edges('start>p', 'p.b1>j', 'p.b2>early', 'j>end'));
    expect(named(problemsOf(definition))).toEqual([{ code: 'parallel.endInBranch', nodeId: 'early' }]);
  });

  it('parallel.sharedNode names a node on two branches', () => {
    const definition = flow([start(), parallel('p'), service('a'), join('j'), end()], edges('start>p', 'p.b1>a', 'p.b2>a', 'a.done>j', 'j>end'));
    expect(named(problemsOf(definition))).toEqual([{ code: 'parallel.sharedNode', nodeId: 'a' }]);
  });

  it('accepts a nested parallel inside a branch', () => {
    const definition = flow(
      [start(), parallel('outer'), parallel('inner'), service('a'), service('b'), service('c'), join('innerJoin'), join('outerJoin'), end()],
      edges(
        'start>outer',
        'outer.b1>a',
        'a.done>outerJoin',
        'outer.b2>inner',
        'inner.b1>b',
        'inner.b2>c',
        'b.done>innerJoin',
        'c.done>innerJoin',
        'innerJoin>outerJoin',
        'outerJoin>end',
      ),
    );
    expect(validate(definition)).toEqual({ ok: true, problems: [] });
  });
});
