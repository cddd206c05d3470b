import { describe, expect, it } from 'vitest';
import { de } from './catalogue/de.js';
import { en } from './catalogue/en.js';

type Tree = { [key: string]: string | Tree };

/** Every leaf's dotted key with its text. */
function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of leaves(value, path)) out.set(k, v);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe('the catalogues', () => {
  const english = leaves(en);
  const german = leaves(de);

  it('German has every English key and no other', () => {
    expect([...german.keys()].filter((k) => !english.has(k))).toEqual([]);
    expect([...english.keys()].filter((k) => !german.has(k))).toEqual([]);
    expect(english.size).toBeGreaterThan(150);
  });

  it('no text is empty, and each German text interpolates the same values as its English one', () => {
    for (const [key, text] of english) {
      expect(text.trim(), key).not.toBe('');
      expect(german.get(key)?.trim(), key).not.toBe('');
      expect(placeholders(german.get(key) ?? ''), key).toEqual(placeholders(text));
    }
  });
});

describe('the catalogue modules', () => {
  // every module beside en.ts / de.ts spreads its groups into them: a group name used by two
  // modules would silently lose the first one's texts
  const modules = import.meta.glob<Record<string, Tree>>('./catalogue/*.ts', { eager: true });

  it('no two modules (nor en.ts itself) declare the same group', () => {
    const owner = new Map<string, string>();
    for (const [file, exported] of Object.entries(modules)) {
      if (/\/(en|de)\.ts$/.test(file)) continue;
      for (const [name, value] of Object.entries(exported)) {
        if (!name.endsWith('En')) continue;
        for (const group of Object.keys(value)) {
          expect(owner.get(group), `${group} in ${file} and ${owner.get(group)}`).toBeUndefined();
          owner.set(group, file);
          expect((en as unknown as Tree)[group], `${group} of ${file} in en.ts`).toBe(value[group]);
        }
      }
    }
    expect(owner.size).toBeGreaterThan(20);
  });
});
