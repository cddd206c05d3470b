import type { CaseContext } from '@exflow/shared';
import { sameJson } from '../versions/diff.js';

/** The context entries a step added or changed, as paths (`vars.match`, `tasks.review`). */
export function contextChanges(before: CaseContext | undefined, after: CaseContext): string[] {
  const changes: string[] = [];
  for (const part of ['vars', 'tasks', 'errors'] as const) {
    const a = (before?.[part] ?? {}) as Record<string, unknown>;
    const b = (after[part] ?? {}) as Record<string, unknown>;
    for (const key of Object.keys(b)) if (!sameJson(a[key], b[key])) changes.push(`${part}.${key}`);
  }
  if (before && before.comments !== after.comments) changes.push('comments');
  return changes;
}
