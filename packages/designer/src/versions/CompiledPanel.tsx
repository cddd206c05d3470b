import { compile } from '@exflow/shared';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { VersionSummary } from '../api/client.js';
import { selectDefinition } from '../store/flowSlice.js';
import { useDesigner } from '../store/DesignerStoreProvider.js';

/** The XState machine the draft compiles to (or a version's stored one), read-only. */
export function CompiledPanel({ versions, loadCompiled }: { versions: VersionSummary[]; loadCompiled(version: number): Promise<unknown> }) {
  const definition = useDesigner(selectDefinition);
  const [choice, setChoice] = useState('draft');
  const { t } = useTranslation();
  const [stored, setStored] = useState<{ version: string; compiled: unknown } | null>(null);
  const draft = useMemo(() => (choice === 'draft' ? compile(definition) : null), [choice, definition]);
  useEffect(() => {
    if (choice === 'draft') return;
    let live = true;
    loadCompiled(Number(choice)).then(
      (compiled) => live && setStored({ version: choice, compiled }),
      (e: Error) => live && setStored({ version: choice, compiled: { error: e.message } }),
    );
    return () => {
      live = false;
    };
  }, [choice, loadCompiled]);
  const text = draft
    ? draft.ok
      ? JSON.stringify(draft.flow, null, 2)
      : null
    : stored?.version === choice
      ? JSON.stringify(stored.compiled, null, 2)
      : t('common.loading');
  return (
    <div className="compiled" data-testid="compiled-panel">
      <div className="compare-row">
        <select value={choice} onChange={(e) => setChoice(e.target.value)} aria-label={t('compiled.which')}>
          <option value="draft">{t('compiled.draft')}</option>
          {versions.map((v) => (
            <option key={v.version} value={String(v.version)}>
              {t('compiled.version', { version: v.version })}
            </option>
          ))}
        </select>
        {text && (
          <button type="button" className="btn btn--ghost btn--small" onClick={() => void navigator.clipboard?.writeText(text)}>
            {t('compiled.copy')}
          </button>
        )}
      </div>
      {draft && !draft.ok ? (
        <div className="banner banner--warn">{t('compiled.notCompiling', { count: draft.problems.length })}</div>
      ) : (
        <pre className="json-view json-view--tall" data-testid="compiled-json">
          {text}
        </pre>
      )}
    </div>
  );
}
