import type { connect } from "cloudflare:sockets";
import { describe, expect, it } from "vitest";
import { runTcpProbe } from "../../durable-objects/monitor/probe-tcp.ts";
import { tcpMonitor } from "../helpers/probe-monitors.ts";

/**
 * runTcpProbe with sockets of the test's own: a connection that never opens
 * (loopback always answers at once, so the real targets cannot show it) and
 * one that opens slowly.
 */

function fakeSocket(opened: Promise<unknown>) {
  const state = { closed: false };
  const socket = {
    opened,
    closed: new Promise(() => undefined),
    close: async () => {
      state.closed = true;
    },
  } as unknown as ReturnType<typeof connect>;
  return { connect: (() => socket) as typeof connect, state };
}

const monitor = tcpMonitor({ host: "db.example", port: 5432, timeoutMs: 300 });

describe("runTcpProbe", () => {
  it("gives up on a connection that never opens, at the timeout, and closes it", async () => {
    // This socket never opens: only the deadline can end the wait, and the result says it did.
    const fake = fakeSocket(new Promise(() => undefined));
    const result = await runTcpProbe(monitor, { connect: fake.connect });
    expect(result).toMatchObject({
      outcome: "down",
      statusCode: null,
      failure: { kind: "timeout", afterMs: 300 },
      summary: "timeout after 300 ms",
    });
    expect(fake.state.closed).toBe(true);
  });

  it("is degraded when the connection opens later than degradedAboveMs", async () => {
    // The clock says the connection took 150 ms: the verdict follows the probe's clock, not the machine's speed.
    const fake = fakeSocket(Promise.resolve({}));
    const ticks = [1_000, 1_150];
    const result = await runTcpProbe(
      { ...monitor, degradedAboveMs: 100 },
      { connect: fake.connect, now: () => ticks.shift() ?? 1_150 },
    );
    expect(result).toMatchObject({ outcome: "degraded", latencyMs: 150, summary: "too slow: 150 ms > 100 ms" });
    expect(fake.state.closed).toBe(true);
  });

  it("measures with the clock it is given", async () => {
    const ticks = [5_000, 5_042];
    const result = await runTcpProbe(monitor, {
      connect: fakeSocket(Promise.resolve({})).connect,
      now: () => ticks.shift() ?? 5_042,
    });
    expect(result).toMatchObject({ at: 5_000, latencyMs: 42, outcome: "up", summary: "connected in 42 ms" });
  });

  it("reports a connect() that throws at once in its own words", async () => {
    const result = await runTcpProbe(monitor, {
      connect: () => {
        throw new Error("Connections to port 25 are prohibited");
      },
    });
    expect(result).toMatchObject({ outcome: "down", summary: "network error: Connections to port 25 are prohibited" });
  });

  it("asks fetch whether the name resolves when connect() fails", async () => {
    const failed = () =>
      fakeSocket(Promise.reject(new Error("proxy request failed, cannot connect to the specified address")));
    const unknownName = await runTcpProbe(monitor, {
      connect: failed().connect,
      fetch: () => Promise.reject(new Error("internal error; reference = abc")),
    });
    expect(unknownName.summary).toBe("DNS lookup failed for db.example");
    const refused = await runTcpProbe(monitor, {
      connect: failed().connect,
      fetch: () => Promise.reject(new Error("Network connection lost.")),
    });
    expect(refused.summary).toBe("connection refused");
    const edge = await runTcpProbe(monitor, {
      connect: failed().connect,
      fetch: async () => new Response("error code: 1016", { status: 530 }),
    });
    expect(edge.summary).toBe("DNS lookup failed for db.example");
  });
});
