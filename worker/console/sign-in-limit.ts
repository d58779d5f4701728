import { proxyDurable } from "itty-durable/proxy-durable.js";
import type { Allowance } from "../../durable-objects/rate-limiter/rate-limiter.ts";
import { clientKey } from "../core/client-key.ts";

/**
 * Failed token sign-ins a client may make in a quarter of an hour. Minted
 * tokens are long and random, but ADMIN_TOKEN is whatever the operator set,
 * and each guess is a request to the page's object. Every try is counted
 * before the token is looked at, so tries sent together cannot all slip
 * through; one that works is given back, so only failures hold a client back
 * (failures from anyone sharing its address, an office's NAT say, included).
 */
const FAILURES = { limit: 10, windowMs: 15 * 60_000 };

export interface SignInTry {
  allowance: Allowance;
  /** Gives the try back: it worked. */
  succeeded(): Promise<void>;
}

export async function trySignIn(env: Env, address: string): Promise<SignInTry> {
  const limiter = proxyDurable(env.RATE_LIMITER, { name: "RATE_LIMITER", parse: true }).get(
    `sign-in:${clientKey(address)}`,
  );
  const at = Date.now();
  const allowance = (await limiter.take(FAILURES.limit, FAILURES.windowMs, at)) as Allowance;
  return {
    allowance,
    async succeeded() {
      await limiter.giveBack(at);
    },
  };
}
