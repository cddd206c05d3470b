import { findParallelRegions } from '../compile/regions.js';
import type { FlowNode, WorkflowDefinition } from '../definition/types.js';
import { outgoing } from '../definition/validate.js';
import type { HumanTaskConfig } from '../nodes/humanTask.js';
import { activeNodeIds } from '../machine/activeNodes.js';
import { slaDueAt, type BusinessCalendar } from '../time/businessCalendar.js';
import { durationToMs } from '../time/duration.js';

/** How the steps of version A map onto version B: `{ [nodeIdInA]: nodeIdInB }`. */
export type NodeMapping = Record<string, string>;

/** A mapping override that names a step the versions do not have. */
export interface MappingProblem {
  /** JSON pointer into the request's `mapping`, e.g. `/mapping/review`. */
  path: string;
  message: string;
}

/** The mapping from A to B: automatic by id, then the explicit overrides. */
export interface MigrationMapping {
  mapping: NodeMapping;
  /** Steps of A where a case can wait that have no counterpart in B (a case waiting there cannot move). */
  unmapped: string[];
  problems: MappingProblem[];
}

/** Kinds a case passes through within one transition: it never waits there. */
const TRANSIENT_KINDS = new Set(['start', 'decision', 'decisionTable', 'end', 'parallel']);

/**
 * Maps the steps of version `from` onto version `to`: each step of A whose id B also has maps
 * to it; `overrides` (`{ fromId: toId }`) replace or add pairs. Steps of A where a case can wait
 * and that map to nothing are listed as `unmapped`; overrides naming unknown steps are problems.
 * @example
 * mapNodes(v1, v2, { review: 'approve' }).mapping // { start: 'start', review: 'approve', ... }
 */
