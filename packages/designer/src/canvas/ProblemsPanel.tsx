import type { ValidationProblem } from '@exflow/shared';
import { useTranslation } from 'react-i18next';
import { problemText } from '../i18n/designerText.js';
import { selectDefinition, selectProblems } from '../store/flowSlice.js';
import { useDesigner, useDesignerStore } from '../store/DesignerStoreProvider.js';

/**
 * Every problem of the draft; each entry selects and shows its step or connection, and a
 * segregation-of-duties problem selects the whole path that breaks the rule.
 */
export function ProblemsPanel({ publishBlocked, serverProblems }: { publishBlocked: boolean; serverProblems?: ValidationProblem[] }) {
  const problems = useDesigner(selectProblems);
  const definition = useDesigner(selectDefinition);
  const store = useDesignerStore();
  const { t } = useTranslation();
  const blocking = problems.filter((p) => p.severity !== 'warning');
  const shown = !blocking.length && serverProblems?.length ? serverProblems : problems;
  const show = (p: ValidationProblem, target: { nodeId?: string; edgeId?: string }) => {
    store.getState().reveal(target);
    if (p.pathNodeIds?.length) store.getState().select({ nodeIds: p.pathNodeIds, edgeIds: p.pathEdgeIds ?? [] });
  };
  const nameOf = (p: ValidationProblem) => {
    if (p.edgeId) return t('problems.connection', { id: p.edgeId });
    const node = definition.nodes.find((n) => n.id === p.nodeId);
    return node ? (node.label ?? node.id) : t('problems.flow');
  };
  return (
    <div className="problems" data-testid="problems-panel">
      {publishBlocked && shown.length > 0 && <div className="banner banner--error">{t('problems.blocked', { count: shown.length })}</div>}
      {shown.length === 0 ? (
        <div className="problems__none">
          <span className="problems__tick" aria-hidden>
            ✓
          </span>
          <strong>{t('problems.none')}</strong>
          <span>{t('problems.valid')}</span>
        </div>
      ) : (
        <ul className="problems__list">
          {shown.map((p, i) => {
            const target = p.edgeId ? { edgeId: p.edgeId } : p.nodeId ? { nodeId: p.nodeId } : undefined;
            return (
              <li key={`${p.code}-${i}`}>
                <button
                  type="button"
                  className="problem"
                  disabled={!target}
                  onClick={() => target && show(p, target)}
                  data-problem-code={p.code}
                  data-severity={p.severity ?? 'error'}
                >
                  <span className="problem__icon" aria-hidden>
                    {p.severity === 'warning' ? '⚠' : '!'}
                  </span>
                  <span className="problem__body">
                    <span className="problem__where">{nameOf(p)}</span>
                    <span className="problem__message">{problemText(p, definition)}</span>
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
