import { useTranslation } from 'react-i18next';

/** The formats, named as their tools name them (the same in every language). */
const EXPORTS = [
  { path: 'ocel.json', label: 'OCEL 2.0 JSON', file: 'exflow-ocel.json', accept: 'application/json' },
  { path: 'ocel.sqlite', label: 'OCEL 2.0 SQLite', file: 'exflow-ocel.sqlite', accept: 'application/vnd.sqlite3' },
  { path: 'xes', label: 'XES', file: 'exflow.xes', accept: 'application/xml' },
] as const;

/**
 * Downloads of the event log behind the figures, for process-mining tools (Celonis, PM4Py,
 * ProM...): the cases opened in the period that match the filters (docs/insights.md).
 */
export function ProcessMiningExport({ query, onExport }: { query: string | null; onExport(path: string, name: string, accept: string): void }) {
  const { t } = useTranslation();
  return (
    <section className="ws-card ins-export" aria-labelledby="ins-export-title" data-testid="process-mining-export">
      <h2 id="ins-export-title">{t('miningExport.title')}</h2>
      <p className="ins-help">{t('miningExport.help')}</p>
      <div className="ins-export__buttons">
        {EXPORTS.map((e) => (
          <button
            key={e.path}
            type="button"
            className="btn btn--secondary btn--small"
            disabled={query === null}
            data-testid={`export-${e.path}`}
            onClick={() => query !== null && onExport(`/insights/export/${e.path}?${query}`, e.file, e.accept)}
          >
            {e.label}
          </button>
        ))}
      </div>
    </section>
  );
}
