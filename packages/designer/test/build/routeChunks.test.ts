import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

interface ManifestChunk {
  file: string;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
  isEntry?: boolean;
}

const dist = fileURLToPath(new URL('../../dist', import.meta.url));
// dist/ is built by test/globalSetup.ts when the sources are newer than the last build
const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8')) as Record<string, ManifestChunk>;

/** The files a browser fetches to run `keys`: each chunk, its static imports (transitively) and their CSS; not dynamic imports. */
function filesFor(...keys: string[]): Set<string> {
  const files = new Set<string>();
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) throw new Error(`no chunk ${key} in the manifest`);
    files.add(chunk.file);
    chunk.css?.forEach((css) => files.add(css));
    chunk.imports?.forEach(visit);
  };
  keys.forEach(visit);
  return files;
}

const bytes = (files: Set<string>) => [...files].reduce((sum, f) => sum + readFileSync(join(dist, f)).length, 0);
const scripts = (files: Set<string>) =>
  [...files]
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(join(dist, f), 'utf8'))
    .join('\n');

/** Strings only the designer's libraries carry: @xyflow's renderer, ELK's layout engine, rjsf's form. */
const DESIGNER_MARKERS = { xyflow: 'react-flow__renderer', elk: 'org.eclipse.elk', rjsf: 'rjsf-field-array' };

describe('the web app is split per route', () => {
  const entry = Object.keys(manifest).find((k) => manifest[k].isEntry)!;
  const inbox = filesFor(entry, 'src/workspace/WorkspaceApp.tsx');
  const designer = filesFor(entry, 'src/app/DesignerPage.tsx');

  it('the inbox route downloads none of the designer: no @xyflow, no ELK, no form renderer, no designer page', () => {
    const keys = [...inbox].join(' ');
    expect(keys).not.toMatch(/xyflow|elk|rjsf|DesignerPage|StepNodeView/);
    const code = scripts(inbox);
    for (const [library, marker] of Object.entries(DESIGNER_MARKERS)) expect(code.includes(marker), `${library} in the inbox's scripts`).toBe(false);
  });

  it('the designer route does load them (so the markers above are real), with ELK only on demand', () => {
    const code = scripts(designer);
    expect(code).toContain(DESIGNER_MARKERS.xyflow);
    expect(code).toContain(DESIGNER_MARKERS.rjsf);
    expect(code).not.toContain(DESIGNER_MARKERS.elk);
    const elk = manifest['src/app/DesignerPage.tsx'].dynamicImports!.flatMap((k) => [...filesFor(k)]);
    expect(scripts(new Set(elk))).toContain(DESIGNER_MARKERS.elk);
  });

  it('the inbox downloads well under half of what the designer does (uncompressed)', () => {
    // figures in the report: bytes of each route's files, before compression
    console.log(
      `inbox route ${(bytes(inbox) / 1024).toFixed(0)} KiB in ${inbox.size} files; designer route ${(bytes(designer) / 1024).toFixed(0)} KiB in ${designer.size} files`,
    );
    expect(bytes(inbox)).toBeLessThan(bytes(designer) / 2);
  });
});
