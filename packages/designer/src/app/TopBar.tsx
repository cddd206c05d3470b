import type { WorkflowDefinition } from '@exflow/shared';
import { useDeferredValue, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { VersionSummary } from '../api/client.js';
import { selectDefinition, selectFlowName } from '../store/flowSlice.js';
import { selectCanRedo, selectCanUndo } from '../store/historySlice.js';
import { useDesigner, useDesignerStore } from '../store/DesignerStoreProvider.js';
import { diffDefinitions, hasChanges } from '../versions/diff.js';
import { LanguageSwitch } from '../i18n/LanguageSwitch.js';
import type { SaveState } from './useAutosave.js';

export interface TopBarProps {
  saveState: SaveState;
  versions: VersionSummary[];
  /** The latest published definition, to tell whether the draft differs from it. */
  latest: WorkflowDefinition | null;
  publishing: boolean;
  readOnly: boolean;
  /** Whether the heatmap of the latest published version is on the canvas. */
  heatmapOn: boolean;
  onHeatmap(): void;
  onBack(): void;
  onLayout(): void;
  onFit(): void;
  onHelp(): void;
  onPublish(): void;
}

/** Flow name, draft/published state, save state, history and view tools, Publish. */
export function TopBar(props: TopBarProps) {
  const store = useDesignerStore();
  const name = useDesigner(selectFlowName);
  const canUndo = useDesigner(selectCanUndo);
  const canRedo = useDesigner(selectCanRedo);
  const { saveState, readOnly } = props;
  const { t } = useTranslation();
  const saveText =
    saveState.status === 'error'
      ? t('topbar.notSaved', { message: saveState.message })
      : saveState.status === 'saved'
        ? saveState.at
          ? t('topbar.allSaved')
          : t('topbar.saved')
        : saveState.status === 'saving'
          ? t('topbar.saving')
          : t('topbar.unsaved');
  return (
    <header className="topbar">
      <button type="button" className="topbar__back" onClick={props.onBack} title={t('topbar.allFlows')}>
        {t('topbar.flows')}
      </button>
      <div className="topbar__title">
        <h1>{name}</h1>
        <PublishState versions={props.versions} latest={props.latest} />
        <span className={`topbar__save ${saveState.status === 'error' ? 'is-error' : ''}`} data-testid="save-state">
          {saveText}
        </span>
      </div>
      <div className="topbar__tools">
        <button
          type="button"
          className="icon-btn"
          onClick={() => store.getState().undo()}
          disabled={!canUndo || readOnly}
          title={t('topbar.undoTitle')}
          aria-label={t('topbar.undo')}
          data-testid="undo"
        >
          ↶
        </button>
        <button
          type="button"
          className="icon-btn"
          onClick={() => store.getState().redo()}
          disabled={!canRedo || readOnly}
          title={t('topbar.redoTitle')}
          aria-label={t('topbar.redo')}
          data-testid="redo"
        >
          ↷
        </button>
        <span className="topbar__sep" />
        <button
          type="button"
          className="btn btn--ghost"
          onClick={props.onLayout}
          disabled={readOnly}
          title={t('topbar.autoLayoutTitle')}
          data-testid="auto-layout"
        >
          {t('topbar.autoLayout')}
        </button>
        <button type="button" className="btn btn--ghost" onClick={props.onFit} title={t('topbar.fitTitle')}>
          {t('topbar.fit')}
        </button>
        <button type="button" className="icon-btn" onClick={props.onHelp} title={t('topbar.shortcutsTitle')} aria-label={t('topbar.shortcuts')}>
          ?
        </button>
        <span className="topbar__sep" />
        <button type="button" className="btn btn--primary" onClick={props.onPublish} disabled={props.publishing || readOnly} data-testid="publish">
          {props.publishing ? t('topbar.publishing') : t('topbar.publish')}
        </button>
        <button
          type="button"
          className="btn btn--ghost"
          onClick={props.onHeatmap}
          disabled={props.versions.length === 0}
          aria-pressed={props.heatmapOn}
          title={props.versions.length ? t('topbar.heatmapTitle') : t('topbar.publishFirst')}
          data-testid="heatmap-toggle"
        >
          {t('topbar.heatmap')}
        </button>
        <LanguageSwitch />
      </div>
    </header>
  );
}

/** "Draft · changes since v3" or "Published v3 · up to date": draft versus published, always visible. */
function PublishState({ versions, latest }: { versions: VersionSummary[]; latest: WorkflowDefinition | null }) {
  // deferred: comparing 1,000 steps must not slow down a drag
  const definition = useDeferredValue(useDesigner(selectDefinition));
  const { t } = useTranslation();
  const state = useMemo(() => {
    if (versions.length === 0) return { label: t('topbar.neverPublished'), tone: 'new' };
    const version = versions[0].version;
    if (!latest) return { label: t('topbar.published', { version }), tone: 'published' };
    return hasChanges(diffDefinitions(latest, definition))
      ? { label: t('topbar.changesSince', { version }), tone: 'draft' }
      : { label: t('topbar.upToDate', { version }), tone: 'published' };
  }, [versions, latest, definition, t]);
  return (
    <span className={`chip chip--${state.tone}`} data-testid="publish-state">
      {state.label}
    </span>
  );
}
