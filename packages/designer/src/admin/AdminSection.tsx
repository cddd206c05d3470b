import type { ReactNode } from 'react';

/** One admin section: a card with a focusable heading (the section list moves focus to it). */
export function AdminSection({ id, title, intro, children }: { id: string; title: string; intro?: string; children: ReactNode }) {
  return (
    <section className="admin-card" id={id} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} tabIndex={-1}>
        {title}
      </h2>
      {intro && <p className="admin-card__intro">{intro}</p>}
      {children}
    </section>
  );
}
