import { describe, expect, it } from "vitest";
import { startTicker, type TickerClock } from "../../scripts/cron-ticker.ts";

/**
 * The local cron heartbeat of `npm start`, on a clock the test moves by hand:
 * no tick starts while one runs, and time that passed (a slow wrangler, a
 * sleeping laptop) is skipped, never replayed as a burst of ticks.
 */
const MINUTE = 60_000;

function manualClock() {
  let now = 0;
  const sleeps: { ms: number; wake: () => void }[] = [];
  const clock: TickerClock = {
    now: () => now,
    sleep: (ms, signal) =>
      new Promise((resolve) => {
        if (signal.aborted) return resolve();
        sleeps.push({ ms, wake: () => resolve() });
        signal.addEventListener("abort", () => resolve());
      }),
  };
  return {
    clock,
    sleeps,
    advance: (ms: number) => {
      now += ms;
    },
    /** Ends the pending sleep (its time has come, or the machine woke up). */
    wake: () => sleeps.shift()?.wake(),
  };
}

/** A tick that finishes only when told to, counting how many run at once. */
function controlledTicks() {
  const pending: (() => void)[] = [];
  let running = 0;
  let mostAtOnce = 0;
  const tick = () =>
    new Promise<void>((resolve) => {
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      pending.push(() => {
        running--;
        resolve();
      });
    });
  return { tick, finish: () => pending.shift()?.(), mostAtOnce: () => mostAtOnce, waiting: () => pending.length };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("the local cron heartbeat", () => {
  it("starts no tick while one runs, however long it takes, and skips the slots it overran", async () => {
    const time = manualClock();
    const ticks = controlledTicks();
    const ticker = startTicker(ticks.tick, MINUTE, time.clock);
    await settle();
    expect(ticker.ticks).toBe(1);
    // wrangler takes five minutes to answer (it was restarting): nothing piles up meanwhile.
    time.advance(5 * MINUTE);
    await settle();
    expect(ticker.ticks).toBe(1);
    expect(time.sleeps).toEqual([]);
    ticks.finish();
    await settle();
    // The next tick waits for the next slot of the schedule, once.
    expect(time.sleeps.map((s) => s.ms)).toEqual([MINUTE]);
    expect(ticker.skipped).toBe(5);
    time.advance(MINUTE);
    time.wake();
    await settle();
    expect(ticker.ticks).toBe(2);
    expect(ticks.mostAtOnce()).toBe(1);
    ticker.stop();
    ticks.finish();
    await ticker.done;
  });

  it("fires once after the machine slept through many slots, then keeps to the schedule", async () => {
    const time = manualClock();
    const ticks = controlledTicks();
    const ticker = startTicker(ticks.tick, MINUTE, time.clock);
    await settle();
    ticks.finish();
    await settle();
    // Asleep for an hour and a half: the timer fires late, once.
    time.advance(90 * MINUTE + 20_000);
    time.wake();
    await settle();
    expect(ticker.ticks).toBe(2);
    expect(ticks.waiting()).toBe(1);
    ticks.finish();
    await settle();
    expect(ticker.ticks).toBe(2);
    // The late tick stood for the first slot it overslept; the other 89 are skipped.
    expect(ticker.skipped).toBe(89);
    // Back on the minute: the next slot is 40 s away, not a minute from the late tick.
    expect(time.sleeps.map((s) => s.ms)).toEqual([40_000]);
    ticker.stop();
    await ticker.done;
    expect(ticker.ticks).toBe(2);
  });
});
