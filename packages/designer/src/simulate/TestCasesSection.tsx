import { parseInvoice } from '@exflow/shared';
import { useState } from 'react';
import { selectDefinition } from '../store/flowSlice.js';
import { selectSimulation, selectTestCaseRuns } from '../store/simulationSlice.js';
import { useDesigner, useDesignerStore } from '../store/DesignerStoreProvider.js';

/**
 * The draft's saved test cases (pinned data): save the current simulation as one, run them all
 * through the engine with the real checks, see pass/fail and the expected against the actual path.
 */
export function TestCasesSection() {
  const store = useDesignerStore();
  const definition = useDesigner(selectDefinition);
  const simulation = useDesigner(selectSimulation);
  const runs = useDesigner(selectTestCaseRuns);
  const [name, setName] = useState('');
  const testCases = definition.testCases ?? [];
  const labelOf = (id: string) => definition.nodes.find((n) => n.id === id)?.label ?? id;
  const ran = testCases.filter((t) => runs[t.id]);
  const passed = ran.filter((t) => runs[t.id]!.passed).length;
  return (
    <section className="sim-section" data-testid="test-cases" aria-labelledby="test-cases-title">
      <h4 id="test-cases-title">Test cases</h4>
      {simulation && (
        <form
          className="test-case-save"
          onSubmit={(e) => {
            e.preventDefault();
            if (store.getState().saveTestCase(name)) setName('');
          }}
        >
          <label htmlFor="test-case-name">Save this run as a test case</label>
          <div className="test-case-save__row">
            <input
              id="test-case-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="e.g. Price 5 % over, accepted"
              maxLength={200}
              data-testid="test-case-name"
            />
            <button type="submit" className="btn btn--secondary" data-testid="test-case-save">
              Save
            </button>
          </div>
        </form>
      )}
      {testCases.length === 0 ? (
        <p className="panel-intro">
          No test cases yet. Run the flow with an invoice, answer its steps, then save the run: it becomes the route the flow must keep taking.
        </p>
      ) : (
        <>
          <div className="test-case-summary">
            <button type="button" className="btn btn--primary" onClick={() => store.getState().runTestCases()} data-testid="test-cases-run">
              ▶ Run all {testCases.length}
            </button>
            {ran.length > 0 && (
              <span role="status" data-testid="test-cases-summary">
                {passed} of {ran.length} passed
              </span>
            )}
          </div>
          <ul className="test-case-list">
            {testCases.map((tc) => {
              const run = runs[tc.id];
              const status = run ? (run.passed ? 'pass' : 'fail') : 'not run';
              return (
                <li key={tc.id} className={`test-case is-${status.replace(' ', '-')}`} data-testid={`test-case-${tc.id}`} data-status={status}>
                  <div className="test-case__head">
                    <span className="test-case__badge">{run ? (run.passed ? '✓ pass' : '✗ fail') : '–'}</span>
                    <strong>{tc.name}</strong>
                    <button
                      type="button"
                      className="btn btn--ghost"
                      aria-label={`Simulate test case ${tc.name}`}
                      title="Run its invoice in the simulator, with its reference data"
                      data-testid={`test-case-simulate-${tc.id}`}
                      onClick={() => {
                        const parsed = parseInvoice(tc.invoice);
                        if (!parsed.ok) return;
                        store.getState().stopSimulation();
                        store.getState().setReferenceData(tc.reference ?? {});
                        store.getState().startSimulation(parsed.invoice, tc.invoice);
                      }}
                    >
                      ▶
                    </button>
                    <button
                      type="button"
                      className="btn btn--ghost"
                      aria-label={`Delete test case ${tc.name}`}
                      onClick={() => store.getState().deleteTestCase(tc.id)}
                    >
                      ✕
                    </button>
                  </div>
                  <p className="test-case__path">
                    Expected: {tc.expect.route.map(labelOf).join(' → ')}
                    {tc.expect.outcome ? ` (${tc.expect.outcome})` : ''}
                  </p>
                  {run && !run.passed && (
                    <>
                      <p className="test-case__path test-case__path--actual">
                        Actual: {run.route.map(labelOf).join(' → ')} ({run.outcome})
                      </p>
                      <RouteDiff expected={tc.expect.route} actual={run.route} labelOf={labelOf} />
                      <ul className="inspector__problems">
                        {run.problems.map((p, i) => (
                          <li key={i}>{p}</li>
                        ))}
                      </ul>
                    </>
                  )}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}

/** Step by step: where the expected and actual paths part. */
function RouteDiff({ expected, actual, labelOf }: { expected: string[]; actual: string[]; labelOf(id: string): string }) {
  const length = Math.max(expected.length, actual.length);
  return (
    <table className="route-diff" data-testid="route-diff">
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Expected</th>
          <th scope="col">Actual</th>
        </tr>
      </thead>
      <tbody>
        {Array.from({ length }, (_, i) => (
          <tr key={i} className={expected[i] === actual[i] ? '' : 'is-different'}>
            <td>{i + 1}</td>
            <td>{expected[i] ? labelOf(expected[i]) : '—'}</td>
            <td>{actual[i] ? labelOf(actual[i]) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
