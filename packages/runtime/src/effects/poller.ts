export interface PollerOptions {
  /** Ticks that may run at once (each claims its own batch); default 1. */
  concurrency?: number;
  /** A tick that found at least this much work starts another idle lane (a full batch: more is likely waiting); default 1. */
  fanOutAt?: number;
}

export interface Poller {
  /** Work was committed: run a tick now (or right after the running one) instead of at the next idle poll. */
  wake(): void;
  /** Work falls due at `at` (ms since epoch): wake then, if that is before the next idle poll. */
  wakeAt(at: number): void;
  /** Stops polling; waits for the running ticks to finish. */
  stop(): Promise<void>;
}

/**
 * Calls `tick` again and again: at once while it finds work, else after `idleMs` or when
 * woken (one idle lane polls; the others wait for a wake). Up to `concurrency` ticks run side by side: a tick that found a full batch starts
 * another idle lane, so a backlog fans out and a quiet system runs one lane. A wake that comes while
 * every lane is busy is not lost: the next lane to finish ticks again at once.
 */
export function startPoller(tick: () => Promise<number>, idleMs: number, onError: (e: unknown) => void = () => {}, options: PollerOptions = {}): Poller {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
  const fanOutAt = Math.max(1, options.fanOutAt ?? 1);
  let stopped = false;
  let woken = false;
  let wakePending = false;
  const idle = new Set<number>();
  const timers = new Map<number, NodeJS.Timeout>();
  const wakeTimers = new Set<NodeJS.Timeout>();
  const running = new Map<number, Promise<void>>();

  const startLane = (lane: number) => {
    if (stopped) return;
    clearTimeout(timers.get(lane));
    timers.delete(lane);
    idle.delete(lane);
    woken = false;
    const run = tick()
      .then(
        (n) => n,
        (e) => (onError(e), 0),
      )
      .then((n) => {
        running.delete(lane);
        if (stopped) return;
        if (n >= fanOutAt) wakeIdleLane();
        if (n > 0 || woken) return void setImmediate(() => startLane(lane));
        park(lane);
      });
    running.set(lane, run);
  };
  const wakeIdleLane = (): boolean => {
    const [lane] = idle;
    if (lane === undefined) return false;
    startLane(lane);
    return true;
  };
  // an idle lane waits for a wake; one of them (no more) also polls every idleMs, the fallback:
  // idle lanes each polling made `concurrency` empty claims per idleMs on a quiet system
  const park = (lane: number) => {
    idle.add(lane);
    if (timers.size === 0)
      timers.set(
        lane,
        setTimeout(() => startLane(lane), idleMs),
      );
  };
  for (let lane = 0; lane < concurrency; lane++) {
    if (lane === 0) startLane(lane);
    else park(lane);
  }
  // wakes of one event-loop turn (a burst of commits) start one lane, not one each
  const wake = () => {
    if (stopped || wakePending) return;
    wakePending = true;
    setImmediate(() => {
      wakePending = false;
      if (!stopped && !wakeIdleLane()) woken = true;
    });
  };
  return {
    wake,
    wakeAt(at: number) {
      const delay = at - Date.now();
      if (delay <= 0) return wake();
      if (delay >= idleMs) return; // the idle poll comes first
      const t = setTimeout(() => {
        wakeTimers.delete(t);
        wake();
      }, delay + 2);
      wakeTimers.add(t);
    },
    async stop() {
      stopped = true;
      for (const t of [...timers.values(), ...wakeTimers]) clearTimeout(t);
      await Promise.all(running.values());
    },
  };
}
