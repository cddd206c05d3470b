import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeApiError, type TemplateLayerView } from '../api/client.js';
import { useApi } from '../api/ApiProvider.js';
import { LayerOverridesEditor } from './LayerOverridesEditor.js';

const show = (value: unknown) => (value === null || value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value));

/**
 * Base vs override of a flow that stands on the MSP's base: what this client changed, value by
 * value, and the last upgrade's conflicts; "Edit overrides" opens the layer's editor.
 */
export function LayerDiff({ flowKey, onSaved }: { flowKey: string; onSaved?(): void }) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [layer, setLayer] = useState<TemplateLayerView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<number | null>(null);
  useEffect(() => {
    api.getTemplateLayer(flowKey).then(setLayer, (e: unknown) => setError(describeApiError(e)));
  }, [api, flowKey, saved]);
  if (error) return <div className="banner banner--error">{error}</div>;
  if (!layer) return <>{t('layer.loading')}</>;
  const conflicts = layer.report.filter((r) => r.status === 'conflict');
  return (
    <div data-testid={`layer-diff-${flowKey}`}>
      <p>
        {t('layer.standsOn', { pack: layer.pack, version: layer.baseVersion, msp: layer.msp })}{' '}
        {layer.diff.length ? t('layer.overrides', { count: layer.diff.length }) : t('layer.noOverrides')}
      </p>
      {layer.diff.length > 0 && (
        <table className="flow-table">
          <thead>
            <tr>
              <th>{t('layer.step')}</th>
              <th>{t('layer.field')}</th>
              <th>{t('layer.base')}</th>
              <th>{t('layer.yours')}</th>
            </tr>
          </thead>
          <tbody>
            {layer.diff.map((d) => (
              <tr key={`${d.nodeId}${d.path}`}>
                <td>{d.nodeId}</td>
                <td>
                  <code>{d.path}</code>
                </td>
                <td>{show(d.base)}</td>
                <td>{show(d.override)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {saved !== null && (
        <div className="banner" role="status" data-testid="layer-saved">
          {t('layer.saved', { version: saved })}
        </div>
      )}
      <button type="button" className="button button--small" data-testid={`layer-edit-${flowKey}`} onClick={() => setEditing(!editing)}>
        {editing ? t('layer.closeEditor') : t('layer.edit')}
      </button>
      {editing && (
        <LayerOverridesEditor
          key={saved ?? 0}
          layer={layer}
          onSaved={(version) => {
            setSaved(version);
            setEditing(false);
            onSaved?.();
          }}
        />
      )}
      {conflicts.length > 0 && (
        <div className="banner banner--warn" role="status">
          {t('layer.conflicts', { count: conflicts.length })}
          <ul>
            {conflicts.map((c) => (
              <li key={c.nodeId}>{c.message}</li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
