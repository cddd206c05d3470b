import Form from '@rjsf/core';
import type { ErrorSchema, RJSFSchema } from '@rjsf/utils';
import { customizeValidator } from '@rjsf/validator-ajv8';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, describeApiError } from '../api/client.js';
import { plainFormErrors, plainServerError, toErrorSchema } from './formErrors.js';
import { useWorkspace } from '../workspace/WorkspaceApp.js';
import type { AiSuggestion, Task } from '../workspace/workspaceApi.js';

const validator = customizeValidator({ ajvOptionsOverrides: { strict: false } });

/**
 * The task's form (its JSON Schema, rendered by rjsf) and one button per outcome the flow
 * defined. An AI suggestion above its threshold (`prefill`) is the first, primary button,
 * "Accept suggestion: …"; advice only marks its button. Either way the person presses it.
 */
export function DecisionPanel({
  task,
  canAct,
  onCompleted,
  suggestion,
}: {
  task: Task;
  canAct: boolean;
  onCompleted(): void;
  suggestion?: AiSuggestion | null;
}) {
  const { api } = useWorkspace();
  const { t } = useTranslation();
  const [data, setData] = useState<Record<string, unknown>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [serverErrors, setServerErrors] = useState<ErrorSchema | undefined>();
  const form = useRef<Form<Record<string, unknown>>>(null);
  const schema = useMemo(() => (task.form ?? { type: 'object', properties: {} }) as RJSFSchema, [task.form]);
  const suggestedId = suggestion && task.outcomes.some((o) => o.id === suggestion.outcome) ? suggestion.outcome : null;
  const prefill = suggestion?.mode === 'prefill' && suggestedId !== null;
  // a pre-filled suggestion comes first; the other outcomes keep the flow's order
  const outcomes = prefill ? [...task.outcomes.filter((o) => o.id === suggestedId), ...task.outcomes.filter((o) => o.id !== suggestedId)] : task.outcomes;

  const decide = async (outcome: string) => {
    setError(null);
    setServerErrors(undefined);
    if (task.form && !form.current?.validateForm()) {
      setError(t('decision.fillMarked'));
      return;
    }
    setBusy(outcome);
    try {
      await api.complete(task.id, outcome, data);
      onCompleted();
    } catch (e) {
      if (e instanceof ApiError && e.problem.errors?.length) {
        const errors = e.problem.errors;
        setServerErrors(toErrorSchema(errors, schema, t));
        setError(t('decision.notAccepted', { reasons: errors.map((x) => plainServerError(x, schema, t)).join('; ') }));
      } else {
        setError(describeApiError(e));
      }
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="decision" data-testid="decision">
      {task.instructions && <p className="decision__instructions">{task.instructions}</p>}
      {task.form && (
        <div className="config-form decision__form">
          <Form
            ref={form}
            schema={schema}
            validator={validator}
            formData={data}
            onChange={(e) => setData((e.formData ?? {}) as Record<string, unknown>)}
            extraErrors={serverErrors}
            transformErrors={(errors) => plainFormErrors(errors, schema, t)}
            showErrorList={false}
            noHtml5Validate
            disabled={!canAct}
            uiSchema={{ 'ui:submitButtonOptions': { norender: true } }}
          />
        </div>
      )}
      {error && (
        <div className="banner banner--error" role="alert" data-testid="decision-error">
          {error}
        </div>
      )}
      <div className="decision__outcomes">
        {outcomes.map((o, i) => {
          const suggested = o.id === suggestedId;
          const label = o.label ?? o.id;
          const text =
            suggested && prefill ? t('decision.acceptSuggestion', { outcome: label }) : suggested ? t('decision.aiAdvice', { outcome: label }) : label;
          return (
            <button
              key={o.id}
              type="button"
              className={`btn ${i === 0 ? 'btn--primary' : 'btn--secondary'}${suggested ? ' btn--suggested' : ''}`}
              disabled={!canAct || busy !== null}
              data-outcome={o.id}
              data-suggested={suggested ? (prefill ? 'prefill' : 'advice') : undefined}
              aria-describedby={suggested ? 'ai-suggestion-title' : undefined}
              onClick={() => void decide(o.id)}
            >
              {busy === o.id ? t('decision.saving') : text}
            </button>
          );
        })}
      </div>
    </div>
  );
}
