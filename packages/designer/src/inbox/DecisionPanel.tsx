import Form from '@rjsf/core';
import type { ErrorSchema, RJSFSchema } from '@rjsf/utils';
import { customizeValidator } from '@rjsf/validator-ajv8';
import { useMemo, useRef, useState } from 'react';
import { ApiError, describeApiError } from '../api/client.js';
import { toErrorSchema } from './formErrors.js';
import { useWorkspace } from './WorkspaceApp.js';
import type { Task } from './workspaceApi.js';

const validator = customizeValidator({ ajvOptionsOverrides: { strict: false } });

/** The task's form (its JSON Schema, rendered by rjsf) and one button per outcome the flow defined. */
export function DecisionPanel({ task, canAct, onCompleted }: { task: Task; canAct: boolean; onCompleted(): void }) {
  const { api } = useWorkspace();
  const [data, setData] = useState<Record<string, unknown>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [serverErrors, setServerErrors] = useState<ErrorSchema | undefined>();
  const form = useRef<Form<Record<string, unknown>>>(null);
  const schema = useMemo(() => (task.form ?? { type: 'object', properties: {} }) as RJSFSchema, [task.form]);

  const decide = async (outcome: string) => {
    setError(null);
    setServerErrors(undefined);
    if (task.form && !form.current?.validateForm()) {
      setError('Fill in the fields marked in red first; nothing was sent.');
      return;
    }
    setBusy(outcome);
    try {
      await api.complete(task.id, outcome, data);
      onCompleted();
    } catch (e) {
      if (e instanceof ApiError && e.problem.errors?.length) {
        setServerErrors(toErrorSchema(e.problem.errors));
        setError(`Not accepted: ${e.problem.errors.map((x) => `${x.path.replace(/^\/data\//, '')} ${x.message}`).join('; ')}`);
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
        {task.outcomes.map((o, i) => (
          <button
            key={o.id}
            type="button"
            className={`btn ${i === 0 ? 'btn--primary' : 'btn--secondary'}`}
            disabled={!canAct || busy !== null}
            data-outcome={o.id}
            onClick={() => void decide(o.id)}
          >
            {busy === o.id ? 'Saving…' : (o.label ?? o.id)}
          </button>
        ))}
      </div>
    </div>
  );
}
