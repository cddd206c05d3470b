import { useConnection, ViewportPortal } from '@xyflow/react';
import { connectionProblem } from '../store/definitionOps.js';
import { selectDefinition } from '../store/flowSlice.js';
import { useDesigner } from '../store/DesignerStoreProvider.js';

/** While a connection is dragged over a step that refuses it, says why next to the pointer. */
export function ConnectionHint() {
  const connection = useConnection();
  const definition = useDesigner(selectDefinition);
  if (!connection.inProgress || !connection.toNode || connection.isValid !== false) return null;
  const from = connection.fromHandle;
  const reason =
    from.type === 'source'
      ? connectionProblem(definition, { source: from.nodeId, sourcePort: from.id, target: connection.toNode.id })
      : connectionProblem(definition, { source: connection.toNode.id, sourcePort: connection.toHandle?.id, target: from.nodeId });
  if (!reason) return null;
  return (
    <ViewportPortal>
      <div className="connection-hint" style={{ transform: `translate(${connection.to.x + 14}px, ${connection.to.y + 14}px)` }}>
        {reason}
      </div>
    </ViewportPortal>
  );
}
