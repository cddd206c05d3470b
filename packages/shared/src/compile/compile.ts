import type { FlowNode, ValidationProblem, WorkflowDefinition } from '../definition/types.js';
import { outgoing, validate } from '../definition/validate.js';
import { nodeCatalogue } from '../nodes/catalogue.js';
import { stateTarget, type NodeKind, type StateConfig } from '../nodes/defineNodeKind.js';
import { qualifyBehaviour } from '../nodes/kindVersions.js';
import { findParallelRegions, type ParallelRegion } from './regions.js';

/** State id of the final state a case reaches when cancelled. */
export const CANCELLED_STATE = '__cancelled';
/** State id of the final state a case reaches when a service fails with no error edge. */
export const FAILED_STATE = '__failed';

export type CaseOutcome = 'resolved' | 'rejected' | 'cancelled' | 'failed';

/** A compiled flow: a JSON-serialisable XState machine config plus what the runtime needs. */
export interface CompiledFlow {
  key: string;
  name: string;
  machine: StateConfig;
  /** Outcome of each final state, by state id. */
  outcomes: Record<string, CaseOutcome>;
  /** The named actions and guards the machine refers to (implemented by `createFlowMachine`). */
  actions: string[];
  guards: string[];
  /**
   * The version of each node kind the flow uses, by kind: `createFlowMachine` runs those
   * versions' guards and actions, so a published flow keeps its behaviour when a kind moves on.
   * Absent on flows compiled before kinds had versions (they run version 1 of each kind).
   */
  kindVersions?: Record<string, number>;
}

export interface CompileOptions {
  /**
   * The node kinds to compile with (default: the node catalogue), e.g. a catalogue in which a
   * kind has moved to its next version. Validation still reads the catalogue's declarations, so
   * these are the catalogue's kinds, perhaps at other versions.
   */
  kinds?: readonly NodeKind<unknown>[];
}

export type CompileResult = { ok: true; flow: CompiledFlow } | { ok: false; problems: ValidationProblem[] };

/**
 * Compiles a workflow definition to an XState v5 machine config. Pure and deterministic: the
 * same definition gives byte-identical JSON. Invalid definitions give their problems instead.
 * @example
 * const result = compile(definition);
 * if (result.ok) createFlowMachine(result.flow);
 */
