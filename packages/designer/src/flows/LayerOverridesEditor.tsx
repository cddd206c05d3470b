import type { TemplateOverrides } from '@exflow/shared';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, describeApiError, type TemplateLayerView } from '../api/client.js';
import { useApi } from '../api/ApiProvider.js';
import { kindLabel } from '../i18n/i18n.js';
import { addedStep, currentValue, overridableFields, overridesWith } from './layerEdits.js';

type Insert = NonNullable<TemplateOverrides['insert']>[number];

/**
 * Edits a client's layer on an MSP base flow: each step's settings beside the base's value,
 * and steps added on the edges the base allows. Saved as the layer's overrides (JSON merge
 * patches, `PUT /template-layers/:key/overrides`), never as a copy; the runtime validates the
 * effective flow and publishes it, or answers which step and field break it.
 */
export function LayerOverridesEditor({ layer, onSaved }: { layer: TemplateLayerView; onSaved(version: number): void }) {
  const { t } = useTranslation();
  const { api } = useApi();
  const fields = useMemo(() => overridableFields(layer.base), [layer.base]);
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(fields.map((f) => [`${f.nodeId}|${f.field}`, currentValue(layer.overrides, f)])),
  );
  const [inserts, setInserts] = useState<Insert[]>(layer.overrides.insert ?? []);
  const [draft, setDraft] = useState({ edge: layer.extensionPoints[0] ?? '', kind: 'timer' as 'timer' | 'humanTask', id: '', duration: 'PT1H', queue: '' });
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const nameOf = (id: string) => layer.base.nodes.find((n) => n.id === id)?.label ?? id;

  const save = async () => {
    setBusy(true);
    setProblems([]);
    try {
      const saved = await api.saveTemplateOverrides(layer.key, overridesWith(layer.base, layer.overrides, fields, values, inserts));
      onSaved(saved.version);
    } catch (e) {
      const errors = e instanceof ApiError ? (e.problem.errors ?? []) : [];
      // the code's sentence in the user's words, then each step and field the server names
      setProblems([describeApiError(e), ...errors.map((x) => `${x.path}: ${x.message}`)]);
    } finally {
      setBusy(false);
    }
  };
  const add = () => {
    if (!draft.id || !draft.edge) return;
    setInserts([...inserts, { edge: draft.edge, node: addedStep(draft.kind, draft.id, draft) }]);
    setDraft({ ...draft, id: '' });
  };

  return (
    <div className="layer-editor" data-testid={`layer-editor-${layer.key}`}>
      <table className="flow-table">
        <thead>
          <tr>
            <th>{t('layer.step')}</th>
            <th>{t('layer.setting')}</th>
            <th>{t('layer.base')}</th>
            <th>{t('layer.yours')}</th>
          </tr>
        </thead>
        <tbody>
          {fields.map((f) => {
            const key = `${f.nodeId}|${f.field}`;
            const changed = values[key] !== f.base;
            return (
              <tr key={key} className={changed ? 'layer-editor__changed' : undefined}>
                <td>{nameOf(f.nodeId)}</td>
                <td>
                  <code>{f.field}</code>
                </td>
                <td>{f.base || '—'}</td>
                <td>
                  <input
                    aria-label={`${f.nodeId} ${f.field}`}
                    data-testid={`override-${f.nodeId}-${f.field.replaceAll('/', '-')}`}
                    value={values[key] ?? ''}
                    onChange={(e) => setValues({ ...values, [key]: e.target.value })}
                  />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {layer.extensionPoints.length > 0 && (
        <fieldset className="layer-editor__steps">
          <legend>{t('layer.yourSteps')}</legend>
          <ul>
            {inserts.map((i) => (
              <li key={i.node.id} data-testid={`added-step-${i.node.id}`}>
                {t('layer.afterEdge', { id: i.node.id, kind: kindLabel(i.node.kind, i.node.kind), edge: i.edge })}{' '}
                <button type="button" className="button button--small" onClick={() => setInserts(inserts.filter((x) => x !== i))}>
                  {t('layer.remove')}
                </button>
              </li>
            ))}
          </ul>
          <label>
            {t('layer.edge')}{' '}
            <select data-testid="add-step-edge" value={draft.edge} onChange={(e) => setDraft({ ...draft, edge: e.target.value })}>
              {layer.extensionPoints.map((edge) => (
                <option key={edge} value={edge}>
                  {edge}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('layer.kind')}{' '}
            <select data-testid="add-step-kind" value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.target.value as 'timer' | 'humanTask' })}>
              <option value="timer">{t('layer.wait')}</option>
              <option value="humanTask">{t('layer.reviewTask')}</option>
            </select>
          </label>
          <label>
            {t('layer.id')} <input data-testid="add-step-id" value={draft.id} onChange={(e) => setDraft({ ...draft, id: e.target.value })} />
          </label>
          {draft.kind === 'timer' ? (
            <label>
              {t('layer.waitFor')}{' '}
              <input data-testid="add-step-duration" value={draft.duration} onChange={(e) => setDraft({ ...draft, duration: e.target.value })} />
            </label>
          ) : (
            <label>
              {t('layer.queue')} <input data-testid="add-step-queue" value={draft.queue} onChange={(e) => setDraft({ ...draft, queue: e.target.value })} />
            </label>
          )}
          <button type="button" className="button button--small" data-testid="add-step" onClick={add}>
            {t('layer.addStep')}
          </button>
        </fieldset>
      )}
      {problems.length > 0 && (
        <div className="banner banner--error" role="alert" data-testid="layer-editor-problems">
          {t('layer.notSaved')}
          <ul>
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}
      <button type="button" className="button" disabled={busy} data-testid="save-overrides" onClick={() => void save()}>
        {busy ? t('layer.saving') : t('layer.saveAndPublish')}
      </button>
    </div>
  );
}
