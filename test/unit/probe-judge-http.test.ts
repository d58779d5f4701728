import { describe, expect, it } from "vitest";
import { bodyBytesToRead, checksNeedBody } from "../../worker/core/probes/body-budget.ts";
import { cloudflareEdgeFailure } from "../../worker/core/probes/cloudflare-edge-errors.ts";
import { type HttpChecks, judgeHttpResponse } from "../../worker/core/probes/judge-http.ts";

const at = Date.parse("2026-11-01T12:00:00Z");
const url = "https://api.example/healthCheck";
const plain: HttpChecks = { expectedStatus: ["2xx"] };
const healthyJson = JSON.stringify({ status: "ok", checks: { db: { status: "ok" } } });

function judge(checks: HttpChecks, status: number, latencyMs: number, text: string | null, truncatedAt?: number) {
  const body = text === null ? null : { text, truncatedAt: truncatedAt ?? null };
  return judgeHttpResponse(checks, { at, url, status, latencyMs, body });
}

describe("judgeHttpResponse", () => {
  it("is up when the status is expected", () => {
    expect(judge(plain, 200, 45, null)).toEqual({
      at,
      outcome: "up",
      latencyMs: 45,
      statusCode: 200,
      failure: null,
      summary: "200 in 45 ms",
    });
  });

  it("is down on an unexpected status, before looking at the body", () => {
    const result = judge({ ...plain, keyword: "ok" }, 503, 12, "ok");
    expect(result).toMatchObject({
      outcome: "down",
      statusCode: 503,
      latencyMs: 12,
      failure: { kind: "status", status: 503, expected: "2xx" },
      summary: "unexpected status 503 (expected 2xx)",
    });
  });

  it("is degraded above degradedAboveMs, and only above it", () => {
    const checks = { ...plain, degradedAboveMs: 1_000 };
    expect(judge(checks, 200, 2_300, null)).toMatchObject({
      outcome: "degraded",
      failure: null,
      summary: "too slow: 2300 ms > 1000 ms",
    });
    expect(judge(checks, 200, 1_000, null).outcome).toBe("up");
  });

  it("prefers down to degraded", () => {
    expect(judge({ ...plain, degradedAboveMs: 10 }, 500, 2_000, null).outcome).toBe("down");
  });

  it("rounds latency to whole milliseconds", () => {
    expect(judge(plain, 200, 12.6, null)).toMatchObject({ latencyMs: 13, summary: "200 in 13 ms" });
  });

  it("checks a keyword that must appear", () => {
    expect(judge({ ...plain, keyword: '"ok"' }, 200, 5, healthyJson).outcome).toBe("up");
    expect(judge({ ...plain, keyword: "healthy" }, 200, 5, healthyJson)).toMatchObject({
      outcome: "down",
      failure: { kind: "keyword_missing", keyword: "healthy" },
      summary: 'keyword "healthy" missing',
    });
  });

  it("says how much was searched when the body was cut at maxBodyBytes", () => {
    expect(judge({ ...plain, keyword: "ok" }, 200, 5, "x".repeat(1_024), 1_024)).toMatchObject({
      failure: { kind: "keyword_missing", keyword: "ok", searchedBytes: 1_024 },
      summary: 'keyword "ok" missing in the first 1024 bytes',
    });
  });

  it("checks a keyword that must not appear", () => {
    expect(judge({ ...plain, keywordAbsent: "down" }, 200, 5, healthyJson).outcome).toBe("up");
    expect(judge({ ...plain, keywordAbsent: "ok" }, 200, 5, healthyJson)).toMatchObject({
      outcome: "down",
      failure: { kind: "keyword_present", keyword: "ok" },
    });
  });

  it("checks a JSON field", () => {
    const json = { path: "checks.db.status", equals: "ok" };
    expect(judge({ ...plain, json }, 200, 5, healthyJson).outcome).toBe("up");
    expect(
      judge({ ...plain, json }, 200, 5, healthyJson.replace('"db":{"status":"ok"}', '"db":{"status":"down"}')),
    ).toMatchObject({
      outcome: "down",
      failure: { kind: "json_mismatch", path: "checks.db.status", expected: "ok", actual: "down" },
      summary: 'JSON field checks.db.status is "down" (expected "ok")',
    });
  });

  it('compares JSON values by type, so 1 is not "1"', () => {
    const json = { path: "count", equals: 1 };
    expect(judge({ ...plain, json }, 200, 5, '{"count":1}').outcome).toBe("up");
    expect(judge({ ...plain, json }, 200, 5, '{"count":"1"}').outcome).toBe("down");
    expect(judge({ ...plain, json: { path: "v", equals: null } }, 200, 5, '{"v":null}').outcome).toBe("up");
  });

  it("says when the JSON field is not there at all", () => {
    expect(judge({ ...plain, json: { path: "checks.cache", equals: "ok" } }, 200, 5, healthyJson)).toMatchObject({
      failure: { kind: "json_mismatch", actual: undefined },
      summary: 'JSON field checks.cache is missing (expected "ok")',
    });
  });

  it("says when the body is not JSON, or too long to be checked as JSON", () => {
    const json = { path: "status", equals: "ok" };
    expect(judge({ ...plain, json }, 200, 5, "<html>")).toMatchObject({ failure: { kind: "not_json" } });
    expect(judge({ ...plain, json }, 200, 5, healthyJson.slice(0, 10), 1_024)).toMatchObject({
      failure: { kind: "not_json", searchedBytes: 1_024 },
      summary: "JSON body longer than maxBodyBytes (1024 bytes)",
    });
  });

  it("treats a body nobody read as empty", () => {
    expect(judge({ ...plain, keyword: "ok" }, 200, 5, null).failure).toEqual({
      kind: "keyword_missing",
      keyword: "ok",
    });
  });

  it("turns Cloudflare's own error responses back into the failure they stand for", () => {
    expect(judge(plain, 530, 30, "error code: 1016")).toMatchObject({
      outcome: "down",
      statusCode: 530,
      failure: { kind: "dns", host: "api.example" },
      summary: "DNS lookup failed for api.example",
    });
    // A target's own 5xx stays a status failure.
    expect(judge(plain, 521, 30, "<html>Web server is down</html>").failure).toMatchObject({ kind: "status" });
  });
});

