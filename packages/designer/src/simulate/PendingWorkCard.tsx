import type { CaseEvent } from '@exflow/shared';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { humanDuration } from '../canvas/stepSummary.js';
import { sampleServiceResult } from './samples.js';
import type { PendingWork } from './simulator.js';

/** Answers one thing the case waits for: a service result or failure, a task outcome, a timer. */
export function PendingWorkCard({ work, label, onSend }: { work: PendingWork; label: string; onSend(event: CaseEvent): void }) {
  const { t } = useTranslation();
  if (work.type === 'service') return <ServiceCard work={work} label={label} onSend={onSend} />;
  if (work.type === 'task') return <TaskCard work={work} label={label} onSend={onSend} />;
  return (
    <div className="pending pending--timer" data-testid={`pending-${work.nodeId}`}>
      <div className="pending__head">
        <span className="pending__tag">{work.sla ? t('pending.slaTimer') : t('pending.timer')}</span>
        <strong>{label}</strong>
      </div>
      <p className="pending__note">
        {work.sla ? t('pending.pastSla', { duration: humanDuration(work.dueIn) }) : t('pending.waits', { duration: humanDuration(work.dueIn) })}
      </p>
      <button type="button" className="btn btn--secondary" onClick={() => onSend({ type: 'timer.fired', timerId: work.timerId })}>
        {t('pending.fire')}
      </button>
    </div>
  );
}

function ServiceCard({ work, label, onSend }: { work: Extract<PendingWork, { type: 'service' }>; label: string; onSend(event: CaseEvent): void }) {
  const [text, setText] = useState(() => JSON.stringify(sampleServiceResult(work.service), null, 2));
  const [error, setError] = useState<string | null>(null);
  const { t } = useTranslation();
  const complete = () => {
    try {
      onSend({ type: 'service.done', nodeId: work.nodeId, result: JSON.parse(text) });
    } catch (e) {
      setError(t('pending.resultNotJson', { message: (e as Error).message }));
    }
  };
  return (
    <div className="pending pending--service" data-testid={`pending-${work.nodeId}`}>
      <div className="pending__head">
        <span className="pending__tag">{t('pending.service')}</span>
        <strong>{label}</strong>
        <code>{work.service}</code>
      </div>
      <label className="pending__label" htmlFor={`sim-result-${work.nodeId}`}>
        {t('pending.result')}
      </label>
      <textarea
        id={`sim-result-${work.nodeId}`}
        className="code-input"
        rows={5}
        value={text}
        onChange={(e) => setText(e.target.value)}
        spellCheck={false}
        data-testid="service-result"
      />
      {error && <p className="json-field__error">{error}</p>}
      <div className="pending__buttons">
        <button type="button" className="btn btn--primary" onClick={complete}>
          {t('pending.complete')}
        </button>
        <button
          type="button"
          className="btn btn--danger-ghost"
          onClick={() => onSend({ type: 'service.failed', nodeId: work.nodeId, error: { message: `${work.service} failed (simulated)` } })}
        >
          {t('pending.fail')}
        </button>
      </div>
    </div>
  );
}

function TaskCard({ work, label, onSend }: { work: Extract<PendingWork, { type: 'task' }>; label: string; onSend(event: CaseEvent): void }) {
  const fields = Object.keys((work.form?.properties as Record<string, unknown> | undefined) ?? {});
  const [data, setData] = useState(() => JSON.stringify(Object.fromEntries(fields.map((f) => [f, 'simulated'])), null, 2));
  const [error, setError] = useState<string | null>(null);
  const { t } = useTranslation();
  const complete = (outcome: string) => {
    try {
      onSend({ type: 'task.completed', nodeId: work.nodeId, outcome, data: data.trim() ? JSON.parse(data) : {}, actor: 'simulator' });
    } catch (e) {
      setError(t('pending.formNotJson', { message: (e as Error).message }));
    }
  };
  return (
    <div className="pending pending--task" data-testid={`pending-${work.nodeId}`}>
      <div className="pending__head">
        <span className="pending__tag">{t('pending.task')}</span>
        <strong>{label}</strong>
      </div>
      <p className="pending__note">
        {t('pending.inQueue', { title: work.title })} <code>{work.queue}</code>
      </p>
      {fields.length > 0 && (
        <>
          <label className="pending__label">{t('pending.formData')}</label>
          <textarea className="code-input" rows={3} value={data} onChange={(e) => setData(e.target.value)} spellCheck={false} />
          {error && <p className="json-field__error">{error}</p>}
        </>
      )}
      <div className="pending__buttons">
        {work.outcomes.map((o) => (
          <button key={o.id} type="button" className="btn btn--secondary" onClick={() => complete(o.id)} data-outcome={o.id}>
            {o.label || o.id}
          </button>
        ))}
      </div>
    </div>
  );
}
