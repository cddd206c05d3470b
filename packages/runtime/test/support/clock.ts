import { durationToMs } from '@exflow/shared';

/**
 * A clock a test moves forward instead of waiting: real time plus what the test advanced. Give
 * `now` to the test server (engine and timer worker); a timer of an hour fires as soon as the
 * test advances an hour, and never before (an hour of real time never passes in a test).
 */
export function createTestClock() {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    /** Moves the clock forward by an ISO 8601 duration (`PT1H`). */
    advance(duration: string) {
      const ms = durationToMs(duration);
      if (ms === undefined) throw new Error(`not an ISO 8601 duration: ${duration}`);
      offset += ms;
    },
  };
}
