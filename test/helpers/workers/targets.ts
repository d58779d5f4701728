import { env } from "cloudflare:workers";
import type { TargetAddresses } from "../target-addresses.ts";

/** The real targets the global setup started, as vitest.config.ts bound them. */
export const targets = (env as unknown as { TARGETS: TargetAddresses }).TARGETS;

/** A URL on the HTTP target. */
export function targetUrl(path: string): string {
  return `${targets.http}${path}`;
}

/** What the HTTP target saw for a stateful route's key (see test/helpers/node/targets.ts). */
export async function targetStats(route: string, key: string) {
  const response = await fetch(targetUrl(`/stats/${route}/${key}`));
  return (await response.json()) as { bytesWritten: number; clientGone: boolean; requests: number } | null;
}
