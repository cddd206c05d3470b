import { problemCatalogue } from '../errors.js';

export const PROBLEMS_BEGIN =
  '<!-- problems:begin (generated from packages/runtime/src/errors.ts by `pnpm --filter @exflow/runtime problems:docs`; do not edit) -->';
export const PROBLEMS_END = '<!-- problems:end -->';

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The problem catalogue as a Markdown table, one anchor per code (`#problem-<code>`). */
export function renderProblemCatalogue(): string {
  const rows = Object.entries(problemCatalogue)
    .sort(([a, x], [b, y]) => x.status - y.status || a.localeCompare(b))
    .map(([code, e]) => `| <a id="problem-${code}"></a>\`${code}\` | ${e.status} | ${cell(e.title)} | ${cell(e.fix)} |`);
  return ['| code | status | title | how to fix |', '|---|---|---|---|', ...rows].join('\n');
}

/** `page` with the text between the markers replaced by the rendered catalogue. */
export function withProblemCatalogue(page: string): string {
  const begin = page.indexOf(PROBLEMS_BEGIN);
  const end = page.indexOf(PROBLEMS_END);
  if (begin < 0 || end < begin) throw new Error(`docs/api.md has no "${PROBLEMS_BEGIN}" … "${PROBLEMS_END}" markers; add them where the catalogue belongs`);
  return `${page.slice(0, begin + PROBLEMS_BEGIN.length)}\n${renderProblemCatalogue()}\n${page.slice(end)}`;
}
