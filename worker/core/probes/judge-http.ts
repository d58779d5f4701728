import type { HttpMonitorConfig } from "../monitors/monitor-config.ts";
import { cloudflareEdgeFailure } from "./cloudflare-edge-errors.ts";
import { describeExpected, statusMatches } from "./expected-status.ts";
import { lookupJsonPath } from "./json-path.ts";
import type { ProbeFailure, ProbeResult } from "./probe-result.ts";
import { answeredResult, failedResult } from "./results.ts";

/** The parts of an HTTP monitor that decide whether a response is good. */
export type HttpChecks = Pick<
  HttpMonitorConfig,
  "expectedStatus" | "keyword" | "keywordAbsent" | "json" | "degradedAboveMs"
>;

/** What the probe read of a body: never more than maxBodyBytes. */
export interface BodySample {
  text: string;
  /** Set to the number of bytes read when the body was longer and the rest was never downloaded. */
  truncatedAt: number | null;
}

export interface HttpObservation {
  /** When the check started (ms since epoch). */
  at: number;
  /** The URL that gave the final response, after any redirects. */
  url: string;
  status: number;
  /** Time to the final response's headers. */
  latencyMs: number;
  /** The start of the body; null when no check needed it and it was never read. */
  body: BodySample | null;
}

/** Judges one HTTP response: status first, then the body checks, then speed. */
export function judgeHttpResponse(checks: HttpChecks, observed: HttpObservation): ProbeResult {
  const failure = findFailure(checks, observed);
  if (failure) {
    return failedResult({ at: observed.at, latencyMs: observed.latencyMs, statusCode: observed.status, failure });
  }
  return answeredResult({
    at: observed.at,
    latencyMs: observed.latencyMs,
    statusCode: observed.status,
    degradedAboveMs: checks.degradedAboveMs,
    upSummary: (ms) => `${observed.status} in ${ms} ms`,
  });
}

function findFailure(checks: HttpChecks, observed: HttpObservation): ProbeFailure | null {
  const body = observed.body ?? { text: "", truncatedAt: null };
  if (!statusMatches(observed.status, checks.expectedStatus)) {
    return (
      cloudflareEdgeFailure(observed.status, body.text, new URL(observed.url).hostname) ?? {
        kind: "status",
        status: observed.status,
        expected: describeExpected(checks.expectedStatus),
      }
    );
  }
  const searched = body.truncatedAt === null ? {} : { searchedBytes: body.truncatedAt };
  if (checks.keyword !== undefined && !body.text.includes(checks.keyword)) {
    return { kind: "keyword_missing", keyword: checks.keyword, ...searched };
  }
  if (checks.keywordAbsent !== undefined && body.text.includes(checks.keywordAbsent)) {
    return { kind: "keyword_present", keyword: checks.keywordAbsent };
  }
  if (checks.json !== undefined) {
    if (body.truncatedAt !== null) return { kind: "not_json", ...searched };
    const parsed = parseJson(body.text);
    if (!parsed.ok) return { kind: "not_json" };
    const lookup = lookupJsonPath(parsed.value, checks.json.path);
    const actual = lookup.found ? lookup.value : undefined;
    if (!lookup.found || actual !== checks.json.equals) {
      return { kind: "json_mismatch", path: checks.json.path, expected: checks.json.equals, actual };
    }
  }
  return null;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
