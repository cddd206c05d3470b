import { getNodeKind, type Position, type ValidationProblem, type WorkflowDefinition } from '@exflow/shared';
import type { StateCreator } from 'zustand';
import { copyElements, pasteElements, type ClipboardStorage } from './clipboard.js';
import * as ops from './definitionOps.js';
import type { DesignerState } from './designerStore.js';
import { problemsOf } from './historySlice.js';

export interface FlowSlice {
  /** The source of truth: the canvas, the inspector and the simulator all read it. */
  definition: WorkflowDefinition;
  /** Shared `validate()` problems of `definition`, kept current on every change. */
  problems: ValidationProblem[];
  /** Increases on every change of `definition` (autosave watches it). */
  revision: number;
  addNode(kind: string, position: Position): string;
  /** Adds a `kind` step after `fromId`, placed to its right and connected from `port`. */
  appendNode(fromId: string, port: string, kind: string): string | undefined;
  moveNodes(positions: Record<string, Position>, options?: { transient?: boolean }): void;
  /** Connects an output port to a node; returns the new edge id, or undefined when the port rules refuse. */
  connect(connection: ops.PortConnection): string | undefined;
  deleteElements(ids: { nodeIds?: string[]; edgeIds?: string[] }): void;
  deleteSelection(): void;
  updateNodeLabel(nodeId: string, label: string): void;
  updateNodeConfig(nodeId: string, config: Record<string, unknown>): void;
  updateEdgeLabel(edgeId: string, label: string): void;
  updateFlowMeta(patch: { name?: string; description?: string }): void;
  applyLayout(positions: Record<string, Position>): void;
  copySelection(): number;
  cutSelection(): number;
  paste(): string[];
  duplicateSelection(): string[];
}

export const createFlowSlice =
  (initial: WorkflowDefinition, clipboard: ClipboardStorage): StateCreator<DesignerState, [], [], FlowSlice> =>
  (set, get) => {
    let pasteCount = 0;
    const selectOnly = (nodeIds: string[], edgeIds: string[] = []) => get().select({ nodeIds, edgeIds });
    return {
      definition: initial,
      problems: problemsOf(initial),
      revision: 0,
      addNode(kind, position) {
        const node = ops.createNode(get().definition, kind, position);
        get().commit(ops.addNode(get().definition, node));
        selectOnly([node.id]);
        return node.id;
      },
      appendNode(fromId, port, kind) {
        const { definition } = get();
        const from = definition.nodes.find((n) => n.id === fromId);
        const fromKind = from && getNodeKind(from.kind);
        if (!from || !fromKind) return undefined;
        const ports = fromKind.outputs(from.config ?? {});
        const index = Math.max(
          0,
          ports.findIndex((p) => p.id === port),
        );
        const origin = from.position ?? { x: 0, y: 0 };
        const node = ops.createNode(definition, kind, { x: origin.x + 300, y: origin.y + (index - (ports.length - 1) / 2) * 140 });
        const withNode = ops.addNode(definition, node);
        if (ops.connectionProblem(withNode, { source: fromId, sourcePort: port, target: node.id })) return undefined;
        get().commit(ops.connect(withNode, { source: fromId, sourcePort: port, target: node.id }).definition);
        selectOnly([node.id]);
        return node.id;
      },
      moveNodes(positions, options = {}) {
        const next = ops.moveNodes(get().definition, positions);
        get().commit(next, { layoutOnly: true, record: !options.transient });
      },
      connect(connection) {
        const { definition } = get();
        if (ops.connectionProblem(definition, connection)) return undefined;
        const { definition: next, edgeId } = ops.connect(definition, connection);
        get().commit(next);
        return edgeId;
      },
      deleteElements(ids) {
        get().commit(ops.removeElements(get().definition, ids));
        const { selectedNodeIds, selectedEdgeIds } = get();
        const nodesGone = new Set(ids.nodeIds);
        const edgesGone = new Set(ids.edgeIds);
        selectOnly(
          selectedNodeIds.filter((id) => !nodesGone.has(id)),
          selectedEdgeIds.filter((id) => !edgesGone.has(id)),
        );
      },
      deleteSelection() {
        const { selectedNodeIds, selectedEdgeIds } = get();
        get().deleteElements({ nodeIds: selectedNodeIds, edgeIds: selectedEdgeIds });
      },
      updateNodeLabel(nodeId, label) {
        get().commit(ops.updateNode(get().definition, nodeId, { label }), { coalesceKey: `label:${nodeId}` });
      },
      updateNodeConfig(nodeId, config) {
        get().commit(ops.updateNode(get().definition, nodeId, { config }), { coalesceKey: `config:${nodeId}` });
      },
      updateEdgeLabel(edgeId, label) {
        get().commit(ops.updateEdge(get().definition, edgeId, { label: label || undefined }), { coalesceKey: `edge:${edgeId}` });
      },
      updateFlowMeta(patch) {
        const { definition } = get();
        const next = { ...definition, ...patch };
        if (next.description === '') delete next.description;
        get().commit(next, { coalesceKey: `meta:${Object.keys(patch).join(',')}` });
      },
      applyLayout(positions) {
        get().commit(ops.moveNodes(get().definition, positions), { layoutOnly: true });
      },
      copySelection() {
        const payload = copyElements(get().definition, get().selectedNodeIds);
        if (!payload) return 0;
        clipboard.write(payload);
        pasteCount = 0;
        return payload.nodes.length;
      },
      cutSelection() {
        const count = get().copySelection();
        if (count) get().deleteSelection();
        return count;
      },
      paste() {
        const payload = clipboard.read();
        if (!payload || payload.nodes.length === 0) return [];
        pasteCount++;
        const pasted = pasteElements(get().definition, payload, { x: 40 * pasteCount, y: 40 * pasteCount });
        get().commit(pasted.definition);
        selectOnly(pasted.nodeIds, pasted.edgeIds);
        return pasted.nodeIds;
      },
      duplicateSelection() {
        const payload = copyElements(get().definition, get().selectedNodeIds);
        if (!payload) return [];
        const pasted = pasteElements(get().definition, payload, { x: 40, y: 40 });
        get().commit(pasted.definition);
        selectOnly(pasted.nodeIds, pasted.edgeIds);
        return pasted.nodeIds;
      },
    };
  };

export const selectDefinition = (s: DesignerState) => s.definition;
export const selectProblems = (s: DesignerState) => s.problems;
export const selectProblemCount = (s: DesignerState) => s.problems.length;
export const selectFlowName = (s: DesignerState) => s.definition.name;
