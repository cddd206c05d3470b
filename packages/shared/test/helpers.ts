import { readFileSync } from 'node:fs';
import { compile, createFlowMachine, type FlowEdge, type FlowNode, type ValidationProblem, type WorkflowDefinition } from '../src/index.js';

/** A definition around the given nodes and edges. */
export function flow(nodes: FlowNode[], edges: FlowEdge[], key = 'test-flow'): WorkflowDefinition {
  return { schemaVersion: 1, key, name: 'Test flow', nodes, edges };
}

/**
 * Edges from short specs: `'a>b'` leaves `a` from its only port, `'a.done>b'` from port `done`.
 * The spec is also the edge id, so a test can name the edge it expects a problem on.
 */
export function edges(...specs: string[]): FlowEdge[] {
  return specs.map((spec) => {
    const [from, target] = spec.split('>');
    const [source, sourcePort] = from.split('.');
    return { id: spec, source, target, ...(sourcePort ? { sourcePort } : {}) };
  });
}

export const start = (id = 'start'): FlowNode => ({ id, kind: 'start' });
export const end = (id = 'end', outcome: 'resolved' | 'rejected' | 'cancelled' = 'resolved'): FlowNode => ({ id, kind: 'end', config: { outcome } });
export const service = (id: string, config: Record<string, unknown> = {}): FlowNode => ({ id, kind: 'service', config: { service: id, ...config } });
export const join = (id: string): FlowNode => ({ id, kind: 'join' });
export const parallel = (id: string, branches = 2): FlowNode => ({ id, kind: 'parallel', config: { branches } });

export function task(id: string, outcomes: string[] = ['approve', 'reject'], config: Record<string, unknown> = {}): FlowNode {
  return { id, kind: 'humanTask', config: { title: `Task ${id}`, queue: 'ap-review', outcomes: outcomes.map((o) => ({ id: o, label: o })), ...config } };
}

/** A decision whose branches are `{ portId: condition }`, checked in that order. */
export function decision(id: string, branches: Record<string, string>): FlowNode {
  return { id, kind: 'decision', config: { branches: Object.entries(branches).map(([b, condition]) => ({ id: b, label: b, condition })) } };
}

/** Code and the node/edge named, without the wording: what a test pins down. */
export function named(problems: ValidationProblem[]) {
  return problems.map(({ code, nodeId, edgeId }) => ({ code, nodeId, edgeId }));
}

/** Compiles a definition that must be valid, and builds its machine. */
export function build(definition: WorkflowDefinition) {
  const result = compile(definition);
  if (!result.ok) throw new Error(`expected a valid definition: ${JSON.stringify(result.problems)}`);
  return { flow: result.flow, machine: createFlowMachine(result.flow) };
}

export function readJson<T = unknown>(url: URL): T {
  return JSON.parse(readFileSync(url, 'utf8')) as T;
}

export const templateUrl = new URL('../../../templates/ap-exceptions/price-variance.workflow.json', import.meta.url);

/** The action types of a `transition` result, in order. */
export const types = (actions: readonly { type: string }[]) => actions.map((a) => a.type);

/** The actions of a `transition` result as plain `{ type, params }`, in order. */
export const effects = (actions: readonly unknown[]) =>
  actions.map((a) => {
    const { type, params } = a as { type: string; params?: Record<string, unknown> };
    return { type, params };
  });
