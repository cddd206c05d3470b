import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { describe, expect, it } from 'vitest';
import {
  activeNodeIds,
  compile,
  createFlowMachine,
  validate,
  type CaseEvent,
  type CaseInput,
  type CompiledFlow,
  type FlowEdge,
  type FlowNode,
  type WorkflowDefinition,
} from '../src/index.js';
import { build, flow } from './helpers.js';

const fixtures = new URL('./fixtures/', import.meta.url);
const names = readdirSync(fixtures)
  .filter((f) => f.endsWith('.workflow.json'))
  .map((f) => f.replace(/\.workflow\.json$/, ''))
  .sort();

const definitionOf = (name: string) => JSON.parse(readFileSync(new URL(`${name}.workflow.json`, fixtures), 'utf8')) as WorkflowDefinition;
const goldenUrl = (name: string) => new URL(`${name}.machine.json`, fixtures);
const toGolden = (flow: CompiledFlow) => `${JSON.stringify(flow, null, 2)}\n`;

function compiled(definition: WorkflowDefinition): CompiledFlow {
  const result = compile(definition);
  if (!result.ok) throw new Error(`fixture does not compile: ${JSON.stringify(result.problems)}`);
  return result.flow;
}

/** How each fixture is driven: the events to send and the nodes active after each step. */
interface Scenario {
  input: CaseInput;
  /** Active node ids right after `initialTransition`. */
  first: string[];
  steps: { send: CaseEvent; then: string[] }[];
  outcome: string;
}

const scenarios: Record<string, Scenario> = {
  linear: {
    input: { invoice: { grossTotal: 500 } },
    first: ['supplierCheck'],
    steps: [{ send: { type: 'service.done', nodeId: 'supplierCheck', result: { blocked: true } }, then: ['rejected'] }],
    outcome: 'rejected',
  },
  'human-task-sla': {
    input: { invoice: {} },
    first: ['review'],
    steps: [
      { send: { type: 'timer.fired', timerId: 'review:sla' }, then: ['escalation'] },
      { send: { type: 'task.completed', nodeId: 'escalation', outcome: 'approve' }, then: ['approved'] },
    ],
    outcome: 'resolved',
  },
  'decision-table': {
    input: { invoice: { grossTotal: 25000 } },
    first: ['controllerReview'],
    steps: [{ send: { type: 'task.completed', nodeId: 'controllerReview', outcome: 'ok' }, then: ['done'] }],
    outcome: 'resolved',
  },
  parallel: {
    input: { invoice: {} },
    first: ['match', 'taxCheck'],
    steps: [
      { send: { type: 'service.done', nodeId: 'taxCheck', result: { ok: true } }, then: ['match'] },
      { send: { type: 'service.done', nodeId: 'match', result: { withinTolerance: true } }, then: ['done'] },
    ],
    outcome: 'resolved',
  },
  'nested-parallel': {
    input: { invoice: {} },
    first: ['review', 'duplicateCheck', 'taxCheck'],
    steps: [
      { send: { type: 'service.done', nodeId: 'duplicateCheck' }, then: ['review', 'taxCheck'] },
      { send: { type: 'service.done', nodeId: 'taxCheck' }, then: ['review'] },
      { send: { type: 'task.completed', nodeId: 'review', outcome: 'ok' }, then: ['done'] },
    ],
    outcome: 'resolved',
  },
  'service-failure': {
    input: { invoice: {} },
    first: ['erpPost'],
    steps: [{ send: { type: 'service.failed', nodeId: 'erpPost', error: 'ERP timed out' }, then: ['__failed'] }],
    outcome: 'failed',
  },
};

it('has a scenario for every fixture and a fixture for every scenario', () => {
  expect(names).toEqual(Object.keys(scenarios).sort());
});

describe.each(names)('fixture %s', (name) => {
  const definition = definitionOf(name);

  it('is a valid definition (segregation-of-duties warnings aside: sodRules.test.ts covers them)', () => {
    expect(validate(definition).problems.filter((p) => p.severity !== 'warning')).toEqual([]);
  });

  it('compiles to its golden machine, byte for byte', () => {
    const actual = toGolden(compiled(definition));
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(goldenUrl(name), actual);
    expect(existsSync(goldenUrl(name)), `no golden file for ${name}; run with UPDATE_GOLDEN=1 and review it`).toBe(true);
    expect(actual).toBe(readFileSync(goldenUrl(name), 'utf8'));
  });

  it('compiles deterministically, also after a JSON round trip of the input', () => {
    const once = JSON.stringify(compiled(definition));
    expect(JSON.stringify(compiled(definition))).toBe(once);
    expect(JSON.stringify(compiled(JSON.parse(JSON.stringify(definition)) as WorkflowDefinition))).toBe(once);
  });

  it('names only actions and guards the flow machine implements', () => {
    const flow = compiled(definition);
    const { actions, guards } = createFlowMachine(flow).implementations;
    expect(flow.actions.filter((a) => !(a in actions))).toEqual([]);
    expect(flow.guards.filter((g) => !(g in guards))).toEqual([]);
  });

  it.each([
    ['its golden JSON', goldenUrl(name)],
    // stored before kinds had versions: unqualified guard and action names, no kindVersions
    ['the JSON compiled before node kinds had versions', new URL(`unversioned/${name}.machine.json`, fixtures)],
  ])('loads from %s and runs to a final state along the expected path', (_, url) => {
    const flow = JSON.parse(readFileSync(url, 'utf8')) as CompiledFlow;
    const machine = createFlowMachine(flow);
    const scenario = scenarios[name];
    let [snapshot] = initialTransition(machine, scenario.input) as [AnyMachineSnapshot, unknown];
    const path = [activeNodeIds(snapshot.value)];
    for (const step of scenario.steps) {
      expect(snapshot.can(step.send), `${step.send.type} in ${JSON.stringify(snapshot.value)}`).toBe(true);
      [snapshot] = transition(machine, snapshot, step.send);
      path.push(activeNodeIds(snapshot.value));
    }
    expect(path).toEqual([scenario.first, ...scenario.steps.map((s) => s.then)]);
    expect(snapshot.status).toBe('done');
    expect(flow.outcomes[snapshot.value as string]).toBe(scenario.outcome);
  });
});

