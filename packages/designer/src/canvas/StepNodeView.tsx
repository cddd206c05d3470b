import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { currentLocale, i18n } from '../i18n/i18n.js';
import { INPUT_HANDLE, ORPHAN_HANDLE, type NodeHeat, type StepNode } from './derive.js';
import { KindIcon } from './KindIcon.js';
import { stepSummary } from './stepSummary.js';

/** One step on the canvas: title, kind, summary, a handle per output port, a problem badge. */
function StepNodeViewImpl({ data, selected }: NodeProps<StepNode>) {
  const { node, ports, problems } = data;
  const { t } = useTranslation();
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
        {data.diff && data.diff !== 'moved' && <span className={`step__diff step__diff--${data.diff}`}>{t(`step.${data.diff}`)}</span>}
        {problems.length > 0 && (
          <span className="step__badge" title={problems.join('\n')} aria-label={t('step.problems', { count: problems.length })}>
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
              <Handle type="source" id={port.id} position={Position.Right} className="step__out" title={t('step.connectPort', { port: port.label })} />
            </li>
          ))}
        </ul>
      )}
      {ports.length === 1 && <Handle type="source" id={ports[0].id} position={Position.Right} className="step__out" title={t('step.connectNext')} />}
      <Handle type="source" id={ORPHAN_HANDLE} position={Position.Right} className="step__orphan" isConnectable={false} />
    </div>
  );
}

/** A duration in the largest unit that keeps it readable: 45 s, 12 min, 3.5 h, 2.1 d (number and units in the user's language). */
function shortDuration(seconds: number): string {
  const figure = (n: number, digits: number) => n.toLocaleString(currentLocale(), { minimumFractionDigits: digits, maximumFractionDigits: digits });
  if (seconds < 90) return `${Math.round(seconds)} ${i18n.t('sla.second')}`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} ${i18n.t('sla.minute')}`;
  if (seconds < 36 * 3600) return `${figure(seconds / 3600, 1)} ${i18n.t('sla.hour')}`;
  return `${figure(seconds / 86_400, 1)} ${i18n.t('sla.day')}`;
}

/** The step's heatmap figures as text (never only as colour). */
function HeatFigures({ heat }: { heat: NodeHeat }) {
  const { t } = useTranslation();
  const parts = [
    t('step.heatCases', { count: heat.cases }),
    heat.medianDwellSeconds === null ? null : t('step.heatMedian', { duration: shortDuration(heat.medianDwellSeconds) }),
    heat.slaBreachShare === null ? null : t('step.heatLate', { percent: Math.round(heat.slaBreachShare * 100) }),
  ].filter(Boolean);
  const openNow = t('step.openNow', { count: heat.openNow });
  return (
    <div className="step__heat" data-testid="heat" aria-label={`${parts.join(', ')}; ${openNow}`}>
      <span>{parts.join(' · ')}</span>
      <strong className="step__open" title={t('step.openNowTitle')}>
        {openNow}
      </strong>
    </div>
  );
}

export const StepNodeView = memo(StepNodeViewImpl);
