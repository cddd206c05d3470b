import { findParallelRegions } from '../compile/regions.js';
import { getNodeKind } from '../nodes/catalogue.js';
import { ajvErrorParams, createAjv, describeAjvError, type ValidateFunction } from './ajv.js';
import { definitionSchema } from './schema.js';
import { checkSegregation, type SodPolicy } from './sodRules.js';
import type { FlowEdge, ValidationProblem, WorkflowDefinition } from './types.js';

let compiled: { definition: ValidateFunction; configs: Map<string, ValidateFunction> } | undefined;

function validators() {
  if (!compiled) {
    const ajv = createAjv();
    compiled = { definition: ajv.compile(definitionSchema), configs: new Map() };
  }
  return compiled;
}

function configValidator(kind: string): ValidateFunction | undefined {
  const v = validators();
  if (!v.configs.has(kind)) {
    const declared = getNodeKind(kind);
    if (!declared) return undefined;
    v.configs.set(kind, createAjv().compile(declared.configSchema));
  }
  return v.configs.get(kind);
}

/** The result of `validate`: `ok` only when there are no problems other than warnings. */
export interface ValidationResult {
  ok: boolean;
  problems: ValidationProblem[];
}

export interface ValidateOptions {
  /**
   * Design-time segregation of duties (`sodRules.ts`) under the tenant's policy; without it the
   * SoD problems are warnings, and `false` leaves them out (the compiler checks structure only).
   */
  sod?: SodPolicy | false;
}

/**
 * Checks a workflow definition: the JSON Schema, each node's config against its kind, and the
 * graph (one start, reachability, dead ends, ports, parallel/join pairing, FEEL syntax), then
 * segregation of duties on a sound graph (`sod.*`, with the path that breaks the rule).
 * Never throws for a user mistake; every problem names its node or edge.
 * @example
 * const { ok, problems } = validate(definition);
 * if (!ok) console.log(problems.map((p) => `${p.nodeId ?? p.edgeId}: ${p.message}`));
 */
export function validate(input: unknown, options: ValidateOptions = {}): ValidationResult {
  const v = validators();
  if (!v.definition(input)) {
    const problems = (v.definition.errors ?? []).map((e) => {
      const { path, message } = describeAjvError(e);
      return { code: 'schema', message, path, params: ajvErrorParams(e) };
    });
    return { ok: false, problems };
  }
  const definition = input as WorkflowDefinition;
  const problems = [...checkIds(definition), ...checkNodes(definition), ...checkEdges(definition), ...checkTestCases(definition)];
  if (problems.length === 0) problems.push(...checkGraph(definition));
  if (problems.length === 0 && options.sod !== false) problems.push(...checkSegregation(definition, options.sod ?? { mode: 'warn' }));
  return { ok: !problems.some((p) => p.severity !== 'warning'), problems };
}

/** Test cases name nodes that exist, steps are a completion (with outcome) or a timeout, ids are unique. */
function checkTestCases({ nodes, testCases = [] }: WorkflowDefinition): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const ids = new Set(nodes.map((n) => n.id));
  const seen = new Set<string>();
  testCases.forEach((tc, i) => {
    const path = `/testCases/${i}`;
    if (seen.has(tc.id))
      problems.push({ code: 'testCase.duplicateId', message: `Two test cases have the id "${tc.id}"`, path: `${path}/id`, params: { id: tc.id } });
    seen.add(tc.id);
    tc.expect.route.forEach((id, j) => {
      if (!ids.has(id))
        problems.push({
          code: 'testCase.unknownNode',
          message: `Test case "${tc.name}" expects step "${id}", which the flow does not have`,
          path: `${path}/expect/route/${j}`,
          params: { name: tc.name, step: id },
        });
    });
    (tc.steps ?? []).forEach((step, j) => {
      const node = 'timeout' in step && step.timeout !== undefined ? step.timeout : (step as { complete?: string }).complete;
      const complete = 'complete' in step && step.complete !== undefined;
      if (!node || complete === ('timeout' in step && step.timeout !== undefined) || (complete && !(step as { outcome?: string }).outcome))
        problems.push({
          code: 'testCase.step',
          message: `Test case "${tc.name}", step ${j + 1}: give either complete and outcome, or timeout`,
          path: `${path}/steps/${j}`,
          params: { name: tc.name, n: j + 1 },
        });
      else if (!ids.has(node))
        problems.push({
          code: 'testCase.unknownNode',
          message: `Test case "${tc.name}", step ${j + 1} names step "${node}", which the flow does not have`,
          path: `${path}/steps/${j}`,
          params: { name: tc.name, n: j + 1, step: node },
        });
    });
  });
  return problems;
}

