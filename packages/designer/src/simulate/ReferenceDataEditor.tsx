import type { ReferenceData } from '@exflow/shared';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { i18n } from '../i18n/i18n.js';
import { selectReferenceData } from '../store/simulationSlice.js';
import { useDesigner, useDesignerStore } from '../store/DesignerStoreProvider.js';
import { sampleReferenceData } from './samples.js';

const LISTS = ['suppliers', 'purchaseOrders', 'goodsReceipts', 'taxRates', 'earlierInvoices'] as const;

/** Why `value` is not reference data, or null: an object whose known keys are lists. */
function referenceProblem(value: unknown): string | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return i18n.t('reference.notObject');
  for (const key of LISTS) {
    const list = (value as Record<string, unknown>)[key];
    if (list !== undefined && !Array.isArray(list)) return i18n.t('reference.notList', { key });
  }
  return null;
}

/** The POs, goods receipts, suppliers and tax rates the simulator's checks compare the invoice with, as JSON. */
export function ReferenceDataEditor() {
  const store = useDesignerStore();
  const reference = useDesigner(selectReferenceData);
  const [text, setText] = useState(() => JSON.stringify(reference, null, 2));
  const [error, setError] = useState<string | null>(null);
  const { t } = useTranslation();
  // reference data set elsewhere (simulating a saved test case) replaces the text
  const shown = useRef(reference);
  if (shown.current !== reference) {
    shown.current = reference;
    const next = JSON.stringify(reference, null, 2);
    if (!error && text !== next && JSON.stringify(JSON.parse(text)) !== JSON.stringify(reference)) setText(next);
  }
  const change = (next: string) => {
    setText(next);
    let value: unknown;
    try {
      value = JSON.parse(next);
    } catch (e) {
      setError(t('invoicePicker.notJson', { message: (e as Error).message }));
      return;
    }
    const problem = referenceProblem(value);
    setError(problem);
    if (!problem) {
      shown.current = value as ReferenceData;
      store.getState().setReferenceData(value as ReferenceData);
    }
  };
  const counts = LISTS.filter((k) => reference[k]?.length).map((k) => t(`reference.${k}`, { count: reference[k]!.length }));
  return (
    <details className="reference-editor" data-testid="reference-editor">
      <summary>
        {t('reference.summary')}
        {counts.length ? ` (${counts.join(', ')})` : ''}
      </summary>
      <label className="pending__label" htmlFor="sim-reference">
        {t('reference.label')}
      </label>
      <textarea
        id="sim-reference"
        className="code-input"
        rows={12}
        value={text}
        onChange={(e) => change(e.target.value)}
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? 'sim-reference-error' : undefined}
        data-testid="reference-json"
      />
      {error && (
        <p className="json-field__error" id="sim-reference-error" role="alert">
          {error}
        </p>
      )}
      <button type="button" className="btn btn--ghost" onClick={() => change(JSON.stringify(sampleReferenceData, null, 2))}>
        {t('reference.reset')}
      </button>
    </details>
  );
}
