import '../canvas/canvasStyles.js';
import type { CompiledFlow, RecordedCaseEvent, WorkflowDefinition } from '@exflow/shared';
import { Background, ReactFlow, ReactFlowProvider, type EdgeTypes, type NodeTypes } from '@xyflow/react';
import { useMemo } from 'react';
import { deriveCanvas } from '../canvas/derive.js';
import { StepEdgeView } from '../canvas/StepEdgeView.js';
import { StepNodeView } from '../canvas/StepNodeView.js';
import { createDesignerStore } from '../store/designerStore.js';
import { DesignerStoreProvider } from '../store/DesignerStoreProvider.js';
import { casePath } from './casePath.js';

const nodeTypes: NodeTypes = { step: StepNodeView };
const edgeTypes: EdgeTypes = { step: StepEdgeView };
const NO_PROBLEMS: never[] = [];

/** The case's flow, read-only, with the path it took and the step(s) it stands in highlighted. */
export function CaseMap(props: {
  definition: WorkflowDefinition;
  compiled: CompiledFlow | null;
  invoice: Record<string, unknown>;
  events: readonly RecordedCaseEvent[];
  activeNodes: readonly string[];
}) {
  const { definition, compiled, invoice, events, activeNodes } = props;
  const elements = useMemo(() => {
    const path = casePath(definition, compiled, invoice, events, activeNodes);
    return deriveCanvas({ definition, problems: NO_PROBLEMS, readOnly: true, simulation: path });
  }, [definition, compiled, invoice, events, activeNodes]);
  // the canvas's node and edge views read the designer's store (edge labels select on click)
  const store = useMemo(() => createDesignerStore({ definition }), [definition]);
  return (
    <div className="case-map" data-testid="case-map">
      <DesignerStoreProvider store={store}>
        <ReactFlowProvider>
          <ReactFlow
            nodes={elements.nodes}
            edges={elements.edges}
            nodeTypes={nodeTypes}
            edgeTypes={edgeTypes}
            nodesDraggable={false}
            nodesConnectable={false}
            elementsSelectable={false}
            fitView
            fitViewOptions={{ padding: 0.15 }}
            minZoom={0.2}
            proOptions={{ hideAttribution: true }}
          >
            <Background gap={20} size={1} />
          </ReactFlow>
        </ReactFlowProvider>
      </DesignerStoreProvider>
    </div>
  );
}