function checkIds({ nodes, edges }: WorkflowDefinition): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const seen = new Set<string>();
  for (const node of nodes) {
    if (seen.has(node.id))
      problems.push({ code: 'node.duplicateId', message: `Two nodes have the id "${node.id}"; ids must be unique`, nodeId: node.id, params: { id: node.id } });
    seen.add(node.id);
  }
  const seenEdges = new Set<string>();
  for (const edge of edges) {
    if (seenEdges.has(edge.id))
      problems.push({ code: 'edge.duplicateId', message: `Two edges have the id "${edge.id}"; ids must be unique`, edgeId: edge.id, params: { id: edge.id } });
    seenEdges.add(edge.id);
  }
  return problems;
}

function checkNodes({ nodes }: WorkflowDefinition): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const starts = nodes.filter((n) => n.kind === 'start');
  if (starts.length !== 1) {
    problems.push({
      code: 'start.count',
      message: starts.length === 0 ? 'The flow has no start node; add one' : `The flow has ${starts.length} start nodes; keep exactly one`,
      nodeId: starts[1]?.id,
      params: { count: starts.length },
    });
  }
  for (const node of nodes) {
    const kind = getNodeKind(node.kind);
    if (!kind) {
      problems.push({
        code: 'node.unknownKind',
        message: `Node "${node.id}" has unknown kind "${node.kind}"`,
        nodeId: node.id,
        path: '/kind',
        params: { id: node.id, kind: node.kind },
      });
      continue;
    }
    const config = node.config ?? {};
    const check = configValidator(node.kind)!;
    if (!check(config)) {
      for (const e of check.errors ?? []) {
        const { path, message } = describeAjvError(e, '/config');
        const params = ajvErrorParams(e, '/config');
        problems.push({
          code: 'node.config',
          message: `${kind.label} "${node.label ?? node.id}": ${message}`,
          nodeId: node.id,
          path,
          params: { ...params, name: node.label ?? node.id },
        });
      }
      continue;
    }
    problems.push(...(kind.check?.(node, config) ?? []));
  }
  return problems;
}

function checkEdges({ nodes, edges }: WorkflowDefinition): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const used = new Map<string, FlowEdge>();
  for (const edge of edges) {
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    if (!source)
      problems.push({
        code: 'edge.missingSource',
        message: `Edge "${edge.id}" starts at missing node "${edge.source}"`,
        edgeId: edge.id,
        params: { id: edge.id, step: edge.source },
      });
    if (!target)
      problems.push({
        code: 'edge.missingTarget',
        message: `Edge "${edge.id}" points to missing node "${edge.target}"`,
        edgeId: edge.id,
        params: { id: edge.id, step: edge.target },
      });
    if (!source || !target) continue;
    const targetKind = getNodeKind(target.kind);
    if (targetKind?.inputs === 'none') {
      problems.push({
        code: 'edge.intoStart',
        message: `Edge "${edge.id}" leads into "${target.id}", which takes no incoming edges`,
        edgeId: edge.id,
        params: { id: edge.id, step: target.label ?? target.id },
      });
    }
    const sourceKind = getNodeKind(source.kind);
    if (!sourceKind) continue;
    const ports = sourceKind.outputs(source.config ?? {});
    const port = edge.sourcePort ?? (ports.length === 1 ? ports[0].id : undefined);
    if (!port || !ports.some((p) => p.id === port)) {
      const names = ports.map((p) => p.id).join(', ') || 'none';
      problems.push({
        code: 'edge.unknownPort',
        message: `Edge "${edge.id}" leaves "${source.id}" from port "${edge.sourcePort ?? ''}"; its ports are: ${names}`,
        edgeId: edge.id,
        nodeId: source.id,
        params: { id: edge.id, step: source.label ?? source.id, port: edge.sourcePort ?? '', ports: names },
      });
      continue;
    }
    const key = `${source.id}\u0000${port}`;
    if (used.has(key)) {
      problems.push({
        code: 'edge.portTaken',
        message: `Port "${port}" of "${source.id}" already has edge "${used.get(key)!.id}"; a port leads to one place`,
        edgeId: edge.id,
        nodeId: source.id,
        params: { step: source.label ?? source.id, port, other: used.get(key)!.id },
      });
    }
    used.set(key, edge);
  }
  for (const node of nodes) {
    const kind = getNodeKind(node.kind);
    if (!kind) continue;
    for (const port of kind.outputs(node.config ?? {})) {
      if (!port.required || used.has(`${node.id}\u0000${port.id}`)) continue;
      const code = node.kind === 'decision' && port.id === 'default' ? 'decision.noDefault' : 'port.unconnected';
      const message =
        code === 'decision.noDefault'
          ? `Decision "${node.label ?? node.id}" has no default ("otherwise") edge; connect one so every case has a way on`
          : `"${node.label ?? node.id}" has no edge for "${port.label}"; connect it`;
      problems.push({ code, message, nodeId: node.id, params: { name: node.label ?? node.id, port: port.id, portLabel: port.label } });
    }
  }
  return problems;
}

