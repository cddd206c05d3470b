import type { FlowEdge, FlowNode, WorkflowDefinition } from '@exflow/shared';
import { edgeIds, nodeIds, uniqueId } from './definitionOps.js';

/** What Copy puts on the clipboard: some steps and the edges between them. */
export interface ClipboardPayload {
  format: 'exflow/steps@1';
  nodes: FlowNode[];
  edges: FlowEdge[];
}

/** Where copied steps live between Copy and Paste, possibly across flows and tabs. */
export interface ClipboardStorage {
  read(): ClipboardPayload | null;
  write(payload: ClipboardPayload): void;
}

const KEY = 'exflow.clipboard';

/**
 * A clipboard kept in localStorage, so steps copied in one flow paste into another (also in
 * another tab). Falls back to memory where localStorage is unavailable.
 */
export function createLocalClipboard(storage: Storage | undefined = globalThis.localStorage): ClipboardStorage {
  let memory: ClipboardPayload | null = null;
  return {
    read() {
      try {
        const text = storage?.getItem(KEY);
        if (text) {
          const parsed = JSON.parse(text) as ClipboardPayload;
          if (parsed?.format === 'exflow/steps@1' && Array.isArray(parsed.nodes) && Array.isArray(parsed.edges)) return parsed;
        }
      } catch {
        // unreadable or foreign content: fall through to the in-memory copy
      }
      return memory;
    },
    write(payload) {
      memory = payload;
      try {
        storage?.setItem(KEY, JSON.stringify(payload));
      } catch {
        // storage full or blocked: the in-memory copy still works within this tab
      }
    },
  };
}

/** The selected steps and the edges that run between them (edges leaving the selection stay behind). */
export function copyElements(definition: WorkflowDefinition, ids: readonly string[]): ClipboardPayload | null {
  const chosen = new Set(ids);
  const nodes = definition.nodes.filter((n) => chosen.has(n.id));
  if (nodes.length === 0) return null;
  const edges = definition.edges.filter((e) => chosen.has(e.source) && chosen.has(e.target));
  return structuredClone({ format: 'exflow/steps@1', nodes, edges });
}

/**
 * Adds copied steps to a definition under fresh ids (edges follow their renamed nodes), shifted
 * by `offset` so the copy does not hide the original.
 */
export function pasteElements(
  definition: WorkflowDefinition,
  payload: ClipboardPayload,
  offset = { x: 40, y: 40 },
): { definition: WorkflowDefinition; nodeIds: string[]; edgeIds: string[] } {
  const takenNodes = nodeIds(definition);
  const takenEdges = edgeIds(definition);
  const renamed = new Map<string, string>();
  const nodes = payload.nodes.map((node) => {
    const id = uniqueId(node.id, takenNodes);
    takenNodes.add(id);
    renamed.set(node.id, id);
    const position = node.position ?? { x: 0, y: 0 };
    return { ...structuredClone(node), id, position: { x: position.x + offset.x, y: position.y + offset.y } };
  });
  const edges = payload.edges
    .filter((e) => renamed.has(e.source) && renamed.has(e.target))
    .map((edge) => {
      const source = renamed.get(edge.source)!;
      const id = uniqueId(`e_${source}_${edge.sourcePort ?? 'out'}`, takenEdges);
      takenEdges.add(id);
      return { ...structuredClone(edge), id, source, target: renamed.get(edge.target)! };
    });
  return {
    definition: { ...definition, nodes: [...definition.nodes, ...nodes], edges: [...definition.edges, ...edges] },
    nodeIds: nodes.map((n) => n.id),
    edgeIds: edges.map((e) => e.id),
  };
}
