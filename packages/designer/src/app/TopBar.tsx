import type { WorkflowDefinition } from '@exflow/shared';
import { useDeferredValue, useMemo } from 'react';
import type { VersionSummary } from '../api/client.js';
import { selectDefinition, selectFlowName } from '../store/flowSlice.js';
import { selectCanRedo, selectCanUndo } from '../store/historySlice.js';
import { useDesigner, useDesignerStore } from '../store/DesignerStoreProvider.js';
import { diffDefinitions, hasChanges } from '../versions/diff.js';
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
  const saveText =
    saveState.status === 'error'
      ? `Not saved: ${saveState.message}`
      : saveState.status === 'saved'
        ? saveState.at
          ? 'All changes saved'
          : 'Saved'
        : saveState.status === 'saving'
          ? 'Saving…'
          : 'Unsaved changes';
  return (
    <header className="topbar">
      <button type="button" className="topbar__back" onClick={props.onBack} title="All flows">
        ← Flows
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
          title="Undo (Ctrl+Z)"
          aria-label="Undo"
          data-testid="undo"
        >
          ↶
        </button>
        <button
          type="button"
          className="icon-btn"
          onClick={() => store.getState().redo()}
          disabled={!canRedo || readOnly}
          title="Redo (Ctrl+Shift+Z)"
          aria-label="Redo"
          data-testid="redo"
        >
          ↷
        </button>
        <span className="topbar__sep" />
        <button type="button" className="btn btn--ghost" onClick={props.onLayout} disabled={readOnly} title="Auto-layout (Shift+L)" data-testid="auto-layout">
          Auto-layout
        </button>
        <button type="button" className="btn btn--ghost" onClick={props.onFit} title="Zoom to fit (Shift+1)">
          Fit
        </button>
        <button type="button" className="icon-btn" onClick={props.onHelp} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">
          ?
        </button>
        <span className="topbar__sep" />
        <button type="button" className="btn btn--primary" onClick={props.onPublish} disabled={props.publishing || readOnly} data-testid="publish">
          {props.publishing ? 'Publishing…' : 'Publish'}
        </button>
        <button
          type="button"
          className="btn btn--ghost"
          onClick={props.onHeatmap}
          disabled={props.versions.length === 0}
          aria-pressed={props.heatmapOn}
          title={props.versions.length ? 'Cases, dwell and SLA per step of the published version, over the last 30 days' : 'Publish the flow first'}
          data-testid="heatmap-toggle"
        >
          Heatmap
        </button>
      </div>
    </header>
  );
}

/** "Draft · changes since v3" or "Published v3 · up to date": draft versus published, always visible. */
function PublishState({ versions, latest }: { versions: VersionSummary[]; latest: WorkflowDefinition | null }) {
  // deferred: comparing 1,000 steps must not slow down a drag
  const definition = useDeferredValue(useDesigner(selectDefinition));
  const state = useMemo(() => {
    if (versions.length === 0) return { label: 'Draft · never published', tone: 'new' };
    const v = versions[0].version;
    if (!latest) return { label: `Published v${v}`, tone: 'published' };
    return hasChanges(diffDefinitions(latest, definition))
      ? { label: `Draft · changes since v${v}`, tone: 'draft' }
      : { label: `Published v${v} · up to date`, tone: 'published' };
  }, [versions, latest, definition]);
  return (
    <span className={`chip chip--${state.tone}`} data-testid="publish-state">
      {state.label}
    </span>
  );
}
