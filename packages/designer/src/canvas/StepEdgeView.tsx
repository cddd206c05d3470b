import { BaseEdge, EdgeLabelRenderer, getSmoothStepPath, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import { useDesignerStore } from '../store/DesignerStoreProvider.js';
import type { StepEdge } from './derive.js';

/** A connection, labelled with its port (decision branch, task outcome) and marked when it has a problem. */
function StepEdgeViewImpl(props: EdgeProps<StepEdge>) {
  const store = useDesignerStore();
  const { id, data, selected, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, markerEnd } = props;
  const [path, labelX, labelY] = getSmoothStepPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, borderRadius: 10, offset: 24 });
  const problems = data?.problems ?? [];
  const classes = ['flow-edge'];
  if (selected) classes.push('is-selected');
  if (problems.length) classes.push('has-problems');
  if (data?.sim) classes.push(`sim-${data.sim}`);
  if (data?.diff) classes.push(`diff-${data.diff}`);
  const heat = data?.heat;
  if (heat) classes.push('has-heat');
  const showLabel = Boolean(data?.label) || problems.length > 0 || heat !== undefined;
  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        markerEnd={markerEnd}
        className={classes.join(' ')}
        interactionWidth={16}
        style={heat ? { strokeWidth: heat.width } : undefined}
      />
      {showLabel && (
        <EdgeLabelRenderer>
          <div
            className={`edge-label ${classes.slice(1).join(' ')}`}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
            data-edge-id={id}
            title={problems.join('\n') || undefined}
            onClick={(e) => {
              e.stopPropagation();
              store.getState().select({ edgeIds: [id] });
            }}
          >
            {problems.length > 0 && <span className="edge-label__badge">!</span>}
            {data?.label}
            {heat && (
              <span className="edge-label__heat" data-testid="edge-heat" aria-label={`taken ${heat.count} time${heat.count === 1 ? '' : 's'}`}>
                ×{heat.count}
              </span>
            )}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

export const StepEdgeView = memo(StepEdgeViewImpl);
