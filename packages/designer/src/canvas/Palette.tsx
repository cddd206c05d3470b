import { nodeCatalogue, type NodeGroup } from '@exflow/shared';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { kindDescription, kindLabel } from '../i18n/i18n.js';
import { createPortal } from 'react-dom';
import { KindIcon } from './KindIcon.js';
import { usePaletteDrag } from './usePaletteDrag.js';

const GROUPS = ['flow', 'checks', 'people', 'logic', 'integration', 'end'] as const satisfies readonly NodeGroup[];

/** Step kinds from shared's node catalogue, grouped by purpose, with a filter box. */
export function Palette({ disabled }: { disabled: boolean }) {
  const [filter, setFilter] = useState('');
  const { ghost, startDrag, addInView } = usePaletteDrag();
  const { t, i18n } = useTranslation();
  const groups = useMemo(() => {
    const q = filter.trim().toLowerCase();
    const kinds = nodeCatalogue.map((k) => ({ ...k, label: kindLabel(k.kind, k.label), description: kindDescription(k.kind, k.description) }));
    // the filter finds a step by its name in the user's language, its English name or its kind
    const matches = kinds.filter(
      (k) => !q || `${k.label} ${k.description} ${k.kind} ${nodeCatalogue.find((n) => n.kind === k.kind)?.label}`.toLowerCase().includes(q),
    );
    return GROUPS.map((id) => ({ id, kinds: matches.filter((k) => k.group === id) })).filter((g) => g.kinds.length > 0);
  }, [filter, i18n.language]); // eslint-disable-line react-hooks/exhaustive-deps -- the labels follow the language

  return (
    <aside className={`palette ${disabled ? 'is-disabled' : ''}`} aria-label={t('palette.steps')}>
      <div className="palette__search">
        <input
          type="search"
          placeholder={t('palette.filter')}
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          aria-label={t('palette.filterLabel')}
          data-testid="palette-filter"
        />
      </div>
      <div className="palette__groups">
        {groups.map((group) => (
          <section key={group.id} className="palette__group">
            <h3>{t(`palette.${group.id}`)}</h3>
            {group.kinds.map((kind) => (
              <div
                key={kind.kind}
                role="button"
                tabIndex={disabled ? -1 : 0}
                className={`palette-item palette-item--${kind.group}`}
                data-kind={kind.kind}
                title={kind.description}
                onPointerDown={disabled ? undefined : (e) => startDrag(kind.kind, e)}
                onKeyDown={(e) => {
                  if (!disabled && (e.key === 'Enter' || e.key === ' ')) {
                    e.preventDefault();
                    addInView(kind.kind);
                  }
                }}
              >
                <span className="palette-item__icon" aria-hidden>
                  <KindIcon glyph={kind.icon} />
                </span>
                <span className="palette-item__text">
                  <span className="palette-item__label">{kind.label}</span>
                  <span className="palette-item__desc">{kind.description}</span>
                </span>
              </div>
            ))}
          </section>
        ))}
        {groups.length === 0 && <p className="palette__none">{t('palette.none', { filter })}</p>}
      </div>
      {ghost &&
        createPortal(
          <div className="palette-ghost" style={{ transform: `translate(${ghost.x + 8}px, ${ghost.y + 8}px)` }}>
            {kindLabel(ghost.kind, nodeCatalogue.find((k) => k.kind === ghost.kind)?.label ?? ghost.kind)}
          </div>,
          document.body,
        )}
    </aside>
  );
}
