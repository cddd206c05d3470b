import type { CaseEvent } from '@exflow/shared';
import { useEffect, useMemo, useState } from 'react';
import { useApi } from '../api/ApiProvider.js';
import { selectDefinition, selectProblemCount } from '../store/flowSlice.js';
import { selectSimulation, selectSimulationError, selectSimulationStale, selectStepMode, selectTenantPolicies } from '../store/simulationSlice.js';
import { useDesigner, useDesignerStore } from '../store/DesignerStoreProvider.js';
import { contextChanges } from './contextChanges.js';
import { InvoicePicker } from './InvoicePicker.js';
import { PendingWorkCard } from './PendingWorkCard.js';
import { ReferenceDataEditor } from './ReferenceDataEditor.js';
import { TestCasesSection } from './TestCasesSection.js';
import { hasHiddenFrames, shownFrames, type SimFrame } from './simulator.js';

const EVENT_LABELS: Record<string, string> = {
  'case.started': 'Case started',
  'service.done': 'Service completed',
  'service.failed': 'Service failed',
  'task.completed': 'Task completed',
  'timer.fired': 'Timer fired',
};

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
    <label className="toggle" title="Reveal the path one microstep at a time">
      <input type="checkbox" checked={stepMode} onChange={(e) => store.getState().setStepMode(e.target.checked)} data-testid="step-mode" /> Step by step
    </label>
  );

  if (!simulation) {
    return (
      <div className="simulator" data-testid="simulator">
        <p className="panel-intro">
          Try the flow with an invoice: the same compiled machine the runtime runs, here in your browser. Check steps run the real checks on the reference data
          below. Nothing is sent.
        </p>
        <p className="panel-intro" data-testid="sim-policies">
          {policies
            ? "Checks use your tenant's policies where they set a parameter (as published cases will)."
            : "Checks use each step's own parameters (your tenant's policies are not loaded)."}
        </p>
        {problemCount > 0 && (
          <div className="banner banner--warn">
            Fix the {problemCount} problem{problemCount === 1 ? '' : 's'} first: only a valid flow can run.
          </div>
        )}
        {error && <SimulationError message={error.message} problems={error.problems?.map((p) => p.message)} />}
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
            Case ended: <strong>{simulation.outcome}</strong>
          </>
        ) : (
          <>
            At <strong>{(frames.at(-1)?.active ?? []).map(labelOf).join(', ') || '—'}</strong>
            {hidden ? ' · more steps to show' : ' · waiting'}
          </>
        )}
      </div>
      {stale && <div className="banner banner--warn">The flow changed since this run started. Restart to simulate the current draft.</div>}
      <div className="sim-controls">
        <button type="button" className="btn btn--secondary" disabled={!hidden} onClick={() => store.getState().stepSimulation()} data-testid="sim-step">
          Step
        </button>
        <button type="button" className="btn btn--secondary" disabled={!hidden} onClick={() => store.getState().runSimulationToWait()} data-testid="sim-run">
          Run to next wait
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
          Reset
        </button>
        {toggle}
      </div>
      {error && <SimulationError message={error.message} />}
      {!hidden && simulation.pending.length > 0 && (
        <section className="sim-section">
          <h4>Waiting for</h4>
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
        <h4>Path</h4>
        <ol className="sim-timeline" data-testid="sim-timeline">
          {timeline.map(({ frame, index, event }) => (
            <li key={index} className={(picked ?? frames.length - 1) === index ? 'is-current' : ''}>
              {event && (
                <span className="sim-timeline__event">
                  {event.type === 'service.done' && simulation.checked.includes(String(event.nodeId))
                    ? 'Check ran on the reference data'
                    : (EVENT_LABELS[event.type] ?? event.type)}
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
          <h4>Case data {picked !== null ? `at step ${picked + 1}` : 'now'}</h4>
          {changes.length > 0 && (
            <p className="sim-changes">
              Changed:{' '}
              {changes.map((c) => (
                <code key={c}>{c}</code>
              ))}
            </p>
          )}
          <pre className="json-view" data-testid="sim-context">
            {JSON.stringify({ vars: current.context.vars, tasks: current.context.tasks, errors: current.context.errors }, null, 2)}
          </pre>
          <details>
            <summary>Invoice as FEEL sees it</summary>
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
