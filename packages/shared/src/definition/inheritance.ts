import { getNodeKind } from '../nodes/catalogue.js';
import type { FlowEdge, FlowNode, WorkflowDefinition } from './types.js';

/**
 * MSP template inheritance: a client's flow is the MSP's base flow with the client's overrides
 * on top, kept as a layer (never a copy). An override is a JSON merge patch (RFC 7386) of one
 * base node's `label` and `config`, by node id: a queue, a threshold in a condition, a
 * service's parameters, a due time.
 * @example
 * const overrides = { nodes: { review: { config: { queue: 'acme-ap', dueIn: 'PT8H' } } } };
 */
export interface TemplateOverrides {
  nodes: Record<string, { label?: string | null; config?: Record<string, unknown> }>;
  /**
   * Steps the client adds, each on an edge the base allows (its pack's extension points): the
   * edge then leads into the step, and the step's one way out leads where the edge led.
   */
  insert?: { edge: string; node: FlowNode }[];
}

/** What became of one node's override when the effective flow was computed on a base. */
export interface OverrideOutcome {
  nodeId: string;
  status: 'kept' | 'conflict';
  /** For a conflict: the node is gone, its kind changed, or the MSP changed a value the override sets. */
  reason?: 'node-removed' | 'kind-changed' | 'base-changed' | 'edge-removed' | 'not-allowed' | 'id-taken' | 'bad-step';
  /** The JSON pointers (under the node) the override sets. */
  paths: string[];
  message: string;
}

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 7386 JSON merge patch: objects merge, `null` removes, anything else replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const result: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** The JSON pointers a merge patch sets (its leaves). */
export function patchPaths(patch: Json, prefix = ''): string[] {
  if (!isObject(patch)) return [prefix || '/'];
  return Object.entries(patch).flatMap(([key, value]) => patchPaths(value, `${prefix}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`));
}

function at(value: Json, pointer: string): Json {
  let here = value;
  for (const part of pointer.split('/').slice(1)) {
    if (!isObject(here)) return undefined;
    here = here[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return here;
}

const nodeBody = (node: FlowNode) => ({ label: node.label, config: node.config ?? {} });

/**
 * The effective flow: `base` with each kept override applied. With `previousBase` (the base the
 * overrides were made on), an override whose node the new base removed, whose kind changed, or
 * one of whose values the MSP changed between the two bases is a conflict: it is not applied
 * (the new base wins there) and is reported, so the client can redo it.
 * @example effectiveFlow(v2, overrides, v1).outcomes // [{ nodeId: 'review', status: 'kept', ... }]
 */
export function effectiveFlow(
  base: WorkflowDefinition,
  overrides: TemplateOverrides,
  previousBase?: WorkflowDefinition,
  extensionPoints?: string[],
): { definition: WorkflowDefinition; outcomes: OverrideOutcome[] } {
  const outcomes: OverrideOutcome[] = [];
  const patched = new Map<string, FlowNode>();
  for (const [nodeId, patch] of Object.entries(overrides.nodes)) {
    const paths = patchPaths(patch);
    const node = base.nodes.find((n) => n.id === nodeId);
    const before = previousBase?.nodes.find((n) => n.id === nodeId);
    if (!node) {
      outcomes.push({
        nodeId,
        status: 'conflict',
        reason: 'node-removed',
        paths,
        message: `The base no longer has step "${nodeId}"; the override is not applied`,
      });
      continue;
    }
    if (before && before.kind !== node.kind) {
      outcomes.push({
        nodeId,
        status: 'conflict',
        reason: 'kind-changed',
        paths,
        message: `Step "${nodeId}" was a ${before.kind} and is now a ${node.kind}; the override is not applied`,
      });
      continue;
    }
    const changed = before ? paths.filter((p) => JSON.stringify(at(nodeBody(before), p)) !== JSON.stringify(at(nodeBody(node), p))) : [];
    if (changed.length) {
      outcomes.push({
        nodeId,
        status: 'conflict',
        reason: 'base-changed',
        paths,
        message: `The base changed ${changed.join(', ')} of step "${nodeId}", which the override sets; the base's new value is used until the override is redone`,
      });
      continue;
    }
    const body = mergePatch(nodeBody(node), patch) as { label?: string; config?: Record<string, unknown> };
    patched.set(nodeId, { ...node, ...(body.label !== undefined ? { label: body.label } : {}), config: body.config ?? {} });
    if (body.label === undefined) delete patched.get(nodeId)!.label;
    outcomes.push({ nodeId, status: 'kept', paths, message: `Override of ${paths.join(', ')} kept` });
  }
  const nodes = base.nodes.map((n) => patched.get(n.id) ?? n);
  let edges: FlowEdge[] = [...base.edges];
  /** Base edge id → the edge that now reaches its original target (after earlier inserts on it). */
  const tail = new Map<string, string>();
  for (const { edge, node } of overrides.insert ?? []) {
    const paths = ['/insert'];
    const conflict = (reason: OverrideOutcome['reason'], message: string) => outcomes.push({ nodeId: node.id, status: 'conflict', reason, paths, message });
    const kind = getNodeKind(node.kind);
    const ways = kind ? kind.outputs(node.config ?? kind.defaults).filter((p) => p.required) : [];
    const current = edges.find((e) => e.id === (tail.get(edge) ?? edge));
    if (!base.edges.some((e) => e.id === edge) || !current) conflict('edge-removed', `The base no longer has edge "${edge}"; step "${node.id}" is not added`);
    else if (extensionPoints && !extensionPoints.includes(edge))
      conflict('not-allowed', `The base does not allow steps on edge "${edge}"; step "${node.id}" is not added`);
    else if (nodes.some((n) => n.id === node.id)) conflict('id-taken', `The flow already has a step "${node.id}"; choose another id`);
    else if (ways.length !== 1) conflict('bad-step', `An added step needs exactly one way out; "${node.id}" (${node.kind}) has ${ways.length}`);
    else {
      const out: FlowEdge = { id: `${edge}~${node.id}`, source: node.id, target: current.target, sourcePort: ways[0]!.id };
      edges = edges.flatMap((e) => (e === current ? [{ ...e, target: node.id }, out] : [e]));
      tail.set(edge, out.id);
      nodes.push(node);
      outcomes.push({ nodeId: node.id, status: 'kept', paths, message: `Step "${node.id}" added on edge "${edge}"` });
    }
  }
  return { definition: { ...base, nodes, edges }, outcomes };
}

/** Base vs override, value by value, for the client's diff view. */
export function overrideDiff(base: WorkflowDefinition, overrides: TemplateOverrides): { nodeId: string; path: string; base: Json; override: Json }[] {
  return [
    ...Object.entries(overrides.nodes).flatMap(([nodeId, patch]) => {
      const node = base.nodes.find((n) => n.id === nodeId);
      const patchedBody = mergePatch(node ? nodeBody(node) : {}, patch);
      return patchPaths(patch).map((path) => ({
        nodeId,
        path,
        base: node ? (at(nodeBody(node), path) ?? null) : null,
        override: at(patchedBody, path) ?? null,
      }));
    }),
    ...(overrides.insert ?? []).map(({ edge, node }) => ({ nodeId: node.id, path: `/insert/${edge}`, base: null, override: node as Json })),
  ];
}
