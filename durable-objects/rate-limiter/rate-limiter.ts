// The ES module itself: the package's CommonJS index require()s ES modules, which only a bundler untangles.
import { createDurable } from "itty-durable/itty-durable.js";
import { meterCosts } from "../shared/cost-meter.ts";

export interface Allowance {
  allowed: boolean;
  /** When the oldest hit in the window expires, for Retry-After. */
  retryAfterSeconds: number;
}

/**
 * One key's recent hits (a client address, or a subscriber address's hash),
 * as a sliding window. Its whole state is one short list and it has one
 * method, which is what itty-durable is for (docs/decisions/0002); objects
 * with tables use native RPC and SQLite.
 */
export class RateLimiter extends createDurable({ autoPersist: true }) {
  hits: number[] = [];

  constructor(state: DurableObjectState, env: Env) {
    super(state, env);
    // Every request comes through itty-durable's fetch (its router calls take()); storage calls are counted.
    this.state = meterCosts(this, state, "RateLimiter", ["fetch"]);
  }

  take(limit: number, windowMs: number, now: number): Allowance {
    this.hits = this.hits.filter((at) => at > now - windowMs);
    if (this.hits.length >= limit) {
      const oldest = this.hits[0] ?? now;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)) };
    }
    this.hits.push(now);
    return { allowed: true, retryAfterSeconds: 0 };
  }

  /**
   * Takes back a hit `take` counted at `at`: for limits on failures, where
   * every try is counted before it is known to fail (so tries sent together
   * cannot all pass) and one that worked is then given back.
   */
  giveBack(at: number): void {
    const index = this.hits.lastIndexOf(at);
    if (index >= 0) this.hits.splice(index, 1);
  }
}