describe("checksNeedBody", () => {
  it("is true only when a keyword or JSON check reads the body", () => {
    expect(checksNeedBody(plain)).toBe(false);
    const speedOnly: HttpChecks = { ...plain, degradedAboveMs: 100 };
    expect(checksNeedBody(speedOnly)).toBe(false);
    expect(checksNeedBody({ ...plain, keyword: "ok" })).toBe(true);
    expect(checksNeedBody({ ...plain, keywordAbsent: "down" })).toBe(true);
    expect(checksNeedBody({ ...plain, json: { path: "a", equals: 1 } })).toBe(true);
  });
});

describe("bodyBytesToRead", () => {
  const base = { expectedStatus: ["2xx" as const], maxBodyBytes: 4_096 };

  it("reads nothing when no check needs the body", () => {
    expect(bodyBytesToRead(base, 200)).toBe(0);
  });

  it("reads up to maxBodyBytes for keyword and JSON checks", () => {
    expect(bodyBytesToRead({ ...base, keyword: "ok" }, 200)).toBe(4_096);
    expect(bodyBytesToRead({ ...base, json: { path: "a", equals: 1 } }, 204)).toBe(4_096);
  });

  it("reads nothing once the status has failed, except a glance at a possible Cloudflare error", () => {
    expect(bodyBytesToRead({ ...base, keyword: "ok" }, 503)).toBe(0);
    expect(bodyBytesToRead({ ...base, keyword: "ok" }, 530)).toBe(256);
    expect(bodyBytesToRead(base, 521)).toBe(256);
    expect(bodyBytesToRead({ ...base, expectedStatus: ["5xx"] }, 521)).toBe(0);
  });
});

describe("cloudflareEdgeFailure", () => {
  it("reads Cloudflare's terse error bodies", () => {
    expect(cloudflareEdgeFailure(530, "error code: 1016", "x.example")).toEqual({ kind: "dns", host: "x.example" });
    expect(cloudflareEdgeFailure(521, "error code: 521\n", "x.example")).toEqual({ kind: "refused" });
    expect(cloudflareEdgeFailure(525, "error code: 525", "x.example")).toMatchObject({ kind: "tls" });
    expect(cloudflareEdgeFailure(526, "error code: 526", "x.example")).toMatchObject({ kind: "tls" });
    expect(cloudflareEdgeFailure(522, "error code: 522", "x.example")).toEqual({
      kind: "network",
      detail: "connection timed out (Cloudflare 522)",
    });
    expect(cloudflareEdgeFailure(530, "error code: 1033", "x.example")).toEqual({
      kind: "network",
      detail: "Cloudflare error 1033 (status 530)",
    });
  });

  it("leaves other statuses and bodies alone", () => {
    expect(cloudflareEdgeFailure(503, "error code: 1016", "x.example")).toBeNull();
    expect(cloudflareEdgeFailure(530, "The origin is down: error code: 1016", "x.example")).toBeNull();
  });
});