function checkGraph(definition: WorkflowDefinition): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const out = outgoing(definition);
  const startNode = definition.nodes.find((n) => n.kind === 'start')!;
  const reached = new Set<string>([startNode.id]);
  const queue = [startNode.id];
  while (queue.length) {
    for (const edge of out.get(queue.shift()!) ?? []) {
      if (!reached.has(edge.target)) {
        reached.add(edge.target);
        queue.push(edge.target);
      }
    }
  }
  // Every non-end kind has a required port, so a node without edges is already caught as
  // `port.unconnected`; what is left to find is a loop with no way out to an End node.
  const into = new Map<string, string[]>();
  for (const edge of definition.edges) {
    const list = into.get(edge.target) ?? [];
    list.push(edge.source);
    into.set(edge.target, list);
  }
  const finishes = new Set(definition.nodes.filter((n) => n.kind === 'end').map((n) => n.id));
  const back = [...finishes];
  while (back.length) {
    for (const source of into.get(back.pop()!) ?? []) {
      if (!finishes.has(source)) {
        finishes.add(source);
        back.push(source);
      }
    }
  }
  for (const node of definition.nodes) {
    if (!reached.has(node.id)) {
      problems.push({
        code: 'node.unreachable',
        message: `"${node.label ?? node.id}" cannot be reached from the start`,
        nodeId: node.id,
        params: { name: node.label ?? node.id },
      });
    } else if (!finishes.has(node.id)) {
      problems.push({
        code: 'node.deadEnd',
        message: `"${node.label ?? node.id}" never leads to an End node; give it a way out of its loop or end the flow with an End node`,
        nodeId: node.id,
        params: { name: node.label ?? node.id },
      });
    }
  }
  problems.push(...findParallelRegions(definition, out).problems);
  for (const node of definition.nodes.filter((n) => n.kind === 'aiSuggestion')) {
    const next = definition.nodes.find((n) => n.id === out.get(node.id)?.[0]?.target);
    if (next?.kind !== 'humanTask') {
      problems.push({
        code: 'ai.notBeforeTask',
        message: `AI suggestion "${node.label ?? node.id}" must lead straight to the Review / approval step it suggests for; connect its edge to that step`,
        nodeId: node.id,
        params: { name: node.label ?? node.id },
      });
    }
  }
  return problems;
}

/** Outgoing edges per node id. */
export function outgoing(definition: WorkflowDefinition): Map<string, FlowEdge[]> {
  const out = new Map<string, FlowEdge[]>();
  for (const edge of definition.edges) {
    const list = out.get(edge.source) ?? [];
    list.push(edge);
    out.set(edge.source, list);
  }
  return out;
}
