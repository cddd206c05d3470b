import { nodeCatalogue } from '@exflow/shared';
import { useReactFlow } from '@xyflow/react';
import { useMemo, useState } from 'react';
import { useDesignerStore } from '../store/DesignerStoreProvider.js';
import { KindIcon } from './KindIcon.js';
import { DEFAULT_STEP_SIZE } from './layout.js';

/** Double-click on the canvas, type, Enter: the step is added where you clicked (Node-RED's quick add). */
export function QuickAdd({ at, onClose }: { at: { x: number; y: number }; onClose(): void }) {
  const store = useDesignerStore();
  const flow = useReactFlow();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const matches = useMemo(() => {
    const q = query.trim().toLowerCase();
    return nodeCatalogue.filter((k) => !q || `${k.label} ${k.description}`.toLowerCase().includes(q));
  }, [query]);
  const add = (kind: string) => {
    const p = flow.screenToFlowPosition(at);
    store.getState().addNode(kind, { x: p.x - DEFAULT_STEP_SIZE.width / 2, y: p.y - DEFAULT_STEP_SIZE.height / 2 });
    onClose();
  };
  return (
    <div className="quick-add" style={{ left: at.x, top: at.y }} role="dialog" aria-label="Add a step">
      <input
        autoFocus
        placeholder="Add a step…"
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
            <KindIcon glyph={k.icon} /> {k.label}
          </li>
        ))}
      </ul>
    </div>
  );
}
