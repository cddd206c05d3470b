import { useTranslation } from 'react-i18next';
import { SHORTCUTS } from '../canvas/shortcuts.js';

/** Key names that differ between keyboards' languages (Ctrl is Strg on a German keyboard). */
const KEY_NAMES = { Ctrl: 'ctrl', Shift: 'shift', Delete: 'delete', drag: 'drag', 'Double-click': 'doubleClick' } as const;

/** The keyboard shortcuts, from the same list the handler uses. */
export function ShortcutHelp({ onClose }: { onClose(): void }) {
  const { t } = useTranslation();
  return (
    <div className="modal-backdrop" onClick={onClose} role="presentation">
      <div className="modal" role="dialog" aria-label={t('shortcuts.title')} onClick={(e) => e.stopPropagation()}>
        <header className="modal__head">
          <h2>{t('shortcuts.title')}</h2>
          <button type="button" className="btn btn--ghost btn--small" onClick={onClose} aria-label={t('common.close')}>
            ✕
          </button>
        </header>
        <table className="shortcut-table">
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.action}>
                <td>
                  <kbd>
                    {s.keys
                      .split('+')
                      .map((part) => (part in KEY_NAMES ? t(`keys.${KEY_NAMES[part as keyof typeof KEY_NAMES]}`) : part))
                      .join('+')}
                  </kbd>
                </td>
                <td>{t(`shortcuts.${s.action}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
