import { nodeCatalogue, type NodeGroup } from '@exflow/shared';
import { useMemo, useState } from 'react';
import { createPortal } from 'react-dom';
import { KindIcon } from './KindIcon.js';
import { usePaletteDrag } from './usePaletteDrag.js';

const GROUPS: { id: NodeGroup; label: string }[] = [
  { id: 'flow', label: 'Flow' },
  { id: 'checks', label: 'Checks' },
  { id: 'people', label: 'People' },
  { id: 'logic', label: 'Rules & decisions' },
  { id: 'integration', label: 'Systems' },
  { id: 'end', label: 'Finish' },
];

/** Step kinds from shared's node catalogue, grouped by purpose, with a filter box. */
export function Palette({ disabled }: { disabled: boolean }) {
  const [filter, setFilter] = useState('');
  const { ghost, startDrag, addInView } = usePaletteDrag();
  const groups = useMemo(() => {
    const q = filter.trim().toLowerCase();
    const matches = nodeCatalogue.filter((k) => !q || `${k.label} ${k.description} ${k.kind}`.toLowerCase().includes(q));
    return GROUPS.map((g) => ({ ...g, kinds: matches.filter((k) => k.group === g.id) })).filter((g) => g.kinds.length > 0);
  }, [filter]);

  return (
    <aside className={`palette ${disabled ? 'is-disabled' : ''}`} aria-label="Steps">
      <div className="palette__search">
        <input
          type="search"
          placeholder="Filter steps…"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          aria-label="Filter steps"
          data-testid="palette-filter"
        />
      </div>
      <div className="palette__groups">
        {groups.map((group) => (
          <section key={group.id} className="palette__group">
            <h3>{group.label}</h3>
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
        {groups.length === 0 && <p className="palette__none">No step matches “{filter}”.</p>}
      </div>
      {ghost &&
        createPortal(
          <div className="palette-ghost" style={{ transform: `translate(${ghost.x + 8}px, ${ghost.y + 8}px)` }}>
            {nodeCatalogue.find((k) => k.kind === ghost.kind)?.label}
          </div>,
          document.body,
        )}
    </aside>
  );
}
