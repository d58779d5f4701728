import { proxyDurable } from "itty-durable/proxy-durable.js";
import type { Allowance } from "../../durable-objects/rate-limiter/rate-limiter.ts";

/**
 * Failed token sign-ins a client address may make in a quarter of an hour.
 * API tokens are long and random, but ADMIN_TOKEN is whatever the operator
 * set, and each guess is a request to the page's object. Only failures count,
 * so a team signing in from one office address is never held back.
 */
const FAILURES = { limit: 10, windowMs: 15 * 60_000 };

function limiterFor(env: Env, client: string) {
  return proxyDurable(env.RATE_LIMITER, { name: "RATE_LIMITER", parse: true }).get(`sign-in:${client}`);
}

/** Whether this client may try to sign in now. */
export async function signInAllowed(env: Env, client: string): Promise<Allowance> {
  return (await limiterFor(env, client).check(FAILURES.limit, FAILURES.windowMs, Date.now())) as Allowance;
}

/** Counts a sign-in that failed against this client. */
export async function countFailedSignIn(env: Env, client: string): Promise<void> {
  await limiterFor(env, client).take(FAILURES.limit, FAILURES.windowMs, Date.now());
}
