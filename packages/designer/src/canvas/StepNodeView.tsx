import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { INPUT_HANDLE, ORPHAN_HANDLE, type NodeHeat, type StepNode } from './derive.js';
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
  if (data.heat) classes.push(`heat-${data.heat.level}`);
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
      {data.heat && <HeatFigures heat={data.heat} />}
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

/** A duration in the largest unit that keeps it readable: 45 s, 12 min, 3.5 h, 2.1 d. */
function shortDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 36 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

/** The step's heatmap figures as text (never only as colour). */
function HeatFigures({ heat }: { heat: NodeHeat }) {
  const parts = [
    `${heat.cases} case${heat.cases === 1 ? '' : 's'}`,
    heat.medianDwellSeconds === null ? null : `median ${shortDuration(heat.medianDwellSeconds)}`,
    heat.slaBreachShare === null ? null : `${Math.round(heat.slaBreachShare * 100)} % late`,
  ].filter(Boolean);
  return (
    <div className="step__heat" data-testid="heat" aria-label={`${parts.join(', ')}; ${heat.openNow} open now`}>
      <span>{parts.join(' · ')}</span>
      <strong className="step__open" title="Open cases waiting here now">
        {heat.openNow} open now
      </strong>
    </div>
  );
}

export const StepNodeView = memo(StepNodeViewImpl);
