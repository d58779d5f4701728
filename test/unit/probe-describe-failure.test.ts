import { describe, expect, it } from "vitest";
import { describeFailure } from "../../worker/core/probes/describe-failure.ts";
import type { ProbeFailure } from "../../worker/core/probes/probe-result.ts";

describe("describeFailure", () => {
  const cases: [ProbeFailure, string][] = [
    [{ kind: "timeout", afterMs: 10_000 }, "timeout after 10000 ms"],
    [{ kind: "dns", host: "x.example" }, "DNS lookup failed for x.example"],
    [{ kind: "refused" }, "connection refused"],
    [{ kind: "reset" }, "connection reset"],
    [{ kind: "tls", detail: "certificate has expired" }, "TLS error: certificate has expired"],
    [{ kind: "status", status: 503, expected: "2xx" }, "unexpected status 503 (expected 2xx)"],
    [{ kind: "keyword_missing", keyword: "ok" }, 'keyword "ok" missing'],
    [{ kind: "keyword_missing", keyword: "ok", searchedBytes: 1024 }, 'keyword "ok" missing in the first 1024 bytes'],
    [{ kind: "keyword_present", keyword: "error" }, 'unwanted keyword "error" present'],
    [{ kind: "not_json" }, "body is not JSON"],
    [{ kind: "not_json", searchedBytes: 1_048_576 }, "JSON body longer than maxBodyBytes (1048576 bytes)"],
    [
      { kind: "json_mismatch", path: "checks.db.status", expected: "ok", actual: "down" },
      'JSON field checks.db.status is "down" (expected "ok")',
    ],
    [
      { kind: "json_mismatch", path: "checks.db.status", expected: "ok", actual: undefined },
      'JSON field checks.db.status is missing (expected "ok")',
    ],
    [{ kind: "json_mismatch", path: "up", expected: true, actual: null }, "JSON field up is null (expected true)"],
    [{ kind: "redirects", count: 6 }, "too many redirects (6)"],
    [
      { kind: "redirects", count: 2, loopAt: "https://a.example/login" },
      "redirect loop: https://a.example/login again after 2 redirects",
    ],
    [
      { kind: "heartbeat_missed", lastAt: null, silentForMs: null, expectedEveryMs: 60_000 },
      "no heartbeat received yet",
    ],
    [
      {
        kind: "heartbeat_missed",
        lastAt: Date.parse("2026-11-01T10:00:00Z"),
        silentForMs: 150_000,
        expectedEveryMs: 60_000,
      },
      "no heartbeat for 150 s (expected every 60 s)",
    ],
    [
      { kind: "network", detail: "connection lost (refused or reset)" },
      "network error: connection lost (refused or reset)",
    ],
  ];
  it.each(cases)("describes %j", (failure, text) => {
    expect(describeFailure(failure)).toBe(text);
  });

  it("keeps quoted text on one short line", () => {
    const keyword = `first line\nsecond line ${"x".repeat(200)}`;
    const text = describeFailure({ kind: "keyword_missing", keyword });
    expect(text).not.toContain("\n");
    expect(text.length).toBeLessThan(110);
    expect(text).toMatch(/^keyword "first line second line x+…" missing$/);
  });

  it("shows a non-scalar JSON value compactly", () => {
    expect(describeFailure({ kind: "json_mismatch", path: "checks", expected: "ok", actual: { db: "down" } })).toBe(
      'JSON field checks is {"db":"down"} (expected "ok")',
    );
  });
});
