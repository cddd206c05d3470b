/** Keyboard shortcuts of the canvas, listed once: the handler and the help overlay read this (what each does: `shortcuts.<action>` in the catalogue). */
export const SHORTCUTS = [
  { keys: 'Ctrl+Z', action: 'undo' },
  { keys: 'Ctrl+Shift+Z', action: 'redo' },
  { keys: 'Ctrl+C', action: 'copy' },
  { keys: 'Ctrl+X', action: 'cut' },
  { keys: 'Ctrl+V', action: 'paste' },
  { keys: 'Ctrl+D', action: 'duplicate' },
  { keys: 'Ctrl+A', action: 'selectAll' },
  { keys: 'Delete', action: 'delete' },
  { keys: 'Shift+drag', action: 'boxSelect' },
  { keys: 'Shift+1', action: 'fit' },
  { keys: 'Shift+L', action: 'layout' },
  { keys: 'Double-click', action: 'quickAdd' },
  { keys: 'Esc', action: 'deselect' },
] as const;

export type ShortcutAction = 'undo' | 'redo' | 'copy' | 'cut' | 'paste' | 'duplicate' | 'selectAll' | 'fit' | 'layout' | 'deselect' | 'help';

/** The action a key press asks for, or undefined. `Ctrl` also means `Cmd` on macOS. */
export function shortcutFor(e: Pick<KeyboardEvent, 'key' | 'code' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>): ShortcutAction | undefined {
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (e.altKey) return undefined;
  if (mod && key === 'z') return e.shiftKey ? 'redo' : 'undo';
  if (mod && key === 'y') return 'redo';
  if (mod && !e.shiftKey) {
    if (key === 'c') return 'copy';
    if (key === 'x') return 'cut';
    if (key === 'v') return 'paste';
    if (key === 'd') return 'duplicate';
    if (key === 'a') return 'selectAll';
    return undefined;
  }
  if (mod) return undefined;
  if (e.shiftKey && e.code === 'Digit1') return 'fit';
  if (e.shiftKey && key === 'l') return 'layout';
  if (key === 'Escape') return 'deselect';
  if (key === '?') return 'help';
  return undefined;
}

/** True when the key press belongs to a text field (its own undo, copy and paste win). */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}
