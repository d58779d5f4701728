import { describe, expect, it } from "vitest";
import { runTcpProbe } from "../../durable-objects/monitor/probe-tcp.ts";
import { tcpMonitor } from "../helpers/probe-monitors.ts";
import { targets } from "../helpers/workers/targets.ts";

/**
 * runTcpProbe with workerd's own connect() against real listeners on
 * 127.0.0.1. A connect that never completes cannot be made on loopback; that
 * case is in test/unit/probe-tcp-timeout.test.ts with a socket that never opens.
 */
describe("runTcpProbe against real targets", () => {
  it("is up when the port accepts, with the time to connect", async () => {
    const started = Date.now();
    const result = await runTcpProbe(
      tcpMonitor({ host: targets.tcp.hostname, port: targets.tcp.port, timeoutMs: 1_000 }),
    );
    expect(result).toMatchObject({ outcome: "up", statusCode: null, failure: null });
    expect(result.summary).toBe(`connected in ${result.latencyMs} ms`);
    expect(result.latencyMs).toBeLessThanOrEqual(Date.now() - started);
  });

  it("calls a closed port refused", async () => {
    const result = await runTcpProbe(tcpMonitor({ host: targets.refused.hostname, port: targets.refused.port }));
    expect(result).toMatchObject({ outcome: "down", failure: { kind: "refused" }, summary: "connection refused" });
  });

  it("calls a closed port refused when the monitor names the host", async () => {
    const result = await runTcpProbe(tcpMonitor({ host: "localhost", port: targets.refused.port, timeoutMs: 1_000 }));
    expect(result).toMatchObject({ outcome: "down", failure: { kind: "refused" } });
  });

  it("names the host whose DNS lookup failed", async () => {
    const started = Date.now();
    const result = await runTcpProbe(tcpMonitor({ host: "lookout-probe-test.invalid", port: 5432, timeoutMs: 1_000 }));
    expect(result).toMatchObject({
      outcome: "down",
      failure: { kind: "dns", host: "lookout-probe-test.invalid" },
      summary: "DNS lookup failed for lookout-probe-test.invalid",
    });
    expect(Date.now() - started).toBeLessThan(1_400);
  });
});
