import type { connect } from "cloudflare:sockets";
import { describe, expect, it } from "vitest";
import { runHttpProbe } from "../../durable-objects/monitor/probe-http.ts";
import type { HttpMonitorConfig } from "../../worker/core/monitors/monitor-config.ts";
import { httpMonitor } from "../helpers/probe-monitors.ts";

/**
 * runHttpProbe with a fetch and connect of the test's own, to see what the
 * real targets cannot show: every body is released, a fetch that ignores its
 * signal still cannot hold the probe, and what is sent on each redirect hop.
 */

interface Tracked {
  pulled: number;
  cancelled: boolean;
}

/** A body that never ends, counting what was pulled from it and whether it was cancelled. */
function endlessBody(track: Tracked, chunkBytes = 512): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        controller.enqueue(new Uint8Array(chunkBytes).fill(120));
        track.pulled += chunkBytes;
      },
      cancel() {
        track.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
}

/** A body that sends nothing, ever. */
function silentBody(track: Tracked): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      pull: () => new Promise<void>(() => undefined),
      cancel() {
        track.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
}

function newTrack(): Tracked {
  return { pulled: 0, cancelled: false };
}

function monitor(fields: Partial<HttpMonitorConfig> = {}) {
  return httpMonitor({ url: "https://api.example/healthCheck", timeoutMs: 300, ...fields });
}

