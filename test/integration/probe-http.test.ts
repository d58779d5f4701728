import { describe, expect, it } from "vitest";
import { runHttpProbe, USER_AGENT } from "../../durable-objects/monitor/probe-http.ts";
import type { HttpMonitorConfig } from "../../worker/core/monitors/monitor-config.ts";
import { httpMonitor } from "../helpers/probe-monitors.ts";
import { recordingClock } from "../helpers/recording-clock.ts";
import { BIG_BODY_BYTES } from "../helpers/target-addresses.ts";
import { targetStats, targets, targetUrl } from "../helpers/workers/targets.ts";

/**
 * runHttpProbe with workerd's own fetch against real servers on 127.0.0.1
 * (test/helpers/node/targets.ts). Timeouts are short so the suite stays fast.
 * What is asserted is what happened (the kind of failure, whether the target
 * saw the connection go, the probe's own clock readings), never how long the
 * test took: a busy machine makes every wall-clock bound a coin toss.
 */

/**
 * What the 50 MB target may write before the probe's connection closes: the
 * loopback sockets' kernel buffers fill in the milliseconds before the cancel
 * lands (2–4 MB measured), the body itself would be 50.
 */
const MOST_BUFFERED = BIG_BODY_BYTES / 5;
/** Keys for the stateful targets, fresh per run: the targets outlive a run in watch mode. */
const run = crypto.randomUUID().slice(0, 8);

