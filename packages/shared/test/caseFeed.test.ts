import { describe, expect, it } from 'vitest';
import { createCaseFeed } from '../src/index.js';

const v = (version: number) => ({ version });

describe('createCaseFeed', () => {
  it('applies contiguous versions in order and drops repeats', () => {
    const feed = createCaseFeed((c: { version: number }) => c.version);
    expect(feed.accept([v(1), v(2)])).toEqual({ applied: [v(1), v(2)], duplicates: 0, gap: null });
    expect(feed.accept([v(2), v(1), v(3)])).toEqual({ applied: [v(3)], duplicates: 2, gap: null });
    expect(feed.lastVersion).toBe(3);
  });

  it('holds back what came early and reports the hole to fetch', () => {
    const feed = createCaseFeed((c: { version: number }) => c.version, 4);
    expect(feed.accept([v(7)])).toEqual({ applied: [], duplicates: 0, gap: { after: 4, upTo: 6 } });
    expect(feed.accept([v(7)]).duplicates).toBe(1);
    // the REST history after 4 fills the hole and overlaps what the socket delivered
    expect(feed.accept([v(5), v(6), v(7), v(8)])).toEqual({ applied: [v(5), v(6), v(7), v(8)], duplicates: 1, gap: null });
    expect(feed.lastVersion).toBe(8);
  });

  it('accepts a batch in any order', () => {
    const feed = createCaseFeed((c: { version: number }) => c.version);
    expect(feed.accept([v(3), v(1), v(2)]).applied).toEqual([v(1), v(2), v(3)]);
  });
});
