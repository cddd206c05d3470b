import { selectFlowName } from '../store/flowSlice.js';
import { selectCanRedo, selectCanUndo } from '../store/historySlice.js';
import { useDesigner, useDesignerStore } from '../store/DesignerStoreProvider.js';
import type { SaveState } from './useAutosave.js';

export interface TopBarProps {
  saveState: SaveState;
  publishState: { label: string; tone: 'draft' | 'published' | 'new' };
  publishing: boolean;
  readOnly: boolean;
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
  const { saveState, publishState, readOnly } = props;
  const saveText =
    saveState.status === 'error' ? `Not saved: ${saveState.message}` : saveState.status === 'saved' ? (saveState.at ? 'All changes saved' : 'Saved') : saveState.status === 'saving' ? 'Saving…' : 'Unsaved changes';
  return (
    <header className="topbar">
      <button type="button" className="topbar__back" onClick={props.onBack} title="All flows">
        ← Flows
      </button>
      <div className="topbar__title">
        <h1>{name}</h1>
        <span className={`chip chip--${publishState.tone}`} data-testid="publish-state">{publishState.label}</span>
        <span className={`topbar__save ${saveState.status === 'error' ? 'is-error' : ''}`} data-testid="save-state">{saveText}</span>
      </div>
      <div className="topbar__tools">
        <button type="button" className="icon-btn" onClick={() => store.getState().undo()} disabled={!canUndo || readOnly} title="Undo (Ctrl+Z)" aria-label="Undo" data-testid="undo">↶</button>
        <button type="button" className="icon-btn" onClick={() => store.getState().redo()} disabled={!canRedo || readOnly} title="Redo (Ctrl+Shift+Z)" aria-label="Redo" data-testid="redo">↷</button>
        <span className="topbar__sep" />
        <button type="button" className="btn btn--ghost" onClick={props.onLayout} disabled={readOnly} title="Auto-layout (Shift+L)" data-testid="auto-layout">Auto-layout</button>
        <button type="button" className="btn btn--ghost" onClick={props.onFit} title="Zoom to fit (Shift+1)">Fit</button>
        <button type="button" className="icon-btn" onClick={props.onHelp} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">?</button>
        <span className="topbar__sep" />
        <button type="button" className="btn btn--primary" onClick={props.onPublish} disabled={props.publishing || readOnly} data-testid="publish">
          {props.publishing ? 'Publishing…' : 'Publish'}
        </button>
      </div>
    </header>
  );
}
