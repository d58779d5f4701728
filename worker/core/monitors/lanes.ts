import type { ProbeResult } from "../probes/probe-result.ts";

/**
 * Isolation inside a shared probe group (decision 0038). A Worker invocation
 * has 6 outbound connections; a target that hangs holds one until its
 * timeout. So a monitor whose last check timed out or took SLOW_CHECK_MS or
 * more waits in the slow lane: its check starts only once every prompt
 * monitor's has started, and one prompt answer brings it back. A hanging
 * target can then delay only other slow ones, never a healthy monitor.
 */
export const SLOW_CHECK_MS = 2_000;

/** At most this many checks of one group in flight: Cloudflare's connections per invocation. */
export const CONNECTIONS_PER_RUN = 6;

export function isSlow(result: ProbeResult): boolean {
  return result.failure?.kind === "timeout" || result.latencyMs >= SLOW_CHECK_MS;
}

/** Prompt ones first, each lane in its given order. */
export function inLaneOrder<T extends { slow: boolean }>(items: readonly T[]): T[] {
  return [...items.filter((item) => !item.slow), ...items.filter((item) => item.slow)];
}

/** Runs `work` over `items` in order with at most `limit` in flight; results in the items' order. */
export async function runInOrder<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
