import { type FlagValues, resolveFlags } from "../core/flags.ts";
import { log } from "./log.ts";
import { statusPageStub } from "./stubs.ts";

/** How long a flag value read from the StatusPage is trusted: the "within seconds" of a flip. */
export const FLAG_CACHE_MS = 5_000;

let cached: { values: FlagValues; at: number } | null = null;

/**
 * Flags as the StatusPage holds them (declared defaults, wrangler.toml, then
 * run-time overrides), read at most once per FLAG_CACHE_MS per isolate. When
 * the StatusPage cannot answer, the last values seen, or wrangler.toml's,
 * stand in: a flag lookup never stops a check.
 */
export async function currentFlags(env: Env, now = Date.now()): Promise<FlagValues> {
  if (cached && now - cached.at < FLAG_CACHE_MS) return cached.values;
  try {
    const values = await statusPageStub(env).flagValues();
    cached = { values, at: now };
    return values;
  } catch (error) {
    log.warn("flags.unavailable", { error });
    return cached?.values ?? resolveFlags(env.ENVIRONMENT, env as unknown as Record<string, unknown>);
  }
}

/** Tests flip a flag and look at once. */
export function forgetCachedFlags(): void {
  cached = null;
}
