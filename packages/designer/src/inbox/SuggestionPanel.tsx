import { useTranslation } from 'react-i18next';
import { dateTime } from '../workspace/format.js';
import { useWorkspace } from '../workspace/WorkspaceApp.js';
import { anomalyText, factorText, probabilityText } from './suggestionText.js';
import type { AiSuggestion, Task } from '../workspace/workspaceApi.js';

/**
 * The AI suggestion for the task's step, explained: the outcome, how likely in words, the top
 * reasons in words (all in the user's language), and a clear mark that a person decides. After
 * the decision it says whether the person agreed or chose otherwise.
 */
export function SuggestionPanel({ task, suggestion }: { task: Task; suggestion: AiSuggestion }) {
  const { nameOf } = useWorkspace();
  const { t } = useTranslation();
  const label = (outcome: string) => task.outcomes.find((o) => o.id === outcome)?.label ?? outcome;
  return (
    <section className="ai-suggestion" aria-labelledby="ai-suggestion-title" data-testid="ai-suggestion" data-mode={suggestion.mode}>
      <p className="ai-suggestion__mark" id="ai-suggestion-title">
        <span aria-hidden="true">✦ </span>
        {t('aiPanel.mark')}
      </p>
      <p className="ai-suggestion__outcome">
        <strong data-testid="ai-suggestion-outcome">{label(suggestion.outcome)}</strong>{' '}
        <span data-testid="ai-suggestion-probability">({probabilityText(suggestion.probability)})</span>
      </p>
      {!suggestion.humanOutcome && <p className="ai-suggestion__mode">{t(`aiPanel.${suggestion.mode}`)}</p>}
      {suggestion.factors.length > 0 && (
        <>
          <p className="ai-suggestion__why">{t('aiPanel.why')}</p>
          <ul className="ai-suggestion__factors" data-testid="ai-suggestion-factors">
            {suggestion.factors.slice(0, 3).map((f) => (
              <li key={f.feature}>{factorText(f)}</li>
            ))}
          </ul>
        </>
      )}
      {suggestion.anomaly && <AnomalyNote anomaly={suggestion.anomaly} />}
      {suggestion.humanOutcome && (
        <p className="ai-suggestion__decided" data-testid="ai-suggestion-decided">
          {suggestion.agreed
            ? t('aiPanel.agreed', { name: nameOf(suggestion.humanUser) })
            : t('aiPanel.choseOther', { name: nameOf(suggestion.humanUser), outcome: label(suggestion.humanOutcome) })}
          {suggestion.decidedAt ? `, ${dateTime(suggestion.decidedAt)}` : ''}.
        </p>
      )}
    </section>
  );
}

/** How unusual the case's invoice is against its supplier's history, in words, with the top reasons. */
function AnomalyNote({ anomaly }: { anomaly: NonNullable<AiSuggestion['anomaly']> }) {
  const { t } = useTranslation();
  return (
    <div className={`ai-anomaly${anomaly.flagged ? ' ai-anomaly--flagged' : ''}`} data-testid="ai-anomaly" data-flagged={anomaly.flagged}>
      <p>
        <strong>{t('aiPanel.anomaly')}</strong> <span data-testid="ai-anomaly-score">{anomalyText(anomaly.score, anomaly.flagged)}</span>
      </p>
      {anomaly.flagged && <p className="ai-anomaly__flag">{t('aiPanel.anomalyFlagged')}</p>}
      {anomaly.factors.length > 0 && (
        <ul className="ai-suggestion__factors" data-testid="ai-anomaly-factors">
          {anomaly.factors.slice(0, 3).map((f) => (
            <li key={f.feature}>{factorText(f)}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
