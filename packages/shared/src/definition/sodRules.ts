import type { HumanTaskConfig } from '../nodes/humanTask.js';
import type { FlowEdge, FlowNode, ValidationProblem, WorkflowDefinition } from './types.js';

/**
 * How design-time segregation of duties treats a flow (the tenant policy `sodDesignCheck` and
 * its four-eyes threshold). `refuse` makes SoD problems errors (publishing is refused);
 * `warn` keeps them as warnings.
 */
export interface SodPolicy {
  mode: 'refuse' | 'warn';
  /**
   * The tenant's four-eyes threshold: a number, `null` when the tenant sets none, `undefined`
   * when not known (the designer without the tenant's policies): `sod.no-four-eyes` then only
   * looks at the flow itself.
   */
  fourEyesThreshold?: number | null;
  /** Roles that submit invoices. Default: every role that may take in invoices and work tasks. */
  submitterRoles?: readonly string[];
}

/** Roles that work tasks when a step names no candidate roles (runtime `WORKERS`). */
export const WORKER_ROLES = ['platform_admin', 'tenant_admin', 'process_owner', 'analyst', 'approver'] as const;
/** Roles that submit invoices and also work tasks (runtime `INTAKE` ∩ `WORKERS`). */
export const SUBMITTER_ROLES = ['platform_admin', 'tenant_admin', 'process_owner', 'analyst'] as const;
/** Outcome ids that release money: a step offering one must be an approval. Compared case-insensitively. */
export const APPROVING_OUTCOMES = ['approve', 'approved', 'release', 'released'] as const;
/** Outcome ids (case-insensitive prefixes) that make a step a maker: it corrects or (re)submits the invoice. */
export const MAKER_OUTCOME_PREFIXES = ['correct', 'resubmit', 'submit', 'amend', 'edit'] as const;

/**
 * Segregation of duties proved on the drawing, before a case runs (docs/definitions.md, "SoD
 * problems"). Three rules, each problem naming its step and the path that breaks the rule:
 *
 * - `sod.make-and-check`: a role that can complete a maker step (`maker: true`, an outcome that
 *   corrects or resubmits, or a form with an `invoice` field) can also complete an approval step
 *   reachable from it; the path runs from the maker to the approval.
 * - `sod.approval-unmarked`: a step offers an approving outcome (approve, release) but has no
 *   `approval` config, so no limits, self-approval or four-eyes rules apply to it.
 * - `sod.no-four-eyes`: an approval step whose approving outcome escapes the approval rules
 *   (an approve/release outcome missing from `approveOutcomes`, or `approveOutcomes` naming no
 *   outcome of the step), or that a submitter's role can complete while the tenant sets no
 *   four-eyes threshold; the path runs from the start to the step.
 *
 * Pure; runs on a definition whose graph is already valid.
 * @example
 * checkSegregation(definition, { mode: 'refuse', fourEyesThreshold: 10000 })
 * // [{ code: 'sod.make-and-check', severity: 'error', nodeId: 'approve', pathNodeIds: ['fix', 'approve'], ... }]
 */
