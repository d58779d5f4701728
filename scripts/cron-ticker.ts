/**
 * The local cron heartbeat's clock (`npm start`). One tick at a time: the next
 * waits until the one before has finished, however long wrangler takes to
 * answer (or to restart). Missed ticks are skipped, not replayed: after the
 * machine slept, or a tick that ran long, the next one comes at the next slot
 * of the schedule, once. Cloudflare's own cron behaves the same way: a minute
 * that passed is not fired later.
 */
export interface TickerClock {
  now(): number;
  /** Resolves after `ms`, or early when stopped. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

const realClock: TickerClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const timer = setTimeout(resolve, ms);
      signal.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve();
      });
    }),
};

export interface Ticker {
  /** Ticks that started so far. */
  readonly ticks: number;
  /** Slots that passed while a tick ran or the machine slept, and were not fired. */
  readonly skipped: number;
  stop(): void;
  /** Resolves when the loop has ended after stop(). */
  readonly done: Promise<void>;
}

/** Runs `tick` now and then on every `everyMs` slot after the first, never two at once. */
export function startTicker(tick: () => Promise<unknown>, everyMs: number, clock: TickerClock = realClock): Ticker {
  const stopping = new AbortController();
  const state = { ticks: 0, skipped: 0 };
  const loop = async () => {
    const origin = clock.now();
    let slot = 0;
    while (!stopping.signal.aborted) {
      state.ticks++;
      try {
        await tick();
      } catch {
        // A failed tick is retried at the next slot, like any other.
      }
      // The next slot strictly after now; the ones that passed meanwhile are skipped.
      const next = Math.floor((clock.now() - origin) / everyMs) + 1;
      state.skipped += next - slot - 1;
      slot = next;
      await clock.sleep(origin + slot * everyMs - clock.now(), stopping.signal);
    }
  };
  const done = loop();
  return {
    get ticks() {
      return state.ticks;
    },
    get skipped() {
      return state.skipped;
    },
    stop: () => stopping.abort(),
    done,
  };
}
