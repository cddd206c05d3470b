/**
 * Calls `tick` again and again: at once while it finds work, else after `idleMs`.
 * `stop()` waits for the running tick to finish.
 */
export function startPoller(tick: () => Promise<number>, idleMs: number, onError: (e: unknown) => void = () => {}) {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const loop = () => {
    if (stopped) return;
    running = tick()
      .then(
        (n) => n,
        (e) => (onError(e), 0),
      )
      .then((n) => {
        if (!stopped) timer = setTimeout(loop, n > 0 ? 0 : idleMs);
      });
  };
  loop();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
