import { readFileSync } from 'node:fs';
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { describe, expect, it } from 'vitest';
import {
  compile,
  createFlowMachine,
  defineNodeKind,
  getNodeKind,
  nodeCatalogue,
  type CaseEvent,
  type CompiledFlow,
  type KindAction,
  type KindBehaviour,
  type NodeKind,
} from '../src/index.js';
import { edges, end, flow, start, task } from './helpers.js';

const humanTask = getNodeKind('humanTask')!;
const v1 = humanTask.behaviour!;

/**
 * Version 2 of the human task as it might ship: the result name keeps only the form's data
 * (version 1 keeps the whole decision there: outcome, data and who).
 */
const keepFormData: KindAction = ({ context, event }, params) => {
  const decided = { outcome: String(event.outcome), data: (event.data as Record<string, unknown>) ?? {}, by: (event.actor as string) ?? null };
  return { tasks: { ...context.tasks, [params.nodeId]: decided }, vars: { ...context.vars, [params.resultVar]: decided.data } };
};
const v2: KindBehaviour = { guards: v1.guards, actions: { assignTaskResult: keepFormData } };
const humanTaskV2: NodeKind<unknown> = { ...humanTask, version: 2, behaviour: v2, earlier: { 1: v1 } };
/** The catalogue of a build that ships human task v2 and keeps v1 for the cases compiled with it. */
const withV2 = nodeCatalogue.map((k) => (k.kind === 'humanTask' ? humanTaskV2 : k));
/** The same, had v1's code been dropped. */
const withoutV1 = nodeCatalogue.map((k) => (k.kind === 'humanTask' ? { ...humanTaskV2, earlier: {} } : k));

const review = flow([start(), task('review', ['approve']), end('done')], edges('start>review', 'review.approve>done'), 'review-flow');
const completed: CaseEvent = { type: 'task.completed', nodeId: 'review', outcome: 'approve', data: { note: 'ok' }, actor: 'u-ann' };

function compiled(kinds?: readonly NodeKind<unknown>[]): CompiledFlow {
  const result = compile(review, { kinds });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.flow;
}

/** Starts a case on `flow` and completes its review with `completed`; the context it ends with. */
function decide(flow: CompiledFlow, kinds?: readonly NodeKind<unknown>[]) {
  const machine = createFlowMachine(flow, kinds);
  const [started] = initialTransition(machine, { invoice: {} }) as [AnyMachineSnapshot, unknown];
  const [after] = transition(machine, started, completed);
  expect(after.value).toBe('done');
  return after.context.vars.review;
}

const decidedV1 = { outcome: 'approve', data: { note: 'ok' }, by: 'u-ann' };

describe('node kind versions', () => {
  it('compile records the version of every kind the flow uses', () => {
    expect(compiled().kindVersions).toEqual({ end: 1, humanTask: 1, start: 1 });
    expect(compiled(withV2).kindVersions).toEqual({ end: 1, humanTask: 2, start: 1 });
  });

  it('a flow compiled with v1 keeps v1 behaviour after v2 of the kind ships; one compiled now gets v2', () => {
    const publishedBefore = compiled();
    expect(decide(publishedBefore)).toEqual(decidedV1);
    // v2 ships: the published flow (stored JSON) still runs v1's action
    const stored = JSON.parse(JSON.stringify(publishedBefore)) as CompiledFlow;
    expect(decide(stored, withV2)).toEqual(decidedV1);
    // a version published after v2 shipped runs v2's
    expect(decide(compiled(withV2), withV2)).toEqual({ note: 'ok' });
  });

  it('a case that started before v2 shipped continues on v1 after it (its snapshot restored on the new build)', () => {
    const published = compiled();
    const [started] = initialTransition(createFlowMachine(published), { invoice: {} }) as [AnyMachineSnapshot, unknown];
    const persisted = JSON.parse(JSON.stringify(started)) as unknown;
    const machine = createFlowMachine(published, withV2);
    const [after] = transition(machine, machine.resolveState(persisted as AnyMachineSnapshot), completed);
    expect(after.context.vars.review).toEqual(decidedV1);
  });

  it('a flow stored before kinds had versions runs version 1 of each kind, also after v2 ships', () => {
    const legacy = JSON.parse(readFileSync(new URL('./fixtures/unversioned/human-task-sla.machine.json', import.meta.url), 'utf8')) as CompiledFlow;
    expect(legacy.kindVersions).toBeUndefined();
    const machine = createFlowMachine(legacy, withV2);
    const [started] = initialTransition(machine, { invoice: {} }) as [AnyMachineSnapshot, unknown];
    const [after] = transition(machine, started, { ...completed, nodeId: 'review' });
    expect(after.value).toBe('approved');
    expect(after.context.vars.review).toEqual(decidedV1);
  });

  it('refuses to run a flow whose kind version this build does not have, naming the kind and the fix', () => {
    expect(() => createFlowMachine(compiled(), withoutV1)).toThrow(/node kind "humanTask" v1; this build has v2 of it.*earlier/);
    expect(() => createFlowMachine(compiled(withV2))).toThrow(/node kind "humanTask" v2; this build has v1 of it/);
    const unknownKind = { ...compiled(), kindVersions: { ...compiled().kindVersions, robot: 1 } };
    expect(() => createFlowMachine(unknownKind)).toThrow(/node kind "robot" v1, which this build does not have/);
  });

  it('names every guard and action after its kind, so kinds sharing a name can change apart', () => {
    const { guards, actions } = compiled();
    expect(guards).toEqual(['caseOpen', 'humanTask.taskOutcome']);
    expect(actions).toContain('humanTask.assignTaskResult');
    expect(actions.filter((a) => !a.startsWith('humanTask.') && !a.startsWith('exflow.'))).toEqual(['assignCancellation', 'countComment']);
  });

  it('a kind whose compile names a guard its behaviour does not declare fails to compile', () => {
    const broken = defineNodeKind<unknown>({ ...humanTask, version: 3, behaviour: { actions: v1.actions } });
    const kinds = nodeCatalogue.map((k) => (k.kind === 'humanTask' ? broken : k));
    expect(() => compile(review, { kinds })).toThrow(/"humanTask" compiles to the guard "taskOutcome" but its behaviour declares no such guard/);
  });

  it('every kind in the catalogue has a whole positive version and keeps only earlier versions in earlier', () => {
    for (const kind of nodeCatalogue) {
      expect(Number.isInteger(kind.version) && kind.version >= 1, kind.kind).toBe(true);
      for (const old of Object.keys(kind.earlier ?? {})) expect(Number(old), kind.kind).toBeLessThan(kind.version);
    }
  });
});
