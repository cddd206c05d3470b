import { BaseEdge, EdgeLabelRenderer, type EdgeProps } from '@xyflow/react';
import { memo, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useDesignerStore } from '../store/DesignerStoreProvider.js';
import type { StepEdge } from './derive.js';
import { edgeGeometry } from './edgePath.js';
import { useLabelOffset } from './labelOffset.js';

/**
 * A connection, drawn orthogonally (ELK's route and label place where it has one), labelled with
 * its port (decision branch, task outcome) and marked when it has a problem.
 */
function StepEdgeViewImpl(props: EdgeProps<StepEdge>) {
  const store = useDesignerStore();
  const { t } = useTranslation();
  const { id, data, selected, sourceX, sourceY, targetX, targetY, markerEnd } = props;
  const route = data?.route;
  const { path, labelX, labelY, by } = useMemo(
    () => edgeGeometry(route, { x: sourceX, y: sourceY }, { x: targetX, y: targetY }),
    [route, sourceX, sourceY, targetX, targetY],
  );
  // labels of the step's other edges the canvas routed itself may sit on the same spot
  const offset = useLabelOffset(id, props.source);
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
            style={{ transform: `translate(-50%, -50%) translate(${labelX + (offset?.x ?? 0)}px, ${labelY + (offset?.y ?? 0)}px)` }}
            data-edge-id={id}
            data-routed-by={by}
            title={problems.join('\n') || undefined}
            onClick={(e) => {
              e.stopPropagation();
              store.getState().select({ edgeIds: [id] });
            }}
          >
            {problems.length > 0 && <span className="edge-label__badge">!</span>}
            {data?.label}
            {heat && (
              <span className="edge-label__heat" data-testid="edge-heat" aria-label={t('step.taken', { count: heat.count })}>
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
