import type { ProbeFailure } from "./probe-result.ts";

/** Longest piece of user or runtime text quoted in a summary, so one line stays one line. */
const QUOTE_MAX = 80;

/** One line a person can act on, e.g. "timeout after 10000 ms" or "connection refused". */
export function describeFailure(failure: ProbeFailure): string {
  switch (failure.kind) {
    case "timeout":
      return `timeout after ${failure.afterMs} ms`;
    case "dns":
      return `DNS lookup failed for ${oneLine(failure.host)}`;
    case "refused":
      return "connection refused";
    case "reset":
      return "connection reset";
    case "tls":
      return `TLS error: ${oneLine(failure.detail)}`;
    case "status":
      return `unexpected status ${failure.status} (expected ${failure.expected})`;
    case "keyword_missing":
      return failure.searchedBytes === undefined
        ? `keyword ${quote(failure.keyword)} missing`
        : `keyword ${quote(failure.keyword)} missing in the first ${failure.searchedBytes} bytes`;
    case "keyword_present":
      return `unwanted keyword ${quote(failure.keyword)} present`;
    case "not_json":
      return failure.searchedBytes === undefined
        ? "body is not JSON"
        : `JSON body longer than maxBodyBytes (${failure.searchedBytes} bytes)`;
    case "json_mismatch":
      return failure.actual === undefined
        ? `JSON field ${failure.path} is missing (expected ${jsonText(failure.expected)})`
        : `JSON field ${failure.path} is ${jsonText(failure.actual)} (expected ${jsonText(failure.expected)})`;
    case "redirects":
      return failure.loopAt === undefined
        ? `too many redirects (${failure.count})`
        : `redirect loop: ${oneLine(failure.loopAt)} again after ${failure.count} redirects`;
    case "heartbeat_missed":
      return failure.lastAt === null
        ? "no heartbeat received yet"
        : `no heartbeat for ${Math.round((failure.silentForMs ?? 0) / 1000)} s (expected every ${Math.round(failure.expectedEveryMs / 1000)} s)`;
    case "network":
      return `network error: ${oneLine(failure.detail)}`;
    case "provider":
      return failure.incident === null
        ? `the provider reports ${failure.status.replace("_", " ")}`
        : `the provider reports ${failure.status.replace("_", " ")}: ${oneLine(failure.incident)}`;
  }
}

function quote(text: string): string {
  return JSON.stringify(oneLine(text));
}

function jsonText(value: unknown): string {
  return oneLine(JSON.stringify(value) ?? String(value));
}

/** Collapses whitespace and clips, because summaries go into one-line places (titles, logs, feeds). */
export function oneLine(text: string, max = QUOTE_MAX): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
