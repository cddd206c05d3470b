import { afterEach, describe, expect, it, vi } from 'vitest';
import { startPoller } from './poller.js';

describe('startPoller', () => {
  afterEach(() => void vi.useRealTimers());

  it('polls a quiet system from one lane, whatever its concurrency; a wake still runs a tick at once', async () => {
    vi.useFakeTimers();
    let ticks = 0;
    const poller = startPoller(async () => (ticks++, 0), 100, undefined, { concurrency: 4, fanOutAt: 10 });
    await vi.advanceTimersByTimeAsync(1_000);
    // the first tick, then one poll per 100 ms (four lanes each polling made about 40)
    expect(ticks).toBeGreaterThanOrEqual(10);
    expect(ticks).toBeLessThanOrEqual(12);
    const before = ticks;
    poller.wake();
    await vi.advanceTimersByTimeAsync(1);
    expect(ticks).toBe(before + 1);
    await poller.stop();
  });

  it('fans a backlog out over the lanes and goes back to one polling lane when it is gone', async () => {
    vi.useFakeTimers();
    let backlog = 40;
    let running = 0;
    let widest = 0;
    let ticks = 0;
    const poller = startPoller(
      async () => {
        ticks++;
        running++;
        widest = Math.max(widest, running);
        await new Promise((done) => setTimeout(done, 5));
        running--;
        const took = Math.min(10, backlog);
        backlog -= took;
        return took;
      },
      100,
      undefined,
      { concurrency: 4, fanOutAt: 10 },
    );
    await vi.advanceTimersByTimeAsync(100);
    expect(backlog).toBe(0);
    expect(widest).toBeGreaterThan(1);
    const after = ticks;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(ticks - after).toBeLessThanOrEqual(12);
    await poller.stop();
  });
});