export function checkSegregation(definition: WorkflowDefinition, policy: SodPolicy): ValidationProblem[] {
  const severity = policy.mode === 'refuse' ? 'error' : 'warning';
  const tasks = definition.nodes.filter((n) => n.kind === 'humanTask');
  const names = new Map(definition.nodes.map((n) => [n.id, n.label ?? (n.config as { title?: string } | undefined)?.title ?? n.id]));
  const describe = (ids: string[]) => ids.map((id) => `"${names.get(id)}"`).join(' → ');
  const problems: ValidationProblem[] = [];
  const start = definition.nodes.find((n) => n.kind === 'start');

  for (const maker of tasks.filter(isMaker)) {
    for (const approval of tasks.filter(isApproval)) {
      const shared = rolesOf(maker).filter((r) => rolesOf(approval).includes(r));
      if (!shared.length) continue;
      const path = shortestPath(definition.edges, maker.id, approval.id);
      if (!path) continue;
      problems.push({
        code: 'sod.make-and-check',
        severity,
        message: `Role ${shared.join(', ')} can both make "${names.get(maker.id)}" and check "${names.get(approval.id)}" on the path ${describe(path.nodeIds)}; give the approval candidate roles that the maker step does not have`,
        nodeId: approval.id,
        pathNodeIds: path.nodeIds,
        pathEdgeIds: path.edgeIds,
        params: { roles: shared.join(', '), maker: names.get(maker.id)!, approval: names.get(approval.id)!, path: describe(path.nodeIds) },
      });
    }
  }

  for (const node of tasks) {
    const config = node.config as unknown as HumanTaskConfig;
    const approving = config.outcomes.map((o) => o.id).filter(isApprovingOutcome);
    const toStep = () => (start ? shortestPath(definition.edges, start.id, node.id) : undefined);
    if (!config.approval) {
      if (!approving.length) continue;
      const path = toStep();
      problems.push({
        code: 'sod.approval-unmarked',
        severity,
        message: `"${names.get(node.id)}" offers ${approving.join(', ')} but is not marked as an approval, so no limits, self-approval or four-eyes rules apply; turn on Approval for it${path ? ` (reached by ${describe(path.nodeIds)})` : ''}`,
        nodeId: node.id,
        path: '/config/approval',
        ...(path ? { pathNodeIds: path.nodeIds, pathEdgeIds: path.edgeIds } : {}),
        params: { name: names.get(node.id)!, outcomes: approving.join(', '), path: path ? describe(path.nodeIds) : '' },
      });
      continue;
    }
    const outcomeIds = config.outcomes.map((o) => o.id);
    const declared = config.approval.approveOutcomes ?? ['approve'];
    const escaping = approving.filter((o) => !declared.includes(o));
    const unknown = declared.filter((o) => !outcomeIds.includes(o));
    const submitters = rolesOf(node).filter((r) => (policy.submitterRoles ?? SUBMITTER_ROLES).includes(r));
    const reasons = [
      ...(escaping.length ? [`its outcome ${escaping.join(', ')} is not among the outcomes that approve, so limits and four-eyes never apply to it`] : []),
      ...(unknown.length === declared.length
        ? [`its outcomes that approve (${declared.join(', ') || 'none'}) name no outcome of the step, so limits and four-eyes never apply`]
        : []),
      ...(submitters.length && policy.fourEyesThreshold === null
        ? [
            `${submitters.join(', ')}, a role that submits invoices, can complete it and the tenant sets no four-eyes threshold, so one colleague of the submitter approves any amount`,
          ]
        : []),
    ];
    if (!reasons.length) continue;
    const path = toStep();
    problems.push({
      code: 'sod.no-four-eyes',
      severity,
      message: `Approval "${names.get(node.id)}"${path ? ` (reached by ${describe(path.nodeIds)})` : ''}: ${reasons.join('; ')}; list every approving outcome under "Outcomes that approve"${submitters.length && policy.fourEyesThreshold === null ? ', and set a four-eyes threshold or leave the submitting roles out of its candidate roles' : ''}`,
      nodeId: node.id,
      path: '/config/approval',
      ...(path ? { pathNodeIds: path.nodeIds, pathEdgeIds: path.edgeIds } : {}),
      params: {
        name: names.get(node.id)!,
        path: path ? describe(path.nodeIds) : '',
        escaping: escaping.join(', '),
        declared: unknown.length === declared.length ? declared.join(', ') || 'none' : '',
        submitters: submitters.length && policy.fourEyesThreshold === null ? submitters.join(', ') : '',
      },
    });
  }
  return problems;
}

function isApprovingOutcome(id: string): boolean {
  return (APPROVING_OUTCOMES as readonly string[]).includes(id.toLowerCase());
}

function isApproval(node: FlowNode): boolean {
  return Boolean((node.config as unknown as HumanTaskConfig).approval);
}

/** A step that edits, corrects or (re)submits the invoice. */
export function isMaker(node: FlowNode): boolean {
  const config = node.config as unknown as HumanTaskConfig;
  if (config.maker) return true;
  if (config.outcomes.some((o) => MAKER_OUTCOME_PREFIXES.some((p) => o.id.toLowerCase().startsWith(p)))) return true;
  const properties = (config.form as { properties?: Record<string, unknown> } | undefined)?.properties;
  return Boolean(properties && 'invoice' in properties);
}

/** Who can complete a step: its candidate roles, or every worker role when it names none. */
function rolesOf(node: FlowNode): string[] {
  const roles = (node.config as unknown as HumanTaskConfig).candidateRoles ?? [];
  return roles.length ? roles : [...WORKER_ROLES];
}

/** The shortest path along edges from one node to another (at least one edge), or undefined. */
function shortestPath(edges: readonly FlowEdge[], from: string, to: string): { nodeIds: string[]; edgeIds: string[] } | undefined {
  const via = new Map<string, FlowEdge>();
  const queue = [from];
  const seen = new Set<string>();
  while (queue.length) {
    const at = queue.shift()!;
    for (const edge of edges.filter((e) => e.source === at)) {
      if (seen.has(edge.target)) continue;
      seen.add(edge.target);
      via.set(edge.target, edge);
      if (edge.target === to) {
        const edgeIds: string[] = [];
        const nodeIds = [to];
        let step = via.get(to);
        while (step) {
          edgeIds.unshift(step.id);
          nodeIds.unshift(step.source);
          step = step.source === from ? undefined : via.get(step.source);
        }
        return { nodeIds, edgeIds };
      }
      queue.push(edge.target);
    }
  }
  return undefined;
}