async function probe(fields: Partial<HttpMonitorConfig> & { url: string }) {
  const clock = recordingClock();
  const result = await runHttpProbe(httpMonitor({ timeoutMs: 1_500, ...fields }), { now: clock.now });
  return { result, readings: clock.readings };
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 3_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("runHttpProbe against real targets", () => {
  it("is up on a healthy target, with the status and the time to the headers", async () => {
    const { result, readings } = await probe({ url: targetUrl("/healthy") });
    expect(result).toMatchObject({ outcome: "up", statusCode: 200, failure: null });
    // Started at the first reading, measured to the second (taken once the headers were in).
    expect(readings).toHaveLength(2);
    expect(result.at).toBe(readings[0]);
    expect(result.latencyMs).toBe((readings[1] as number) - (readings[0] as number));
    expect(result.summary).toBe(`200 in ${result.latencyMs} ms`);
  });

  it("passes keyword and JSON field checks on a healthy body", async () => {
    const { result } = await probe({
      url: targetUrl("/healthy"),
      keyword: '"ok"',
      keywordAbsent: "down",
      json: { path: "checks.db.status", equals: "ok" },
    });
    expect(result.outcome).toBe("up");
  });

  it("is down on a 500, naming the status and what was expected", async () => {
    const { result } = await probe({ url: targetUrl("/status/500") });
    expect(result).toMatchObject({
      outcome: "down",
      statusCode: 500,
      failure: { kind: "status", status: 500, expected: "2xx" },
      summary: "unexpected status 500 (expected 2xx)",
    });
  });

  it("accepts any status the monitor expects", async () => {
    const { result } = await probe({ url: targetUrl("/status/500"), expectedStatus: [200, "500-503"] });
    expect(result.outcome).toBe("up");
  });

  it("sees a target that answers 503 and then recovers", async () => {
    const url = targetUrl(`/flaky/${run}/2`);
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push((await probe({ url })).result);
    expect(outcomes.map((r) => r.outcome)).toEqual(["down", "down", "up", "up"]);
    expect(outcomes[0]?.summary).toBe("unexpected status 503 (expected 2xx)");
  });

  it("gives up on a target that never answers, at its timeout", async () => {
    // /hang never answers: that the probe returns at all, calling it a timeout, is the deadline at work.
    const { result } = await probe({ url: targetUrl("/hang"), timeoutMs: 500 });
    expect(result).toMatchObject({
      outcome: "down",
      statusCode: null,
      failure: { kind: "timeout", afterMs: 500 },
      summary: "timeout after 500 ms",
    });
  });

  it("calls a reset connection a reset", async () => {
    const { result } = await probe({ url: targetUrl("/reset") });
    expect(result).toMatchObject({ outcome: "down", failure: { kind: "reset" }, summary: "connection reset" });
  });

  it("calls a closed port refused", async () => {
    const { result } = await probe({ url: `http://${targets.refused.hostname}:${targets.refused.port}/healthCheck` });
    expect(result).toMatchObject({ outcome: "down", failure: { kind: "refused" }, summary: "connection refused" });
  });

  it("names the host whose DNS lookup failed", async () => {
    // .invalid never resolves (RFC 6761), with or without a network.
    const { result } = await probe({ url: "http://lookout-probe-test.invalid/healthCheck" });
    expect(result).toMatchObject({
      outcome: "down",
      failure: { kind: "dns", host: "lookout-probe-test.invalid" },
      summary: "DNS lookup failed for lookout-probe-test.invalid",
    });
  });

  it.skipIf(targets.untrustedTls === null)("calls a certificate nobody trusts a TLS error", async () => {
    const { result } = await probe({ url: `${targets.untrustedTls}/healthy` });
    expect(result).toMatchObject({
      outcome: "down",
      failure: { kind: "tls" },
      summary: "TLS error: handshake failed or certificate rejected",
    });
  });

  it("calls HTTPS to a server that only speaks HTTP a TLS error", async () => {
    const { result } = await probe({ url: `${targets.http.replace("http:", "https:")}/healthy` });
    expect(result).toMatchObject({ outcome: "down", failure: { kind: "tls" } });
  });

  describe("bodies", () => {
    it("stops reading a body that trickles, at the timeout", async () => {
      const { result } = await probe({
        url: targetUrl(`/slow-body/keyword-${run}`),
        keyword: "ok",
        timeoutMs: 600,
      });
      expect(result).toMatchObject({
        outcome: "down",
        statusCode: 200,
        failure: { kind: "timeout", afterMs: 600 },
        summary: "timeout after 600 ms",
      });
      const stats = await eventually(
        () => targetStats("slow-body", `keyword-${run}`),
        (s) => s?.clientGone === true,
      );
      expect(stats?.clientGone).toBe(true);
    });

    it("never waits for a trickling body when no check needs it", async () => {
      // The body trickles for a minute: a probe that waited for it would be a timeout, not up.
      const { result } = await probe({ url: targetUrl(`/slow-body/no-checks-${run}`), timeoutMs: 600 });
      expect(result).toMatchObject({ outcome: "up", statusCode: 200, failure: null });
      const stats = await eventually(
        () => targetStats("slow-body", `no-checks-${run}`),
        (s) => s?.clientGone === true,
      );
      expect(stats?.clientGone).toBe(true);
    });

    it("does not download a 50 MB body when no check needs it", async () => {
      const { result } = await probe({ url: targetUrl(`/big/no-checks-${run}`) });
      expect(result).toMatchObject({ outcome: "up", statusCode: 200 });
      const stats = await eventually(
        () => targetStats("big", `no-checks-${run}`),
        (s) => s?.clientGone === true,
      );
      expect(stats?.clientGone).toBe(true);
      expect(stats?.bytesWritten).toBeLessThan(MOST_BUFFERED);
    });

    it("reads a 50 MB body only up to maxBodyBytes for a keyword check", async () => {
      const { result } = await probe({ url: targetUrl(`/big/keyword-${run}`), keyword: "ok", maxBodyBytes: 65_536 });
      expect(result).toMatchObject({
        outcome: "down",
        statusCode: 200,
        failure: { kind: "keyword_missing", keyword: "ok", searchedBytes: 65_536 },
        summary: 'keyword "ok" missing in the first 65536 bytes',
      });
      const stats = await eventually(
        () => targetStats("big", `keyword-${run}`),
        (s) => s?.clientGone === true,
      );
      expect(stats?.clientGone).toBe(true);
      expect(stats?.bytesWritten).toBeLessThan(MOST_BUFFERED);
    });

    it("reports a missing keyword", async () => {
      const { result } = await probe({ url: targetUrl("/text?body=status%3A%20degraded"), keyword: "ok" });
      expect(result).toMatchObject({
        outcome: "down",
        statusCode: 200,
        failure: { kind: "keyword_missing", keyword: "ok" },
        summary: 'keyword "ok" missing',
      });
    });

    it("reports a keyword that must not be there", async () => {
      const { result } = await probe({ url: targetUrl("/text?body=database%20down"), keywordAbsent: "down" });
      expect(result).toMatchObject({ outcome: "down", summary: 'unwanted keyword "down" present' });
    });

    it("reports a JSON field with the wrong value", async () => {
      const { result } = await probe({
        url: targetUrl("/wrong-json"),
        json: { path: "checks.db.status", equals: "ok" },
      });
      expect(result).toMatchObject({
        outcome: "down",
        failure: { kind: "json_mismatch", path: "checks.db.status", expected: "ok", actual: "down" },
        summary: 'JSON field checks.db.status is "down" (expected "ok")',
      });
    });

    it("reports a body that is not JSON when a JSON field is checked", async () => {
      const { result } = await probe({
        url: targetUrl("/text?body=%3Chtml%3E"),
        json: { path: "status", equals: "ok" },
      });
      expect(result).toMatchObject({ outcome: "down", failure: { kind: "not_json" }, summary: "body is not JSON" });
    });
  });

  describe("redirects", () => {
    it("follows a chain of redirects to the healthy page", async () => {
      const { result } = await probe({ url: targetUrl("/redirect/3"), json: { path: "status", equals: "ok" } });
      expect(result).toMatchObject({ outcome: "up", statusCode: 200 });
    });

    it("stops after maxRedirects", async () => {
      const { result } = await probe({ url: targetUrl("/redirect/3"), maxRedirects: 2 });
      expect(result).toMatchObject({
        outcome: "down",
        statusCode: 302,
        failure: { kind: "redirects", count: 3 },
        summary: "too many redirects (3)",
      });
    });

    it("catches a redirect loop", async () => {
      const { result } = await probe({ url: targetUrl("/loop/a") });
      expect(result).toMatchObject({
        outcome: "down",
        failure: { kind: "redirects", count: 2, loopAt: targetUrl("/loop/a") },
        summary: `redirect loop: ${targetUrl("/loop/a")} again after 2 redirects`,
      });
    });

    it("judges the redirect itself when redirects are not followed", async () => {
      const off = await probe({ url: targetUrl("/redirect/1"), followRedirects: false });
      expect(off.result).toMatchObject({ outcome: "down", summary: "unexpected status 302 (expected 2xx)" });
      const expected = await probe({ url: targetUrl("/redirect/1"), followRedirects: false, expectedStatus: [302] });
      expect(expected.result.outcome).toBe("up");
    });
  });

  it("is degraded when the answer comes later than degradedAboveMs", async () => {
    const { result } = await probe({ url: targetUrl("/slow-headers/400"), degradedAboveMs: 200 });
    expect(result.outcome).toBe("degraded");
    // The target held its headers for 400 ms: a floor the target sets, which a busy machine can only raise.
    expect(result.latencyMs).toBeGreaterThanOrEqual(390);
    expect(result.summary).toBe(`too slow: ${result.latencyMs} ms > 200 ms`);
  });

  it("sends the configured method, headers and body, and its own user agent", async () => {
    const echo = async (fields: Partial<HttpMonitorConfig>) => {
      let seen: { method: string; headers: Record<string, string>; body: string } | undefined;
      await runHttpProbe(httpMonitor({ url: targetUrl("/echo"), ...fields }), {
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          seen = await response.clone().json();
          return response;
        },
      });
      return seen;
    };
    expect(await echo({})).toMatchObject({ method: "GET", headers: { "user-agent": USER_AGENT }, body: "" });
    expect(
      await echo({ method: "POST", headers: { "content-type": "application/json", "User-Agent": "mine" }, body: "{}" }),
    ).toMatchObject({
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "mine" },
      body: "{}",
    });
  });
});
