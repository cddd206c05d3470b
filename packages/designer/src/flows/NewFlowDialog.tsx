import type { WorkflowDefinition } from '@exflow/shared';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import priceVariance from '../../../../templates/ap-exceptions/price-variance.workflow.json';
import { describeApiError, type DefinitionRecord } from '../api/client.js';
import { useApi } from '../api/ApiProvider.js';
import { blankDefinition, freeKey, keyFromName } from './flowFactory.js';

/** The choices: `id` is the option's value (a template's key), `label` its catalogue text. */
const TEMPLATES: { id: string; label: 'blank' | 'priceVariance'; definition?: WorkflowDefinition }[] = [
  { id: 'blank', label: 'blank' },
  { id: 'price-variance', label: 'priceVariance', definition: priceVariance as WorkflowDefinition },
];

/** Names a new flow and creates its draft, blank or from a template. */
export function NewFlowDialog({
  takenKeys,
  onClose,
  onCreated,
}: {
  takenKeys: ReadonlySet<string>;
  onClose(): void;
  onCreated(record: DefinitionRecord): void;
}) {
  const { api } = useApi();
  const [name, setName] = useState('');
  const [key, setKey] = useState('');
  const [template, setTemplate] = useState('blank');
  const [error, setError] = useState<string | null>(null);
  const { t } = useTranslation();
  const effectiveKey = key || freeKey(keyFromName(name || 'new flow'), takenKeys);
  const create = async () => {
    setError(null);
    const source = TEMPLATES.find((choice) => choice.id === template)?.definition;
    const flowName = name.trim() || t('newFlow.defaultName');
    const definition = source ? { ...structuredClone(source), name: flowName, key: effectiveKey } : blankDefinition(flowName, effectiveKey);
    try {
      onCreated(await api.createDefinition(definition));
    } catch (e) {
      setError(describeApiError(e));
    }
  };
  return (
    <div className="modal-backdrop" role="presentation" onClick={onClose}>
      <form
        className="modal"
        role="dialog"
        aria-label={t('newFlow.title')}
        onClick={(e) => e.stopPropagation()}
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <header className="modal__head">
          <h2>{t('newFlow.title')}</h2>
          <button type="button" className="btn btn--ghost btn--small" onClick={onClose} aria-label={t('common.close')}>
            ✕
          </button>
        </header>
        <label className="inspector__field">
          <span>{t('newFlow.name')}</span>
          <input autoFocus value={name} onChange={(e) => setName(e.target.value)} placeholder={t('newFlow.namePlaceholder')} data-testid="new-flow-name" />
        </label>
        <label className="inspector__field">
          <span>{t('newFlow.key')}</span>
          <input value={effectiveKey} onChange={(e) => setKey(e.target.value.toLowerCase())} pattern="[a-z0-9][a-z0-9\-]{0,63}" />
        </label>
        <label className="inspector__field">
          <span>{t('newFlow.startFrom')}</span>
          <select value={template} onChange={(e) => setTemplate(e.target.value)}>
            {TEMPLATES.map((choice) => (
              <option key={choice.id} value={choice.id}>
                {t(`newFlow.${choice.label}`)}
              </option>
            ))}
          </select>
        </label>
        {error && <div className="banner banner--error">{error}</div>}
        <footer className="modal__actions">
          <button type="button" className="btn btn--ghost" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn btn--primary" data-testid="new-flow-create">
            {t('newFlow.create')}
          </button>
        </footer>
      </form>
    </div>
  );
}
