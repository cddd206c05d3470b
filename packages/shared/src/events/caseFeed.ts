/** What `CaseFeed.accept` did with a batch of changes. */
export interface FeedResult<T> {
  /** The changes to apply now, in version order, each exactly once. */
  applied: T[];
  /** Changes already applied (a socket message that REST catch-up also returned, or a replay). */
  duplicates: number;
  /**
   * Set when a change arrived ahead of one still missing: fetch the history after
   * `lastVersion` (`GET /cases/:id/events?after=`) and offer it; the early ones wait.
   */
  gap: { after: number; upTo: number } | null;
}

export interface CaseFeed<T> {
  /** The highest version applied without a hole before it. */
  readonly lastVersion: number;
  /** Offers changes from any source (socket messages, REST pages), in any order, repeated or not. */
  accept(changes: readonly T[]): FeedResult<T>;
}

/**
 * Keeps a client's view of one case's history exact across reconnects: changes carry a
 * version that is contiguous per case, so the feed applies version n+1 after n, drops what it
 * has seen, and holds back what came early until the hole is filled from the REST history.
 * No clock and no I/O: the caller fetches when `gap` says so, or after a reconnect.
 * @example
 * const feed = createCaseFeed<{ version: number }>((c) => c.version, lastSeen);
 * socket.on('case.changed', (m) => { const r = feed.accept([m]); if (r.gap) catchUp(feed.lastVersion); });
 */
export function createCaseFeed<T>(versionOf: (change: T) => number, startAfter = 0): CaseFeed<T> {
  let last = startAfter;
  const early = new Map<number, T>();
  return {
    get lastVersion() {
      return last;
    },
    accept(changes) {
      let duplicates = 0;
      for (const change of changes) {
        const version = versionOf(change);
        if (version <= last || early.has(version)) duplicates++;
        else early.set(version, change);
      }
      const applied: T[] = [];
      while (early.has(last + 1)) {
        applied.push(early.get(last + 1)!);
        early.delete(last + 1);
        last++;
      }
      const waiting = [...early.keys()];
      return { applied, duplicates, gap: waiting.length ? { after: last, upTo: Math.min(...waiting) - 1 } : null };
    },
  };
}
