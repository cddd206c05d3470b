import { useReactFlow } from '@xyflow/react';
import { useEffect } from 'react';
import { useDesignerStore } from '../store/DesignerStoreProvider.js';
import { isTyping, shortcutFor, type ShortcutAction } from './shortcuts.js';

/** Wires the canvas shortcuts to the store while the designer is open. */
export function useCanvasShortcuts(options: { readOnly: boolean; layout(): void; onHelp(): void }) {
  const store = useDesignerStore();
  const flow = useReactFlow();
  const { readOnly, layout, onHelp } = options;
  useEffect(() => {
    const run: Record<ShortcutAction, () => unknown> = {
      undo: () => store.getState().undo(),
      redo: () => store.getState().redo(),
      copy: () => store.getState().copySelection(),
      cut: () => store.getState().cutSelection(),
      paste: () => store.getState().paste(),
      duplicate: () => store.getState().duplicateSelection(),
      selectAll: () => store.getState().selectAll(),
      fit: () => flow.fitView({ duration: 250, padding: 0.12 }),
      layout,
      deselect: () => store.getState().clearSelection(),
      help: onHelp,
    };
    const editing = new Set<ShortcutAction>(['undo', 'redo', 'cut', 'paste', 'duplicate', 'layout']);
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target)) return;
      const action = shortcutFor(e);
      if (!action || (readOnly && editing.has(action))) return;
      e.preventDefault();
      run[action]();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, flow, readOnly, layout, onHelp]);
}
