import {
  Background,
  BackgroundVariant,
  ConnectionLineType,
  Controls,
  MiniMap,
  Panel,
  ReactFlow,
  useNodesInitialized,
  useReactFlow,
  type Connection,
  type EdgeChange,
  type NodeChange,
  type OnDelete,
  type Viewport,
} from '@xyflow/react';
import type { WorkflowDefinition } from '@exflow/shared';
import { useCallback, useEffect, useMemo, useRef, useState, type MouseEvent as ReactMouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { kindLabel } from '../i18n/i18n.js';
import { connectionProblem } from '../store/definitionOps.js';
import { selectFocusRequest } from '../store/viewSlice.js';
import { useDesigner, useDesignerStore } from '../store/DesignerStoreProvider.js';
import { AppendPad } from './AppendPad.js';
import { ConnectionHint } from './ConnectionHint.js';
import { ORPHAN_HANDLE, type StepEdge, type StepNode } from './derive.js';
import { ProblemPill } from './ProblemPill.js';
import { QuickAdd } from './QuickAdd.js';
import { READABLE_ZOOM, useReadableFit } from './readableView.js';
import { StepEdgeView } from './StepEdgeView.js';
import { StepNodeView } from './StepNodeView.js';
import { useCanvasElements } from './useCanvasElements.js';

const nodeTypes = { step: StepNodeView };
const edgeTypes = { step: StepEdgeView };
const proOptions = { hideAttribution: true };
const deleteKeys = ['Backspace', 'Delete'];
const GROUP_COLOURS: Record<string, string> = {
  flow: '#64748b',
  people: '#7c3aed',
  checks: '#0e7490',
  logic: '#b45309',
  integration: '#2563eb',
  end: '#334155',
};
const minimapColour = (node: StepNode) => (node.data.problems.length ? '#dc2626' : (GROUP_COLOURS[node.data.group] ?? '#94a3b8'));

/** Past this many steps React Flow only renders what is in view. */
const VIRTUALISE_FROM = 300;

/**
 * How a flow opens: a small one fitted to the view, but never below the readable zoom (see
 * `readableViewport`); a large one at the readable zoom on its start (fitting 1,000 steps would
 * shrink them to dots and render every one); an empty one unfitted, or React Flow would zoom
 * onto the first dropped step and move the next drops.
 */
function openingView(definition: WorkflowDefinition): { fit: boolean; viewport?: Viewport } {
  if (definition.nodes.length === 0) return { fit: false };
  if (definition.nodes.length <= VIRTUALISE_FROM) return { fit: true };
  const start = definition.nodes.find((n) => n.kind === 'start') ?? definition.nodes[0];
  const zoom = READABLE_ZOOM;
  const at = start.position ?? { x: 0, y: 0 };
  return { fit: false, viewport: { x: 60 - at.x * zoom, y: 320 - at.y * zoom, zoom } };
}

/** The flow canvas: a view of the definition in the store, never a second copy of it. */
export function Canvas({ onOpenProblems, overlay }: { onOpenProblems(): void; overlay?: React.ReactNode }) {
  const store = useDesignerStore();
  const flow = useReactFlow<StepNode, StepEdge>();
  const [measured, setMeasured] = useState<ReadonlyMap<string, { width: number; height: number }>>(() => new Map());
  const { nodes, edges, readOnly } = useCanvasElements(measured);
  const dragging = useRef(false);
  const [quickAdd, setQuickAdd] = useState<{ x: number; y: number } | null>(null);
  const [opening] = useState(() => openingView(store.getState().definition));
  const firstMeasure = useRef(true);
  const fitReadable = useReadableFit();
  const initialised = useNodesInitialized();
  const fitted = useRef(!opening.fit);
  const { t, i18n } = useTranslation();
  // React Flow's own texts (controls, minimap, keyboard help for steps and connections) in the user's language
  const ariaLabelConfig = useMemo(
    () => ({
      'node.a11yDescription.default': t('flowControls.node'),
      'node.a11yDescription.keyboardDisabled': t('flowControls.nodeKeyboard'),
      'node.a11yDescription.ariaLiveMessage': ({ direction, x, y }: { direction: string; x: number; y: number }) =>
        t('flowControls.moved', { direction, x, y }),
      'edge.a11yDescription.default': t('flowControls.edge'),
      'controls.ariaLabel': t('flowControls.controls'),
      'controls.zoomIn.ariaLabel': t('flowControls.zoomIn'),
      'controls.zoomOut.ariaLabel': t('flowControls.zoomOut'),
      'controls.fitView.ariaLabel': t('flowControls.fitView'),
      'controls.interactive.ariaLabel': t('flowControls.interactive'),
      'minimap.ariaLabel': t('flowControls.minimap'),
      'handle.ariaLabel': t('flowControls.handle'),
    }),
    [t, i18n.language], // eslint-disable-line react-hooks/exhaustive-deps -- the texts follow the language
  );
  useEffect(() => {
    if (!initialised || fitted.current) return;
    fitted.current = true;
    void fitReadable().then(() => performance.mark('exflow:opened-readable'));
  }, [initialised, fitReadable]);

  const onNodesChange = useCallback(
    (changes: NodeChange<StepNode>[]) => {
      const positions: Record<string, { x: number; y: number }> = {};
      let moved = false;
      let sized: Map<string, { width: number; height: number }> | undefined;
      let selection: Set<string> | undefined;
      for (const change of changes) {
        if (change.type === 'position' && change.position) {
          positions[change.id] = { x: Math.round(change.position.x), y: Math.round(change.position.y) };
          moved = true;
        } else if (change.type === 'dimensions' && change.dimensions) {
          if (firstMeasure.current) {
            firstMeasure.current = false;
            performance.mark('exflow:first-render');
          }
          sized ??= new Map();
          sized.set(change.id, change.dimensions);
        } else if (change.type === 'select') {
          selection ??= new Set(store.getState().selectedNodeIds);
          if (change.selected) selection.add(change.id);
          else selection.delete(change.id);
        }
      }
      if (moved && !readOnly) store.getState().moveNodes(positions, { transient: dragging.current });
      if (sized) {
        const update = sized;
        setMeasured((previous) => {
          const next = new Map(previous);
          for (const [id, size] of update) next.set(id, size);
          return next;
        });
      }
      if (selection) store.getState().select({ nodeIds: [...selection], edgeIds: store.getState().selectedEdgeIds });
    },
    [store, readOnly],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<StepEdge>[]) => {
      let selection: Set<string> | undefined;
      for (const change of changes) {
        if (change.type !== 'select') continue;
        selection ??= new Set(store.getState().selectedEdgeIds);
        if (change.selected) selection.add(change.id);
        else selection.delete(change.id);
      }
      if (selection) store.getState().select({ nodeIds: store.getState().selectedNodeIds, edgeIds: [...selection] });
    },
    [store],
  );

  const isValidConnection = useCallback(
    (c: StepEdge | Connection) =>
      !readOnly &&
      c.sourceHandle !== ORPHAN_HANDLE &&
      !connectionProblem(store.getState().definition, { source: c.source, sourcePort: c.sourceHandle, target: c.target }),
    [store, readOnly],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      if (c.sourceHandle) store.getState().connect({ source: c.source, sourcePort: c.sourceHandle, target: c.target });
    },
    [store],
  );

  const onDelete: OnDelete<StepNode, StepEdge> = useCallback(
    ({ nodes: gone, edges: goneEdges }) => {
      if (!readOnly) store.getState().deleteElements({ nodeIds: gone.map((n) => n.id), edgeIds: goneEdges.map((e) => e.id) });
    },
    [store, readOnly],
  );

  const onNodeDragStart = useCallback(() => {
    dragging.current = true;
    store.getState().checkpoint();
  }, [store]);
  const onNodeDragStop = useCallback(() => {
    dragging.current = false;
  }, []);

  const onPaneDoubleClick = useCallback(
    (event: ReactMouseEvent) => {
      if (readOnly || !(event.target as HTMLElement).classList.contains('react-flow__pane')) return;
      setQuickAdd({ x: event.clientX, y: event.clientY });
    },
    [readOnly],
  );

  const focusRequest = useDesigner(selectFocusRequest);
  useEffect(() => {
    if (!focusRequest) return;
    const edge = store.getState().definition.edges.find((e) => e.id === focusRequest.id);
    const ids = edge ? [edge.source, edge.target] : [focusRequest.id];
    void flow.fitView({ nodes: ids.map((id) => ({ id })), duration: 300, maxZoom: 1.2, padding: 0.5 });
  }, [focusRequest, flow, store]);

  return (
    <div className="canvas" onDoubleClick={onPaneDoubleClick} data-testid="canvas">
      <ReactFlow<StepNode, StepEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        isValidConnection={isValidConnection}
        onDelete={onDelete}
        onNodeDragStart={onNodeDragStart}
        onNodeDragStop={onNodeDragStop}
        onSelectionDragStart={onNodeDragStart}
        onSelectionDragStop={onNodeDragStop}
        deleteKeyCode={readOnly ? null : deleteKeys}
        multiSelectionKeyCode={['Shift', 'Meta', 'Control']}
        selectionKeyCode="Shift"
        zoomOnDoubleClick={false}
        nodesConnectable={!readOnly}
        connectionLineType={ConnectionLineType.SmoothStep}
        onlyRenderVisibleElements={nodes.length > VIRTUALISE_FROM}
        defaultViewport={opening.viewport}
        minZoom={0.05}
        maxZoom={2}
        proOptions={proOptions}
        ariaLabelConfig={ariaLabelConfig}
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.3} color="#c9d0db" />
        <Controls showInteractive={false} position="bottom-left" />
        <MiniMap<StepNode> pannable zoomable nodeColor={minimapColour} nodeStrokeWidth={0} maskColor="rgba(240, 243, 248, 0.7)" position="bottom-right" />
        {!readOnly && (
          <Panel position="top-left">
            <ProblemPill onOpen={onOpenProblems} />
          </Panel>
        )}
        {overlay && <Panel position="top-center">{overlay}</Panel>}
        <AppendPad disabled={readOnly} />
        <ConnectionHint />
      </ReactFlow>
      {quickAdd && <QuickAdd at={quickAdd} onClose={() => setQuickAdd(null)} />}
      {nodes.length === 0 && !readOnly && (
        <div className="canvas__empty">
          <strong>{t('emptyCanvas.title')}</strong>
          <span>{t('emptyCanvas.hint', { start: kindLabel('start', 'Invoice received') })}</span>
        </div>
      )}
    </div>
  );
}
