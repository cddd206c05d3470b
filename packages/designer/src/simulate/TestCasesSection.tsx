import { parseInvoice } from '@exflow/shared';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { outcomeLabel } from '../i18n/designerText.js';
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
  const { t } = useTranslation();
  const testCases = definition.testCases ?? [];
  const labelOf = (id: string) => definition.nodes.find((n) => n.id === id)?.label ?? id;
  const ran = testCases.filter((t) => runs[t.id]);
  const passed = ran.filter((t) => runs[t.id]!.passed).length;
  return (
    <section className="sim-section" data-testid="test-cases" aria-labelledby="test-cases-title">
      <h4 id="test-cases-title">{t('testCases.title')}</h4>
      {simulation && (
        <form
          className="test-case-save"
          onSubmit={(e) => {
            e.preventDefault();
            if (store.getState().saveTestCase(name)) setName('');
          }}
        >
          <label htmlFor="test-case-name">{t('testCases.saveAs')}</label>
          <div className="test-case-save__row">
            <input
              id="test-case-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder={t('testCases.namePlaceholder')}
              maxLength={200}
              data-testid="test-case-name"
            />
            <button type="submit" className="btn btn--secondary" data-testid="test-case-save">
              {t('testCases.save')}
            </button>
          </div>
        </form>
      )}
      {testCases.length === 0 ? (
        <p className="panel-intro">{t('testCases.none')}</p>
      ) : (
        <>
          <div className="test-case-summary">
            <button type="button" className="btn btn--primary" onClick={() => store.getState().runTestCases()} data-testid="test-cases-run">
              {t('testCases.runAll', { count: testCases.length })}
            </button>
            {ran.length > 0 && (
              <span role="status" data-testid="test-cases-summary">
                {t('testCases.passed', { passed, count: ran.length })}
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
                    <span className="test-case__badge">{run ? (run.passed ? t('testCases.pass') : t('testCases.fail')) : '–'}</span>
                    <strong>{tc.name}</strong>
                    <button
                      type="button"
                      className="btn btn--ghost"
                      aria-label={t('testCases.simulate', { name: tc.name })}
                      title={t('testCases.simulateTitle')}
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
                      aria-label={t('testCases.delete', { name: tc.name })}
                      onClick={() => store.getState().deleteTestCase(tc.id)}
                    >
                      ✕
                    </button>
                  </div>
                  <p className="test-case__path">
                    {t('testCases.expected')} {tc.expect.route.map(labelOf).join(' → ')}
                    {tc.expect.outcome ? ` (${outcomeLabel(tc.expect.outcome)})` : ''}
                  </p>
                  {run && !run.passed && (
                    <>
                      <p className="test-case__path test-case__path--actual">
                        {t('testCases.actual')} {run.route.map(labelOf).join(' → ')} ({outcomeLabel(String(run.outcome))})
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
  const { t } = useTranslation();
  const length = Math.max(expected.length, actual.length);
  return (
    <table className="route-diff" data-testid="route-diff">
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">{t('testCases.expectedCol')}</th>
          <th scope="col">{t('testCases.actualCol')}</th>
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
