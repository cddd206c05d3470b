import type { CaseEvent } from '@exflow/shared';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../api/ApiProvider.js';
import { outcomeLabel, problemText } from '../i18n/designerText.js';
import { selectDefinition, selectProblemCount } from '../store/flowSlice.js';
import { selectSimulation, selectSimulationError, selectSimulationStale, selectStepMode, selectTenantPolicies } from '../store/simulationSlice.js';
import { useDesigner, useDesignerStore } from '../store/DesignerStoreProvider.js';
import { contextChanges } from './contextChanges.js';
import { InvoicePicker } from './InvoicePicker.js';
import { PendingWorkCard } from './PendingWorkCard.js';
import { ReferenceDataEditor } from './ReferenceDataEditor.js';
import { TestCasesSection } from './TestCasesSection.js';
import { hasHiddenFrames, shownFrames, type SimFrame } from './simulator.js';

const EVENTS = ['case.started', 'service.done', 'service.failed', 'task.completed', 'timer.fired'];

/** Runs the compiled flow in the browser against a sample invoice; the user answers what it waits for. */
export function SimulatorPanel() {
  const store = useDesignerStore();
  const simulation = useDesigner(selectSimulation);
  const error = useDesigner(selectSimulationError);
  const stale = useDesigner(selectSimulationStale);
  const stepMode = useDesigner(selectStepMode);
  const definition = useDesigner(selectDefinition);
  const problemCount = useDesigner(selectProblemCount);
  const [picked, setPicked] = useState<number | null>(null);
  const policies = useDesigner(selectTenantPolicies);
  const { api } = useApi();
  const { t } = useTranslation();
  const eventLabel = (type: string) => (EVENTS.includes(type) ? t(`simEvent.${type.replace('.', '_') as 'case_started'}`) : type);
  // the checks run with the tenant's policies, as in the runtime; without them (a role that may not read them) with the node's params
  useEffect(() => {
    let live = true;
    api.getPolicies().then(
      (p) => live && store.getState().setTenantPolicies(p.effective),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api, store]);
  const labelOf = (id: string) => definition.nodes.find((n) => n.id === id)?.label ?? id;

  const frames = useMemo(() => (simulation ? shownFrames(simulation) : []), [simulation]);
  const timeline = useMemo(() => {
    if (!simulation) return [];
    const rows: { frame: SimFrame; index: number; event?: CaseEvent }[] = [];
    let index = 0;
    simulation.steps.forEach((step) => {
      step.frames.forEach((frame, i) => {
        if (index < frames.length) rows.push({ frame, index, event: i === 0 ? step.event : undefined });
        index++;
      });
    });
    return rows;
  }, [simulation, frames.length]);

  const send = (event: CaseEvent) => {
    setPicked(null);
    store.getState().sendSimulationEvent(event);
  };

  const toggle = (
    <label className="toggle" title={t('simulator.stepByStepTitle')}>
      <input type="checkbox" checked={stepMode} onChange={(e) => store.getState().setStepMode(e.target.checked)} data-testid="step-mode" />{' '}
      {t('simulator.stepByStep')}
    </label>
  );

  if (!simulation) {
    return (
      <div className="simulator" data-testid="simulator">
        <p className="panel-intro">{t('simulator.intro')}</p>
        <p className="panel-intro" data-testid="sim-policies">
          {policies ? t('simulator.withPolicies') : t('simulator.withoutPolicies')}
        </p>
        {problemCount > 0 && <div className="banner banner--warn">{t('simulator.fixFirst', { count: problemCount })}</div>}
        {error && <SimulationError message={error.message} problems={error.problems?.map((p) => problemText(p, definition))} />}
        {toggle}
        <ReferenceDataEditor />
        <InvoicePicker disabled={problemCount > 0} onStart={(parsed, raw) => store.getState().startSimulation(parsed.invoice, raw)} />
        <TestCasesSection />
      </div>
    );
  }

  const current = picked !== null ? frames[picked] : frames.at(-1);
  const previous = picked !== null ? frames[picked - 1] : frames.at(-2);
  const changes = current ? contextChanges(previous?.context, current.context) : [];
  const hidden = hasHiddenFrames(simulation);
  return (
    <div className="simulator" data-testid="simulator">
      <div className={`sim-status ${simulation.status === 'done' ? `is-done is-${simulation.outcome}` : ''}`} data-testid="sim-status">
        {simulation.status === 'done' && !hidden ? (
          <>
            {t('simulator.ended')} <strong>{outcomeLabel(String(simulation.outcome))}</strong>
          </>
        ) : (
          <>
            {t('simulator.at')} <strong>{(frames.at(-1)?.active ?? []).map(labelOf).join(', ') || '—'}</strong>
            {hidden ? t('simulator.moreSteps') : t('simulator.waiting')}
          </>
        )}
      </div>
      {stale && <div className="banner banner--warn">{t('simulator.stale')}</div>}
      <div className="sim-controls">
        <button type="button" className="btn btn--secondary" disabled={!hidden} onClick={() => store.getState().stepSimulation()} data-testid="sim-step">
          {t('simulator.step')}
        </button>
        <button type="button" className="btn btn--secondary" disabled={!hidden} onClick={() => store.getState().runSimulationToWait()} data-testid="sim-run">
          {t('simulator.runToWait')}
        </button>
        <button
          type="button"
          className="btn btn--ghost"
          onClick={() => {
            setPicked(null);
            store.getState().stopSimulation();
          }}
          data-testid="sim-stop"
        >
          {t('simulator.reset')}
        </button>
        {toggle}
      </div>
      {error && <SimulationError message={error.message} />}
      {!hidden && simulation.pending.length > 0 && (
        <section className="sim-section">
          <h4>{t('simulator.waitingFor')}</h4>
          {simulation.pending.map((work) => (
            <PendingWorkCard
              key={`${work.type}:${work.nodeId}:${'timerId' in work ? work.timerId : ''}`}
              work={work}
              label={labelOf(work.nodeId)}
              onSend={send}
            />
          ))}
        </section>
      )}
      <section className="sim-section">
        <h4>{t('simulator.path')}</h4>
        <ol className="sim-timeline" data-testid="sim-timeline">
          {timeline.map(({ frame, index, event }) => (
            <li key={index} className={(picked ?? frames.length - 1) === index ? 'is-current' : ''}>
              {event && (
                <span className="sim-timeline__event">
                  {event.type === 'service.done' && simulation.checked.includes(String(event.nodeId)) ? t('simulator.checkRan') : eventLabel(event.type)}
                  {event.outcome ? `: ${String(event.outcome)}` : ''}
                </span>
              )}
              <button type="button" onClick={() => setPicked(index === frames.length - 1 ? null : index)}>
                {frame.active.map(labelOf).join(', ') || '—'}
              </button>
            </li>
          ))}
        </ol>
      </section>
      {current && (
        <section className="sim-section">
          <h4>{picked !== null ? t('simulator.caseDataAt', { step: picked + 1 }) : t('simulator.caseDataNow')}</h4>
          {changes.length > 0 && (
            <p className="sim-changes">
              {t('simulator.changed')}{' '}
              {changes.map((c) => (
                <code key={c}>{c}</code>
              ))}
            </p>
          )}
          <pre className="json-view" data-testid="sim-context">
            {JSON.stringify({ vars: current.context.vars, tasks: current.context.tasks, errors: current.context.errors }, null, 2)}
          </pre>
          <details>
            <summary>{t('simulator.invoiceAsFeel')}</summary>
            <pre className="json-view">{JSON.stringify(current.context.invoice, null, 2)}</pre>
          </details>
        </section>
      )}
      <TestCasesSection />
    </div>
  );
}

function SimulationError({ message, problems }: { message: string; problems?: string[] }) {
  return (
    <div className="banner banner--error" role="alert">
      {message}
      {problems && (
        <ul>
          {problems.slice(0, 6).map((p, i) => (
            <li key={i}>{p}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
