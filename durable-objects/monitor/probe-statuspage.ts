import type { StatuspageMonitorConfig } from "../../worker/core/monitors/monitor-config.ts";
import { oneLine } from "../../worker/core/probes/describe-failure.ts";
import type { ProbeResult } from "../../worker/core/probes/probe-result.ts";
import {
  observe,
  type ProviderMemory,
  type ProviderReading,
  providerResult,
} from "../../worker/core/providers/provider-observation.ts";
import { providerSource } from "../../worker/core/providers/provider-source.ts";
import { parseProviderSummary, summaryUrl } from "../../worker/core/providers/provider-summary.ts";
import { readAtMost } from "../../worker/platform/bounded-read.ts";
import { Deadline, USER_AGENT } from "./probe-http.ts";

export interface ProviderReadingResult {
  /** For the state machine; null while the page says nothing Lookout can use (unknown is not down). */
  result: ProbeResult | null;
  memory: ProviderMemory;
}

/**
 * One reading of a provider's summary.json: conditional when Lookout has
 * read it before, bounded in time and bytes, and every way of failing an
 * "unknown" with its reason, never an exception and never an outage.
 */
export async function runStatuspageProbe(
  monitor: StatuspageMonitorConfig,
  previous: ProviderMemory | null,
  now: () => number = Date.now,
): Promise<ProviderReadingResult> {
  const at = now();
  const deadline = new Deadline(monitor.timeoutMs);
  const url = summaryUrl(monitor.url);
  const selection = { components: monitor.providerComponents };
  // The config now follows another page or other components: nothing known of the old one carries over.
  const source = providerSource(monitor);
  if (previous?.source !== source) previous = null;
  const before = previous?.observation ?? null;
  const headers = new Headers({ "user-agent": USER_AGENT, accept: "application/json" });
  // Validators only for a page read whole before: a 304 then means "what you observed still holds".
  if (before && before.unavailableSince === null) {
    if (previous?.etag) headers.set("if-none-match", previous.etag);
    if (previous?.lastModified) headers.set("if-modified-since", previous.lastModified);
  }
  let response: Response | null = null;
  let reading: ProviderReading;
  let latencyMs = 0;
  try {
    response = await deadline.race(fetch(url, { headers, redirect: "follow", signal: deadline.signal }));
    latencyMs = now() - at;
    if (response.status === 304 && before && before.unavailableSince === null) {
      const memory = { ...(previous as ProviderMemory), observation: before };
      return { result: providerResult(before, { at, latencyMs, statusCode: 304 }), memory };
    }
    reading = await readSummary(response, monitor.maxBodyBytes, deadline);
  } catch {
    reading = {
      ok: false,
      problem: deadline.passed ? `no answer within ${monitor.timeoutMs} ms` : "the page could not be reached",
    };
    latencyMs = now() - at;
  } finally {
    deadline.clear();
    if (response?.body && !response.body.locked) response.body.cancel().catch(() => undefined);
  }
  const observation = observe(before, reading, selection, at);
  const memory: ProviderMemory = reading.ok
    ? {
        source,
        etag: response?.headers.get("etag") ?? null,
        lastModified: response?.headers.get("last-modified") ?? null,
        observation,
      }
    : // After a failed reading the next one reads the page whole.
      { source, etag: null, lastModified: null, observation };
  const statusCode = response?.status ?? null;
  return { result: providerResult(observation, { at, latencyMs, statusCode }), memory };
}

async function readSummary(response: Response, maxBytes: number, deadline: Deadline): Promise<ProviderReading> {
  if (!response.ok) return { ok: false, problem: `the page answered ${response.status}` };
  const { bytes, truncated } = await readAtMost(response.body, maxBytes, { race: (step) => deadline.race(step) });
  if (truncated) return { ok: false, problem: `the summary is longer than ${maxBytes} bytes` };
  const parsed = parseProviderSummary(new TextDecoder().decode(bytes));
  return parsed.ok ? parsed : { ok: false, problem: oneLine(parsed.problem, 160) };
}
