import type { FlowEdge, ValidationProblem, WorkflowDefinition } from '../definition/types.js';

/** One branch of a parallel node: the nodes it runs before reaching the join. */
export interface ParallelBranch {
  port: string;
  /** First node of the branch, or the join itself when the branch is empty. */
  first: string;
  nodes: string[];
}

export interface ParallelRegion {
  parallelId: string;
  joinId: string;
  branches: ParallelBranch[];
}

/**
 * Pairs every parallel node with its join and lists each branch's nodes. Nested parallels are
 * counted by depth, so a branch may hold a whole inner parallel/join pair.
 */
export function findParallelRegions(
  definition: WorkflowDefinition,
  out: Map<string, FlowEdge[]>,
): {
  regions: Map<string, ParallelRegion>;
  problems: ValidationProblem[];
} {
  const kindOf = new Map(definition.nodes.map((n) => [n.id, n.kind]));
  const regions = new Map<string, ParallelRegion>();
  const problems: ValidationProblem[] = [];
  for (const node of definition.nodes) {
    if (node.kind !== 'parallel') continue;
    const joins = new Set<string>();
    const branches: ParallelBranch[] = [];
    let endInBranch: string | undefined;
    for (const edge of out.get(node.id) ?? []) {
      const nodes: string[] = [];
      const seen = new Set<string>();
      const walk = (id: string, depth: number) => {
        const kind = kindOf.get(id);
        if (kind === 'join' && depth === 0) {
          joins.add(id);
          return;
        }
        if (seen.has(id)) return;
        seen.add(id);
        nodes.push(id);
        if (kind === 'end') endInBranch ??= id;
        const next = kind === 'parallel' ? depth + 1 : kind === 'join' ? depth - 1 : depth;
        for (const e of out.get(id) ?? []) walk(e.target, next);
      };
      walk(edge.target, 0);
      branches.push({ port: edge.sourcePort ?? edge.id, first: edge.target, nodes });
    }
    if (endInBranch) {
      problems.push({
        code: 'parallel.endInBranch',
        message: `End node "${endInBranch}" sits inside a branch of parallel "${node.id}"; branches must meet at a Join first`,
        nodeId: endInBranch,
        params: { end: endInBranch, parallel: node.id },
      });
    } else if (joins.size !== 1) {
      problems.push({
        code: 'parallel.join',
        message:
          joins.size === 0
            ? `The branches of parallel "${node.id}" never meet at a Join; add one`
            : `The branches of parallel "${node.id}" meet at different joins (${[...joins].join(', ')}); use one`,
        nodeId: node.id,
        params: { parallel: node.id, count: joins.size, joins: [...joins].join(', ') },
      });
    } else {
      const owner = new Map<string, string>();
      for (const branch of branches) {
        for (const id of branch.nodes) {
          if (owner.has(id) && owner.get(id) !== branch.port) {
            problems.push({
              code: 'parallel.sharedNode',
              message: `"${id}" is on two branches of parallel "${node.id}"; each step belongs to one branch`,
              nodeId: id,
              params: { step: id, parallel: node.id },
            });
          }
          owner.set(id, branch.port);
        }
      }
      regions.set(node.id, { parallelId: node.id, joinId: [...joins][0], branches });
    }
  }
  return { regions, problems };
}