describe('compiled shape', () => {
  it('sends a failure without an error edge to __failed, and one with an error edge along it', () => {
    const failing = compiled(definitionOf('service-failure')).machine as any;
    expect(failing.states.erpPost.on['service.failed'].target).toBe('#__failed');
    const linear = compiled(definitionOf('linear')).machine as any;
    expect(linear.states.supplierCheck.on['service.failed'].target).toBe('#rejected');
  });

  it('turns a parallel node into a parallel state whose regions end in their own final state', () => {
    const machine = compiled(definitionOf('parallel')).machine as any;
    const checks = machine.states.checks;
    expect(checks).toMatchObject({ type: 'parallel', onDone: { target: '#allChecked' } });
    expect(Object.keys(checks.states)).toEqual(['b1', 'b2']);
    expect(checks.states.b1.initial).toBe('match');
    expect(checks.states.b1.states.match.on['service.done'].target).toBe('#checks__b1__joined');
    expect(checks.states.b1.states.checks__b1__joined).toEqual({ id: 'checks__b1__joined', type: 'final' });
    expect(Object.keys(machine.states)).toEqual(['start', 'checks', 'allChecked', 'done', '__cancelled', '__failed']);
  });

  it('nests an inner parallel inside the outer branch, and starts an empty branch at its joined state', () => {
    const machine = compiled(definitionOf('nested-parallel')).machine as any;
    const branch = machine.states.outer.states.b2;
    expect(Object.keys(branch.states)).toEqual(['checks', 'checksDone', 'outer__b2__joined']);
    expect(branch.states.checks.onDone.target).toBe('#checksDone');
    expect(branch.states.checksDone.always.target).toBe('#outer__b2__joined');
    expect(branch.states.checks.states.b3.initial).toBe('checks__b3__joined');
  });

  it('keeps outcomes for every final state', () => {
    expect(compiled(definitionOf('human-task-sla')).outcomes).toEqual({
      __cancelled: 'cancelled',
      __failed: 'failed',
      approved: 'resolved',
      rejected: 'rejected',
    });
  });

  it('gives the problems instead of a machine for an invalid definition', () => {
    const result = compile(flow([{ id: 'start', kind: 'start' }], []));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.map((p) => p.code)).toEqual(['port.unconnected']);
  });
});

describe('a 1,000-node definition', () => {
  // start, 998 nodes alternating service/decision (each decision may stop early), end
  function large(): WorkflowDefinition {
    const nodes: FlowNode[] = [{ id: 'start', kind: 'start' }];
    const edges: FlowEdge[] = [];
    let from = { id: 'start', port: 'out' };
    for (let i = 0; i < 998; i++) {
      const id = i % 2 === 0 ? `check${i}` : `route${i}`;
      nodes.push(
        i % 2 === 0
          ? { id, kind: 'service', config: { service: 'check', resultVar: `r${i}` } }
          : { id, kind: 'decision', config: { branches: [{ id: 'stop', label: 'stop', condition: `r${i - 1}.stop = true` }] } },
      );
      edges.push({ id: `e${i}`, source: from.id, sourcePort: from.port, target: id });
      if (i % 2 === 1) edges.push({ id: `stop${i}`, source: id, sourcePort: 'stop', target: 'end' });
      from = { id, port: i % 2 === 0 ? 'done' : 'default' };
    }
    nodes.push({ id: 'end', kind: 'end', config: { outcome: 'resolved' } });
    edges.push({ id: 'last', source: from.id, sourcePort: from.port, target: 'end' });
    return { schemaVersion: 1, key: 'large', name: 'Large', nodes, edges };
  }

  it('validates, compiles and runs to the end', () => {
    const definition = large();
    expect(definition.nodes).toHaveLength(1000);
    expect(validate(definition).problems).toEqual([]);
    const { flow, machine } = build(definition);
    expect(Object.keys((flow.machine as { states: object }).states)).toHaveLength(1002);
    let [snapshot] = initialTransition(machine, { invoice: {} }) as [AnyMachineSnapshot, unknown];
    for (let i = 0; i < 998; i += 2) {
      expect(activeNodeIds(snapshot.value)).toEqual([`check${i}`]);
      [snapshot] = transition(machine, snapshot, { type: 'service.done', nodeId: `check${i}`, result: { stop: false } });
    }
    expect(snapshot.value).toBe('end');
  });

  it('stops early where a decision says so', () => {
    const { machine } = build(large());
    let [snapshot] = initialTransition(machine, { invoice: {} }) as [AnyMachineSnapshot, unknown];
    [snapshot] = transition(machine, snapshot, { type: 'service.done', nodeId: 'check0', result: { stop: false } });
    [snapshot] = transition(machine, snapshot, { type: 'service.done', nodeId: 'check2', result: { stop: true } });
    expect(snapshot.value).toBe('end');
  });
});