export function mapNodes(from: WorkflowDefinition, to: WorkflowDefinition, overrides: NodeMapping = {}): MigrationMapping {
  const inB = new Set(to.nodes.map((n) => n.id));
  const mapping: NodeMapping = {};
  const problems: MappingProblem[] = [];
  for (const node of from.nodes) if (inB.has(node.id)) mapping[node.id] = node.id;
  for (const [source, target] of Object.entries(overrides)) {
    const path = `/mapping/${source.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (!from.nodes.some((n) => n.id === source)) problems.push({ path, message: `"${source}" is not a step of the version migrated from` });
    else if (!inB.has(target)) problems.push({ path, message: `"${target}" is not a step of the target version` });
    else mapping[source] = target;
  }
  const unmapped = from.nodes.filter((n) => !TRANSIENT_KINDS.has(n.kind) && mapping[n.id] === undefined).map((n) => n.id);
  return { mapping, unmapped, problems };
}

/** A case as it is persisted, with what it waits on: the input of {@link planCaseMigration}. */
export interface MigratingCase {
  status: string;
  /** The XState snapshot value (`"review"`, or `{ checks: { b1: "match", b2: "tax" } }`). */
  value: unknown;
  openTasks: { id: string; nodeId: string; queue: string; candidateRoles: string[]; assignee: string | null; createdAt: string; dueAt: string | null }[];
  pendingTimers: { id: string; nodeId: string; timerId: string; dueAt: string; createdAt: string }[];
  /** Service calls not finished yet (pending or running outbox rows). */
  pendingEffects: { nodeId: string }[];
}

/** An open task as it will be after the move: updated in place (same task id). */
export interface MigratedTask {
  taskId: string;
  fromNodeId: string;
  nodeId: string;
  title: string;
  queue: string;
  candidateRoles: string[];
  instructions: string | null;
  form: Record<string, unknown> | null;
  outcomes: { id: string; label?: string }[];
  priority: number;
  /** Kept when the queue and candidate roles stay the same; otherwise the task goes back to its (new) queue. */
  assignee: string | null;
  /** The task's creation time plus B's due-in (the runtime's rule when it opens a task), or `null` without one. */
  dueAt: string | null;
  before: { queue: string; candidateRoles: string[]; assignee: string | null; dueAt: string | null };
}

/** A durable timer after the move: an existing one re-planned (`id`), or a new one (`id: null`). */
export interface MigratedTimer {
  id: string | null;
  nodeId: string;
  timerId: string;
  dueAt: string;
}

/** Why a case cannot move; the case stays where it is. */
export interface MigrationBlock {
  code:
    | 'case.not-open'
    | 'node.unmapped'
    | 'node.kind-changed'
    | 'parallel.shape-changed'
    | 'task.step-gone'
    | 'effect.in-flight'
    | 'subscription.cannot-move'
    | 'subflow.child-running';
  nodeId?: string;
  /** English, for logs and the API; the designer words it from `code`, `nodeId` and `params`. */
  message: string;
  /**
   * The values the message names, language-free: `status` (case.not-open); `target`, `kind`,
   * `targetKind` (node kinds) for a step mapped elsewhere; `shape` for parallel.shape-changed:
   * `branches` (the parallel's branches differ), `placement` (the parallel sits in another
   * branch) or `step` (the step is mapped into another branch).
   */
  params?: Record<string, string>;
}

export type CaseMigrationPlan =
  | {
      ok: true;
      /** The snapshot value in B. */
      value: unknown;
      activeNodes: string[];
      tasks: MigratedTask[];
      timers: MigratedTimer[];
      /** Pending timers of A that B's steps do not have: cancelled. */
      cancelTimerIds: string[];
    }
  | { ok: false; blocks: MigrationBlock[] };

interface Shape {
  nodes: Map<string, FlowNode>;
  /** Each node's enclosing parallel branches, outermost first, as `parallelId/port`. */
  path: Map<string, string[]>;
  ports: Map<string, string[]>;
  timeoutEdge: Set<string>;
}

function shapeOf(definition: WorkflowDefinition): Shape {
  const out = outgoing(definition);
  const { regions } = findParallelRegions(definition, out);
  const containing = new Map<string, { parallelId: string; port: string }[]>();
  for (const region of regions.values())
    for (const branch of region.branches)
      for (const id of branch.nodes) containing.set(id, [...(containing.get(id) ?? []), { parallelId: region.parallelId, port: branch.port }]);
  const depth = (parallelId: string) => containing.get(parallelId)?.length ?? 0;
  const path = new Map<string, string[]>();
  for (const node of definition.nodes)
    path.set(
      node.id,
      (containing.get(node.id) ?? []).sort((a, b) => depth(a.parallelId) - depth(b.parallelId)).map((s) => `${s.parallelId}/${s.port}`),
    );
  const ports = new Map([...regions.values()].map((r) => [r.parallelId, r.branches.map((b) => b.port).sort()]));
  const timeoutEdge = new Set(definition.edges.filter((e) => e.sourcePort === 'timeout').map((e) => e.source));
  return { nodes: new Map(definition.nodes.map((n) => [n.id, n])), path, ports, timeoutEdge };
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const JOINED = /^(.+)__(.+)__joined$/;

/**
 * Where one case goes when it moves from version `from` to version `to` under `mapping`, or why
 * it cannot: every active step must map to a step of the same kind at the same place in the
 * parallel structure; an open task follows its step (queue, candidates and due time from B,
 * due counted from the task's creation as the runtime does, in business days of `calendar` when
 * the step says so); timers are re-planned from when
 * they were set; a service call or message wait in flight only carries over to the same,
 * unchanged step. Pure: the runtime applies what this returns, the dry run shows it.
 * @example
 * const plan = planCaseMigration(v1, v2, mapNodes(v1, v2).mapping, { status: 'open', value: 'review', ... });
 * if (plan.ok) plan.tasks[0].queue // B's queue for the task
 */
export function planCaseMigration(
  from: WorkflowDefinition,
  to: WorkflowDefinition,
  mapping: NodeMapping,
  state: MigratingCase,
  calendar: BusinessCalendar = {},
): CaseMigrationPlan {
  if (state.status !== 'open') {
    return {
      ok: false,
      blocks: [
        {
          code: 'case.not-open',
          message: `The case is ${state.status}; only open cases move (retry or resolve its incident first)`,
          params: { status: state.status },
        },
      ],
    };
  }
  const a = shapeOf(from);
  const b = shapeOf(to);
  const blocks: MigrationBlock[] = [];
  const mappedPath = (segments: string[]) =>
    segments.map((s) => {
      const [parallelId, port] = [s.slice(0, s.indexOf('/')), s.slice(s.indexOf('/') + 1)];
      return `${mapping[parallelId] ?? `?${parallelId}`}/${port}`;
    });

  const remapParallel = (parallelId: string, branches: Record<string, unknown>): Record<string, unknown> | undefined => {
    const target = mapping[parallelId];
    if (!target || b.nodes.get(target)?.kind !== 'parallel' || !sameJson(a.ports.get(parallelId), b.ports.get(target))) {
      blocks.push({
        code: 'parallel.shape-changed',
        nodeId: parallelId,
        message: `The case is inside parallel "${parallelId}", whose branches differ in the target version (or it is not mapped to a parallel with the same branches)`,
        params: { shape: 'branches' },
      });
      return undefined;
    }
    if (!sameJson(mappedPath(a.path.get(parallelId) ?? []), b.path.get(target) ?? [])) {
      blocks.push({
        code: 'parallel.shape-changed',
        nodeId: parallelId,
        message: `Parallel "${parallelId}" sits in a different branch in the target version`,
        params: { shape: 'placement', target },
      });
      return undefined;
    }
    const next: Record<string, unknown> = {};
    for (const [port, inner] of Object.entries(branches)) next[port] = remap(inner);
    return { [target]: next };
  };

  const remap = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const joined = JOINED.exec(value);
      if (joined) return `${mapping[joined[1]] ?? joined[1]}__${joined[2]}__joined`;
      const target = mapping[value];
      if (!target) {
        blocks.push({ code: 'node.unmapped', nodeId: value, message: `The case waits at "${value}", which has no step mapped to it in the target version` });
        return value;
      }
      const kindA = a.nodes.get(value)?.kind;
      const kindB = b.nodes.get(target)?.kind;
      if (kindA !== kindB) {
        blocks.push(
          kindA === 'humanTask'
            ? {
                code: 'task.step-gone',
                nodeId: value,
                message: `The open task of "${value}" has no task step to go to: "${target}" is a ${kindB} step`,
                params: { target, targetKind: String(kindB) },
              }
            : {
                code: 'node.kind-changed',
                nodeId: value,
                message: `"${value}" (${kindA}) is mapped to "${target}", a ${kindB} step`,
                params: { kind: String(kindA), target, targetKind: String(kindB) },
              },
        );
      } else if (!sameJson(mappedPath(a.path.get(value) ?? []), b.path.get(target) ?? [])) {
        blocks.push({
          code: 'parallel.shape-changed',
          nodeId: value,
          message: `"${value}" is mapped to "${target}", which sits in a different parallel branch`,
          params: { shape: 'step', target },
        });
      }
      return target;
    }
    if (value && typeof value === 'object') {
      const entries = Object.entries(value as Record<string, Record<string, unknown>>);
      return Object.assign({}, ...entries.map(([parallelId, branches]) => remapParallel(parallelId, branches) ?? {}));
    }
    return value;
  };

  const value = remap(state.value);
  const active = activeNodeIds(state.value);
  for (const effect of state.pendingEffects) {
    const target = mapping[effect.nodeId];
    if (target !== effect.nodeId || !sameJson(a.nodes.get(effect.nodeId)?.config, b.nodes.get(target)?.config)) {
      blocks.push({
        code: 'effect.in-flight',
        nodeId: effect.nodeId,
        message: `A call of "${effect.nodeId}" is in flight and its step is renamed or changed in the target version; migrate once it has answered`,
      });
    }
  }
  for (const nodeId of active) {
    // the child case answers the step that opened it (its completion is correlated to that step):
    // the parent follows its running child only to the same, unchanged step
    if (a.nodes.get(nodeId)?.kind !== 'subFlow') continue;
    const target = mapping[nodeId];
    if (target !== nodeId || !sameJson(a.nodes.get(nodeId)?.config, b.nodes.get(target)?.config)) {
      blocks.push({
        code: 'subflow.child-running',
        nodeId,
        message: `The case waits at sub-flow "${nodeId}" for its child case, and the step is renamed or changed in the target version; migrate once the child has finished`,
      });
    }
  }
  for (const nodeId of active) {
    if (a.nodes.get(nodeId)?.kind !== 'waitForMessage') continue;
    const target = mapping[nodeId];
    if (target !== nodeId || !sameJson(a.nodes.get(nodeId)?.config, b.nodes.get(target)?.config)) {
      blocks.push({
        code: 'subscription.cannot-move',
        nodeId,
        message: `The case waits for a message at "${nodeId}", which is renamed or changed in the target version; its subscription cannot carry over`,
      });
    }
  }
  if (blocks.length) return { ok: false, blocks: dedupe(blocks) };

  const tasks: MigratedTask[] = [];
  const timers: MigratedTimer[] = [];
  const cancelTimerIds: string[] = [];
  const timersAt = (nodeId: string) => state.pendingTimers.filter((t) => t.nodeId === nodeId);
  for (const nodeId of active) {
    const target = mapping[nodeId]!;
    const node = b.nodes.get(target)!;
    if (node.kind === 'humanTask') {
      const config = node.config as unknown as HumanTaskConfig;
      for (const task of state.openTasks.filter((t) => t.nodeId === nodeId)) {
        const candidateRoles = config.candidateRoles ?? [];
        const due = config.dueIn ? slaDueAt(Date.parse(task.createdAt), config.dueIn, { businessDays: config.dueInBusinessDays, calendar }) : undefined;
        const dueAt = due === undefined ? null : new Date(due).toISOString();
        const keepsHolder = config.queue === task.queue && sameJson([...candidateRoles].sort(), [...task.candidateRoles].sort());
        tasks.push({
          taskId: task.id,
          fromNodeId: nodeId,
          nodeId: target,
          title: config.title,
          queue: config.queue,
          candidateRoles,
          instructions: config.instructions ?? null,
          form: config.form ?? null,
          outcomes: config.outcomes,
          priority: config.priority ?? 3,
          assignee: keepsHolder ? task.assignee : null,
          dueAt,
          before: { queue: task.queue, candidateRoles: task.candidateRoles, assignee: task.assignee, dueAt: task.dueAt },
        });
        const existing = timersAt(nodeId);
        if (dueAt && b.timeoutEdge.has(target)) {
          timers.push({ id: existing[0]?.id ?? null, nodeId: target, timerId: `${target}:sla`, dueAt });
          cancelTimerIds.push(...existing.slice(1).map((t) => t.id));
        } else cancelTimerIds.push(...existing.map((t) => t.id));
      }
    } else if (node.kind === 'timer') {
      const ms = durationToMs(String((node.config as { duration?: string } | undefined)?.duration ?? '')) ?? 0;
      for (const timer of timersAt(nodeId))
        timers.push({ id: timer.id, nodeId: target, timerId: target, dueAt: new Date(Date.parse(timer.createdAt) + ms).toISOString() });
    }
    // a service step is unchanged (checked above): its call and timers stay as they are
  }
  return { ok: true, value, activeNodes: activeNodeIds(value), tasks, timers, cancelTimerIds };
}

function dedupe(blocks: MigrationBlock[]): MigrationBlock[] {
  const seen = new Set<string>();
  return blocks.filter((b) => {
    const key = `${b.code}:${b.nodeId ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