export function compile(definition: WorkflowDefinition, options: CompileOptions = {}): CompileResult {
  const kinds = new Map((options.kinds ?? nodeCatalogue).map((k) => [k.kind, k]));
  const getNodeKind = (kind: string) => kinds.get(kind);
  const validation = validate(definition, { sod: false });
  if (!validation.ok) return { ok: false, problems: validation.problems };
  const out = outgoing(definition);
  const { regions, problems } = findParallelRegions(definition, out);
  if (problems.length) return { ok: false, problems };

  const nodes = new Map(definition.nodes.map((n) => [n.id, n]));
  const actions = new Set<string>(['countComment', 'assignCancellation']);
  const guards = new Set<string>(['caseOpen']);

  const targetOf = (node: FlowNode, port: string, redirect: Map<string, string>) => {
    const ports = getNodeKind(node.kind)!.outputs(node.config ?? {});
    const edge = (out.get(node.id) ?? []).find((e) => (e.sourcePort ?? (ports.length === 1 ? ports[0].id : undefined)) === port);
    return edge ? (redirect.get(edge.target) ?? stateTarget(edge.target)) : undefined;
  };

  const compileNode = (node: FlowNode, redirect: Map<string, string>): StateConfig => {
    const kind = getNodeKind(node.kind)!;
    const ctx = {
      target: (port: string) => targetOf(node, port, redirect),
      edgesOut: out.get(node.id) ?? [],
      failedTarget: stateTarget(FAILED_STATE),
      node: (id: string) => nodes.get(id),
      targetFrom: (id: string, port: string) => (nodes.has(id) ? targetOf(nodes.get(id)!, port, redirect) : undefined),
    };
    const state = reenterSelf(qualifyBehaviour(kind, kind.compile!(node, node.config ?? {}, ctx)), stateTarget(node.id));
    collectNames(state, actions, guards);
    return { id: node.id, ...state };
  };

  const compileParallel = (region: ParallelRegion, redirect: Map<string, string>): StateConfig => {
    const states: Record<string, StateConfig> = {};
    for (const branch of region.branches) {
      const joinedId = `${region.parallelId}__${branch.port}__joined`;
      const inner = new Map(redirect).set(region.joinId, stateTarget(joinedId));
      states[branch.port] = {
        initial: branch.first === region.joinId ? joinedId : branch.first,
        states: { ...compileScope(branch.nodes, inner), [joinedId]: { id: joinedId, type: 'final' } },
      };
    }
    return { id: region.parallelId, type: 'parallel', states, onDone: { target: redirect.get(region.joinId) ?? stateTarget(region.joinId) } };
  };

  const compileScope = (ids: string[], redirect: Map<string, string>): Record<string, StateConfig> => {
    const nested = new Set<string>();
    for (const id of ids) regions.get(id)?.branches.forEach((b) => b.nodes.forEach((n) => nested.add(n)));
    const states: Record<string, StateConfig> = {};
    for (const id of ids) {
      if (nested.has(id)) continue;
      const region = regions.get(id);
      states[id] = region ? compileParallel(region, redirect) : compileNode(nodes.get(id)!, redirect);
    }
    return states;
  };

  const start = definition.nodes.find((n) => n.kind === 'start')!;
  const machine: StateConfig = {
    id: definition.key,
    initial: start.id,
    // XState's pure `transition` still takes root events once the machine is done, so a closed
    // case would reopen as cancelled without this guard.
    on: {
      'case.comment': { guard: { type: 'caseOpen' }, actions: [{ type: 'countComment' }] },
      'case.cancel': { guard: { type: 'caseOpen' }, target: stateTarget(CANCELLED_STATE), actions: [{ type: 'assignCancellation' }] },
    },
    states: {
      ...compileScope(
        definition.nodes.map((n) => n.id),
        new Map(),
      ),
      [CANCELLED_STATE]: { id: CANCELLED_STATE, type: 'final' },
      [FAILED_STATE]: { id: FAILED_STATE, type: 'final' },
    },
  };
  const outcomes: Record<string, CaseOutcome> = { [CANCELLED_STATE]: 'cancelled', [FAILED_STATE]: 'failed' };
  for (const node of definition.nodes) {
    if (node.kind === 'end') outcomes[node.id] = (node.config as { outcome: CaseOutcome }).outcome;
  }
  const kindVersions: Record<string, number> = {};
  for (const kind of [...new Set(definition.nodes.map((n) => n.kind))].sort()) kindVersions[kind] = getNodeKind(kind)!.version;
  return {
    ok: true,
    flow: { key: definition.key, name: definition.name, machine, outcomes, actions: [...actions].sort(), guards: [...guards].sort(), kindVersions },
  };
}

/**
 * An edge from a step back to itself must leave and enter it again (close the task and open a
 * new one, call the service again); XState v5 does neither for a self-transition unless told.
 */
function reenterSelf(state: StateConfig, self: string): StateConfig {
  const mark = (t: unknown): unknown => (t && typeof t === 'object' && (t as { target?: string }).target === self ? { ...t, reenter: true } : t);
  const each = (v: unknown) => (Array.isArray(v) ? v.map(mark) : mark(v));
  const on = state.on as Record<string, unknown> | undefined;
  return {
    ...state,
    ...(on ? { on: Object.fromEntries(Object.entries(on).map(([event, t]) => [event, each(t)])) } : {}),
    ...(state.always ? { always: each(state.always) } : {}),
  };
}

function collectNames(value: unknown, actions: Set<string>, guards: Set<string>, inGuard = false): void {
  if (Array.isArray(value)) {
    value.forEach((v) => collectNames(v, actions, guards, inGuard));
    return;
  }
  if (!value || typeof value !== 'object') return;
  for (const [key, v] of Object.entries(value)) {
    if ((key === 'entry' || key === 'exit' || key === 'actions') && v) {
      for (const a of [v].flat()) if (a && typeof a === 'object' && 'type' in a) actions.add(String(a.type));
    }
    if (key === 'guard' && v && typeof v === 'object' && 'type' in v) guards.add(String(v.type));
    collectNames(v, actions, guards, inGuard);
  }
}
