import { memo } from 'react';

/**
 * Drawings for the glyphs shared's catalogue uses as icons: system fonts lack several of them
 * (⏱ ⫼ ⫸ 👤 show as empty boxes without an emoji font). Unknown glyphs are shown as text.
 */
const PATHS: Record<string, string> = {
  '▶': 'M5 3.5v9l7.5-4.5z',
  '≡': 'M3 4.5h10M3 8h10M3 11.5h10',
  '◆': 'M8 2.5l5.5 5.5L8 13.5 2.5 8z',
  '▦': 'M2.5 3h11v10h-11zM2.5 6.5h11M2.5 9.8h11M6.2 3v10',
  '👤': 'M8 8a2.7 2.7 0 1 0 0-5.4A2.7 2.7 0 0 0 8 8zM3 13.5c.4-2.6 2.4-4 5-4s4.6 1.4 5 4',
  '⏱': 'M8 14a5 5 0 1 0 0-10 5 5 0 0 0 0 10zM8 6.2V9l1.8 1.2M6.5 2h3',
  '⫼': 'M2.5 8h3M5.5 8l3-4h5M5.5 8l3 4h5',
  '⫸': 'M2.5 4h5l3 4-3 4h-5M10.5 8h3',
  '⚙': 'M8 10.2a2.2 2.2 0 1 0 0-4.4 2.2 2.2 0 0 0 0 4.4zM8 1.8v2M8 12.2v2M1.8 8h2M12.2 8h2M3.6 3.6l1.4 1.4M11 11l1.4 1.4M3.6 12.4L5 11M11 5l1.4-1.4',
  '↗': 'M4.5 11.5l7-7M6 4.5h5.5V10',
  '■': 'M4 4h8v8H4z',
  '⧉': 'M2.5 5.5h7v7h-7zM6.5 5.5V3.5h7v7h-4',
  '%': 'M12.5 3.5l-9 9M5 6.2a1.4 1.4 0 1 0 0-2.8 1.4 1.4 0 0 0 0 2.8zM11 12.6a1.4 1.4 0 1 0 0-2.8 1.4 1.4 0 0 0 0 2.8z',
  '⚑': 'M4 14V2.5M4 3h7.5l-1.8 2.8 1.8 2.7H4',
  '∅': 'M8 13a5 5 0 1 0 0-10 5 5 0 0 0 0 10zM12.5 2.5l-9 11',
};
const FILLED = new Set(['▶', '◆', '■']);

function KindIconImpl({ glyph, size = 14 }: { glyph: string; size?: number }) {
  const d = PATHS[glyph];
  if (!d) return <span aria-hidden>{glyph}</span>;
  const filled = FILLED.has(glyph);
  return (
    <svg width={size} height={size} viewBox="0 0 16 16" aria-hidden focusable="false">
      <path d={d} fill={filled ? 'currentColor' : 'none'} stroke="currentColor" strokeWidth={filled ? 0 : 1.5} strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

export const KindIcon = memo(KindIconImpl);
