import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { problemText } from '../i18n/designerText.js';
import { ApiError, describeApiError, type DefinitionRecord } from '../api/client.js';
import { useApi } from '../api/ApiProvider.js';
import { parseDefinitionImport, type ImportResult } from './flowFactory.js';

/** Paste or upload definition JSON; an invalid definition is refused with its problems, nothing saved. */
export function ImportDialog({ onClose, onImported }: { onClose(): void; onImported(record: DefinitionRecord): void }) {
  const { api } = useApi();
  const [text, setText] = useState('');
  const [problems, setProblems] = useState<(ImportResult & { ok: false })['problems']>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { t } = useTranslation();

  const submit = async () => {
    setError(null);
    const parsed = parseDefinitionImport(text);
    if (!parsed.ok) {
      setProblems(parsed.problems);
      return;
    }
    setProblems([]);
    setBusy(true);
    try {
      onImported(await api.createDefinition(parsed.definition));
    } catch (e) {
      if (e instanceof ApiError && e.problem.errors) setProblems(e.problem.errors);
      setError(describeApiError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="modal-backdrop" role="presentation" onClick={onClose}>
      <div className="modal modal--wide" role="dialog" aria-label={t('importFlow.title')} onClick={(e) => e.stopPropagation()} data-testid="import-dialog">
        <header className="modal__head">
          <h2>{t('importFlow.title')}</h2>
          <button type="button" className="btn btn--ghost btn--small" onClick={onClose} aria-label={t('common.close')}>
            ✕
          </button>
        </header>
        <p className="panel-intro">{t('importFlow.intro')}</p>
        <input
          type="file"
          aria-label={t('importFlow.file')}
          accept="application/json,.json"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            if (file) setText(await file.text());
          }}
        />
        <textarea
          className="code-input"
          rows={14}
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder='{ "schemaVersion": 1, "key": "…", "nodes": [ … ], "edges": [ … ] }'
          spellCheck={false}
          aria-label={t('importFlow.text')}
          data-testid="import-text"
        />
        {problems.length > 0 && (
          <div className="banner banner--error" data-testid="import-problems">
            {t('importFlow.refused', { count: problems.length })}
            <ul>
              {problems.slice(0, 30).map((p, i) => (
                <li key={i}>
                  {p.nodeId || p.edgeId ? <code>{p.nodeId ?? p.edgeId}</code> : null} {problemText({ code: '', ...p })}
                </li>
              ))}
            </ul>
          </div>
        )}
        {error && problems.length === 0 && <div className="banner banner--error">{error}</div>}
        <footer className="modal__actions">
          <button type="button" className="btn btn--ghost" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="button" className="btn btn--primary" onClick={() => void submit()} disabled={busy || !text.trim()} data-testid="import-submit">
            {t('importFlow.import')}
          </button>
        </footer>
      </div>
    </div>
  );
}
