import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { INPUT_HANDLE, ORPHAN_HANDLE, type StepNode } from './derive.js';
import { KindIcon } from './KindIcon.js';
import { stepSummary } from './stepSummary.js';

/** One step on the canvas: title, kind, summary, a handle per output port, a problem badge. */
function StepNodeViewImpl({ data, selected }: NodeProps<StepNode>) {
  const { node, ports, problems } = data;
  const classes = ['step', `step--${data.group}`];
  if (selected) classes.push('is-selected');
  if (problems.length) classes.push('has-problems');
  if (data.sim) classes.push(`sim-${data.sim}`);
  if (data.diff) classes.push(`diff-${data.diff}`);
  const summary = stepSummary(node);
  const labelledPorts = ports.length > 1;
  return (
    <div className={classes.join(' ')} data-node-id={node.id} data-kind={node.kind}>
      {data.hasInput && <Handle type="target" id={INPUT_HANDLE} position={Position.Left} className="step__in" />}
      <div className="step__head">
        <span className="step__icon" aria-hidden>
          <KindIcon glyph={data.icon} size={12} />
        </span>
        <span className="step__kind">{data.kindLabel}</span>
        {data.diff && data.diff !== 'moved' && <span className={`step__diff step__diff--${data.diff}`}>{data.diff}</span>}
        {problems.length > 0 && (
          <span className="step__badge" title={problems.join('\n')} aria-label={`${problems.length} problem${problems.length > 1 ? 's' : ''}`}>
            {problems.length}
          </span>
        )}
      </div>
      <div className="step__title">{node.label || data.kindLabel}</div>
      {summary && (
        <div className="step__summary" title={summary}>
          {summary}
        </div>
      )}
      {labelledPorts && (
        <ul className="step__ports">
          {ports.map((port) => (
            <li key={port.id} className={port.required ? '' : 'is-optional'}>
              <span>{port.label}</span>
              <Handle type="source" id={port.id} position={Position.Right} className="step__out" title={`Drag to connect "${port.label}"`} />
            </li>
          ))}
        </ul>
      )}
      {ports.length === 1 && <Handle type="source" id={ports[0].id} position={Position.Right} className="step__out" title="Drag to connect the next step" />}
      <Handle type="source" id={ORPHAN_HANDLE} position={Position.Right} className="step__orphan" isConnectable={false} />
    </div>
  );
}

export const StepNodeView = memo(StepNodeViewImpl);
