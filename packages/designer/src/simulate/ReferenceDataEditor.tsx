import type { ReferenceData } from '@exflow/shared';
import { useRef, useState } from 'react';
import { selectReferenceData } from '../store/simulationSlice.js';
import { useDesigner, useDesignerStore } from '../store/DesignerStoreProvider.js';
import { sampleReferenceData } from './samples.js';

const LISTS = ['suppliers', 'purchaseOrders', 'goodsReceipts', 'taxRates', 'earlierInvoices'] as const;

/** Why `value` is not reference data, or null: an object whose known keys are lists. */
function referenceProblem(value: unknown): string | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'Reference data is a JSON object: { "purchaseOrders": [ … ], … }';
  for (const key of LISTS) {
    const list = (value as Record<string, unknown>)[key];
    if (list !== undefined && !Array.isArray(list)) return `${key} must be a list`;
  }
  return null;
}

/** The POs, goods receipts, suppliers and tax rates the simulator's checks compare the invoice with, as JSON. */
export function ReferenceDataEditor() {
  const store = useDesignerStore();
  const reference = useDesigner(selectReferenceData);
  const [text, setText] = useState(() => JSON.stringify(reference, null, 2));
  const [error, setError] = useState<string | null>(null);
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
      setError(`Not JSON: ${(e as Error).message}`);
      return;
    }
    const problem = referenceProblem(value);
    setError(problem);
    if (!problem) {
      shown.current = value as ReferenceData;
      store.getState().setReferenceData(value as ReferenceData);
    }
  };
  const counts = LISTS.filter((k) => reference[k]?.length).map((k) => `${reference[k]!.length} ${k}`);
  return (
    <details className="reference-editor" data-testid="reference-editor">
      <summary>Reference data the checks use{counts.length ? ` (${counts.join(', ')})` : ''}</summary>
      <label className="pending__label" htmlFor="sim-reference">
        Purchase orders, goods receipts, suppliers, tax rates (JSON, as in a template's reference-data.json)
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
        Reset to the sample data
      </button>
    </details>
  );
}
