import type { WorkflowDefinition } from '@exflow/shared';
import { useState } from 'react';
import priceVariance from '../../../../templates/ap-exceptions/price-variance.workflow.json';
import { describeApiError, type DefinitionRecord } from '../api/client.js';
import { useApi } from '../api/ApiProvider.js';
import { blankDefinition, freeKey, keyFromName } from './flowFactory.js';

const TEMPLATES: { id: string; label: string; definition?: WorkflowDefinition }[] = [
  { id: 'blank', label: 'Blank canvas' },
  { id: 'price-variance', label: 'Template: price variance (3-way match, review, SLA escalation)', definition: priceVariance as WorkflowDefinition },
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
  const effectiveKey = key || freeKey(keyFromName(name || 'new flow'), takenKeys);
  const create = async () => {
    setError(null);
    const source = TEMPLATES.find((t) => t.id === template)?.definition;
    const flowName = name.trim() || 'New flow';
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
        aria-label="New flow"
        onClick={(e) => e.stopPropagation()}
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <header className="modal__head">
          <h2>New flow</h2>
          <button type="button" className="btn btn--ghost btn--small" onClick={onClose} aria-label="Close">
            ✕
          </button>
        </header>
        <label className="inspector__field">
          <span>Name</span>
          <input autoFocus value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Price variance EU" data-testid="new-flow-name" />
        </label>
        <label className="inspector__field">
          <span>Key (permanent, used by triggers and the API)</span>
          <input value={effectiveKey} onChange={(e) => setKey(e.target.value.toLowerCase())} pattern="[a-z0-9][a-z0-9\-]{0,63}" />
        </label>
        <label className="inspector__field">
          <span>Start from</span>
          <select value={template} onChange={(e) => setTemplate(e.target.value)}>
            {TEMPLATES.map((t) => (
              <option key={t.id} value={t.id}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        {error && <div className="banner banner--error">{error}</div>}
        <footer className="modal__actions">
          <button type="button" className="btn btn--ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn--primary" data-testid="new-flow-create">
            Create
          </button>
        </footer>
      </form>
    </div>
  );
}