/** Lets cancellations that were started but not awaited land. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe("runHttpProbe releases every body", () => {
  it("cancels the body unread when no check needs it", async () => {
    const track = newTrack();
    const result = await runHttpProbe(monitor(), { fetch: async () => new Response(endlessBody(track)) });
    await settle();
    expect(result.outcome).toBe("up");
    expect(track).toEqual({ pulled: 0, cancelled: true });
  });

  it("cancels the body unread on an unexpected status", async () => {
    const track = newTrack();
    const result = await runHttpProbe(monitor({ keyword: "ok" }), {
      fetch: async () => new Response(endlessBody(track), { status: 503 }),
    });
    await settle();
    expect(result.summary).toBe("unexpected status 503 (expected 2xx)");
    expect(track).toEqual({ pulled: 0, cancelled: true });
  });

  it("reads no further than maxBodyBytes, then cancels", async () => {
    const track = newTrack();
    const result = await runHttpProbe(monitor({ keyword: "ok", maxBodyBytes: 1_024 }), {
      fetch: async () => new Response(endlessBody(track)),
    });
    await settle();
    expect(result.summary).toBe('keyword "ok" missing in the first 1024 bytes');
    expect(track.cancelled).toBe(true);
    expect(track.pulled).toBeLessThanOrEqual(1_024 + 512);
  });

  it("cancels a body that stops sending, at the timeout", async () => {
    const track = newTrack();
    const result = await runHttpProbe(monitor({ keyword: "ok" }), {
      fetch: async () => new Response(silentBody(track)),
    });
    await settle();
    // The body never ends: only the deadline can have ended the read, and the result says it did.
    expect(result).toMatchObject({ outcome: "down", statusCode: 200, summary: "timeout after 300 ms" });
    expect(track.cancelled).toBe(true);
  });

  it("cancels the body of every redirect it follows", async () => {
    const hops = [newTrack(), newTrack(), newTrack()];
    let calls = 0;
    const result = await runHttpProbe(monitor(), {
      fetch: async () => {
        const track = hops[calls] ?? newTrack();
        calls += 1;
        return calls < 3
          ? new Response(endlessBody(track), { status: 302, headers: { location: `/hop/${calls}` } })
          : new Response(endlessBody(track));
      },
    });
    await settle();
    expect(result.outcome).toBe("up");
    expect(hops.every((track) => track.cancelled && track.pulled === 0)).toBe(true);
  });
});

describe("runHttpProbe keeps to its deadline", () => {
  it("returns at the timeout even when fetch ignores its signal", async () => {
    // This fetch never settles: that the probe returns at all, calling it a timeout, is the deadline at work.
    const result = await runHttpProbe(monitor(), { fetch: () => new Promise<Response>(() => undefined) });
    expect(result).toMatchObject({ outcome: "down", statusCode: null, failure: { kind: "timeout", afterMs: 300 } });
  });

  it("aborts the signal it gave fetch", async () => {
    let signal: AbortSignal | undefined;
    await runHttpProbe(monitor(), {
      fetch: (_input, init) => {
        signal = init?.signal ?? undefined;
        return new Promise<Response>(() => undefined);
      },
    });
    expect(signal?.aborted).toBe(true);
  });

  it("measures latency with the clock it is given", async () => {
    const ticks = [1_000, 3_300];
    const result = await runHttpProbe(monitor({ degradedAboveMs: 1_000 }), {
      fetch: async () => new Response("ok"),
      now: () => ticks.shift() ?? 3_300,
    });
    expect(result).toMatchObject({ at: 1_000, latencyMs: 2_300, outcome: "degraded" });
    expect(result.summary).toBe("too slow: 2300 ms > 1000 ms");
  });
});

describe("runHttpProbe on redirects", () => {
  it("sends credentials only to the origin that was configured", async () => {
    const seen: { url: string; authorization: string | null }[] = [];
    await runHttpProbe(monitor({ headers: { authorization: "Bearer secret" } }), {
      fetch: async (input, init) => {
        const url = String(input);
        seen.push({ url, authorization: new Headers(init?.headers).get("authorization") });
        if (url.endsWith("/healthCheck"))
          return new Response(null, { status: 302, headers: { location: "/v2/health" } });
        if (url.endsWith("/v2/health")) {
          return new Response(null, { status: 302, headers: { location: "https://cdn.example/health" } });
        }
        return new Response("ok");
      },
    });
    expect(seen).toEqual([
      { url: "https://api.example/healthCheck", authorization: "Bearer secret" },
      { url: "https://api.example/v2/health", authorization: "Bearer secret" },
      { url: "https://cdn.example/health", authorization: null },
    ]);
  });

  it("turns POST into GET without a body after a 303", async () => {
    const seen: { method: string | undefined; body: unknown }[] = [];
    await runHttpProbe(monitor({ method: "POST", body: '{"ping":1}' }), {
      fetch: async (_input, init) => {
        seen.push({ method: init?.method, body: init?.body });
        return seen.length === 1
          ? new Response(null, { status: 303, headers: { location: "/result" } })
          : new Response("ok");
      },
    });
    expect(seen).toEqual([
      { method: "POST", body: '{"ping":1}' },
      { method: "GET", body: undefined },
    ]);
  });
});

describe("runHttpProbe when fetch throws", () => {
  const lost = () => Promise.reject(new Error("Network connection lost."));

  function fakeConnect(opens: boolean): { connect: typeof connect; closed: () => boolean } {
    let closed = false;
    const fake = () =>
      ({
        opened: opens
          ? Promise.resolve({ remoteAddress: "203.0.113.7:443" })
          : Promise.reject(new Error("proxy request failed, cannot connect to the specified address")),
        closed: new Promise(() => undefined),
        close: async () => {
          closed = true;
        },
      }) as unknown as ReturnType<typeof connect>;
    return { connect: fake, closed: () => closed };
  }

  it("asks a plain connection whether the port is open, then closes it", async () => {
    const open = fakeConnect(true);
    const reset = await runHttpProbe(monitor(), { fetch: lost, connect: open.connect });
    expect(reset.failure).toEqual({ kind: "reset" });
    expect(open.closed()).toBe(true);
    const shut = fakeConnect(false);
    const refused = await runHttpProbe(monitor(), { fetch: lost, connect: shut.connect });
    expect(refused.failure).toEqual({ kind: "refused" });
  });

  it("reports an unknown error's own words", async () => {
    const result = await runHttpProbe(monitor(), { fetch: () => Promise.reject(new TypeError("Invalid URL")) });
    expect(result).toMatchObject({ outcome: "down", summary: "network error: Invalid URL" });
  });
});
