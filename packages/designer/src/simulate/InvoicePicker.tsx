import { parseInvoice } from '@exflow/shared';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { sampleInvoices } from './samples.js';

/** Choose a bundled sample invoice or paste one as JSON; shared's `parseInvoice` checks it. */
export function InvoicePicker({
  onStart,
  disabled,
}: {
  onStart(invoice: ReturnType<typeof parseInvoice> & { ok: true }, raw: Record<string, unknown>): void;
  disabled: boolean;
}) {
  const [choice, setChoice] = useState(sampleInvoices[0].id);
  const [pasted, setPasted] = useState('');
  const [problems, setProblems] = useState<string[]>([]);
  const { t } = useTranslation();
  const start = () => {
    let raw: unknown;
    if (choice === 'paste') {
      try {
        raw = JSON.parse(pasted);
      } catch (e) {
        setProblems([t('invoicePicker.notJson', { message: (e as Error).message })]);
        return;
      }
    } else raw = sampleInvoices.find((s) => s.id === choice)!.invoice;
    const parsed = parseInvoice(raw);
    if (!parsed.ok) {
      setProblems(parsed.problems.map((p) => p.message));
      return;
    }
    setProblems([]);
    onStart(parsed, raw as Record<string, unknown>);
  };
  return (
    <div className="invoice-picker">
      <label className="inspector__field">
        <span>{t('invoicePicker.sample')}</span>
        <select value={choice} onChange={(e) => setChoice(e.target.value)} data-testid="sample-invoice">
          {sampleInvoices.map((s) => (
            <option key={s.id} value={s.id}>
              {t(`invoicePicker.${s.id as 'small-po'}`, { defaultValue: s.label })}
            </option>
          ))}
          <option value="paste">{t('invoicePicker.paste')}</option>
        </select>
      </label>
      {choice === 'paste' && (
        <textarea
          className="code-input"
          rows={8}
          placeholder='{ "invoiceNumber": "…", "lines": [ … ] }'
          value={pasted}
          onChange={(e) => setPasted(e.target.value)}
          spellCheck={false}
        />
      )}
      {problems.length > 0 && (
        <ul className="inspector__problems">
          {problems.map((p, i) => (
            <li key={i}>{p}</li>
          ))}
        </ul>
      )}
      <button type="button" className="btn btn--primary btn--block" onClick={start} disabled={disabled} data-testid="sim-start">
        {t('invoicePicker.start')}
      </button>
    </div>
  );
}
