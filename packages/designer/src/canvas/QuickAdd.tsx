import { nodeCatalogue } from '@exflow/shared';
import { useReactFlow } from '@xyflow/react';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { kindDescription, kindLabel } from '../i18n/i18n.js';
import { useDesignerStore } from '../store/DesignerStoreProvider.js';
import { KindIcon } from './KindIcon.js';
import { DEFAULT_STEP_SIZE } from './layout.js';

/** Double-click on the canvas, type, Enter: the step is added where you clicked (Node-RED's quick add). */
export function QuickAdd({ at, onClose }: { at: { x: number; y: number }; onClose(): void }) {
  const store = useDesignerStore();
  const flow = useReactFlow();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const { t, i18n } = useTranslation();
  const matches = useMemo(() => {
    const q = query.trim().toLowerCase();
    // found by its name in the user's language or its English one, as in the palette
    const kinds = nodeCatalogue.map((k) => ({ ...k, name: kindLabel(k.kind, k.label) }));
    return kinds.filter((k) => !q || `${k.name} ${kindDescription(k.kind, k.description)} ${k.label} ${k.description}`.toLowerCase().includes(q));
  }, [query, i18n.language]); // eslint-disable-line react-hooks/exhaustive-deps -- the names follow the language
  const add = (kind: string) => {
    const p = flow.screenToFlowPosition(at);
    store.getState().addNode(kind, { x: p.x - DEFAULT_STEP_SIZE.width / 2, y: p.y - DEFAULT_STEP_SIZE.height / 2 });
    onClose();
  };
  return (
    <div className="quick-add" style={{ left: at.x, top: at.y }} role="dialog" aria-label={t('quickAdd.dialog')}>
      <input
        autoFocus
        placeholder={t('quickAdd.placeholder')}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onBlur={() => setTimeout(onClose, 120)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onClose();
          if (e.key === 'ArrowDown') setActive((i) => Math.min(i + 1, matches.length - 1));
          if (e.key === 'ArrowUp') setActive((i) => Math.max(i - 1, 0));
          if (e.key === 'Enter' && matches[active]) add(matches[active].kind);
        }}
      />
      <ul>
        {matches.map((k, i) => (
          <li key={k.kind} className={i === active ? 'is-active' : ''} onMouseDown={(e) => e.preventDefault()} onClick={() => add(k.kind)}>
            <KindIcon glyph={k.icon} /> {k.name}
          </li>
        ))}
      </ul>
    </div>
  );
}
