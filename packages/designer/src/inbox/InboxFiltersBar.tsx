import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { selectFilters, selectSummary, selectView } from './inboxStore.js';
import { useInbox, useInboxStore } from './InboxStoreProvider.js';
import { exceptionLabel } from '../workspace/format.js';
import { useWorkspace } from '../workspace/WorkspaceApp.js';
import type { InboxFilters } from '../workspace/workspaceApi.js';

/** Filters by exception kind, supplier, business unit, amount range and due date (and holder, in the team view). */
export function InboxFiltersBar() {
  const filters = useInbox(selectFilters);
  const summary = useInbox(selectSummary);
  const view = useInbox(selectView);
  const store = useInboxStore();
  const { team } = useWorkspace();
  const { t } = useTranslation();
  const set =
    <K extends keyof InboxFilters>(key: K) =>
    (value: InboxFilters[K]) =>
      store.getState().setFilter(key, value);
  const facets = summary?.facets;
  const active = Object.values(filters).some((v) => v !== undefined && v !== '');
  return (
    <div className="inbox-filters" data-testid="inbox-filters">
      <label>
        <span>{t('filters.exception')}</span>
        <select value={filters.exceptionKind ?? ''} onChange={(e) => set('exceptionKind')(e.target.value)} data-testid="filter-exception">
          <option value="">{t('filters.any')}</option>
          {facets?.exceptionKinds.map((f) => (
            <option key={f.value} value={f.value}>
              {exceptionLabel(f.value)} ({f.count})
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('filters.supplier')}</span>
        <select value={filters.supplier ?? ''} onChange={(e) => set('supplier')(e.target.value)} data-testid="filter-supplier">
          <option value="">{t('filters.any')}</option>
          {facets?.suppliers.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label ?? f.value} ({f.count})
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('filters.businessUnit')}</span>
        <select value={filters.businessUnit ?? ''} onChange={(e) => set('businessUnit')(e.target.value)}>
          <option value="">{t('filters.any')}</option>
          {facets?.businessUnits.map((f) => (
            <option key={f.value} value={f.value}>
              {f.value} ({f.count})
            </option>
          ))}
        </select>
      </label>
      <AmountField label={t('filters.amountFrom')} value={filters.amountMin} onCommit={set('amountMin')} />
      <AmountField label={t('filters.amountTo')} value={filters.amountMax} onCommit={set('amountMax')} />
      <label>
        <span>{t('filters.dueBy')}</span>
        <input
          type="date"
          value={filters.dueBefore?.slice(0, 10) ?? ''}
          onChange={(e) => set('dueBefore')(e.target.value ? `${e.target.value}T23:59:59Z` : undefined)}
        />
      </label>
      {view === 'team' && (
        <label>
          <span>{t('filters.heldBy')}</span>
          <select value={filters.assignee ?? ''} onChange={(e) => set('assignee')(e.target.value)}>
            <option value="">{t('filters.anyone')}</option>
            {team.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <button type="button" className="btn btn--ghost btn--small inbox-filters__clear" disabled={!active} onClick={() => store.getState().clearFilters()}>
        {t('filters.clear')}
      </button>
    </div>
  );
}

/** An amount typed freely, applied on Enter or leaving the field; only digits and one decimal point. */
function AmountField({ label, value, onCommit }: { label: string; value: string | undefined; onCommit(value: string | undefined): void }) {
  const [text, setText] = useState(value ?? '');
  useEffect(() => setText(value ?? ''), [value]);
  const valid = text === '' || /^\d{1,15}(\.\d{1,6})?$/.test(text);
  const commit = () => {
    if (valid && text !== (value ?? '')) onCommit(text || undefined);
  };
  return (
    <label className="inbox-filters__amount">
      <span>{label}</span>
      <input
        inputMode="decimal"
        placeholder="0.00"
        value={text}
        aria-invalid={!valid}
        onChange={(e) => setText(e.target.value.trim())}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
    </label>
  );
}
