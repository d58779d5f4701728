import { describe, expect, it } from "vitest";
import { runTcpProbe } from "../../durable-objects/monitor/probe-tcp.ts";
import { tcpMonitor } from "../helpers/probe-monitors.ts";
import { recordingClock } from "../helpers/recording-clock.ts";
import { targets } from "../helpers/workers/targets.ts";

/**
 * runTcpProbe with workerd's own connect() against real listeners on
 * 127.0.0.1. A connect that never completes cannot be made on loopback; that
 * case is in test/unit/probe-tcp-timeout.test.ts with a socket that never opens.
 */
describe("runTcpProbe against real targets", () => {
  it("is up when the port accepts, with the time to connect", async () => {
    // The clock is the real one, but every reading is recorded: the sample must be made of them.
    const { readings, now } = recordingClock();
    const result = await runTcpProbe(
      tcpMonitor({ host: targets.tcp.hostname, port: targets.tcp.port, timeoutMs: 1_000 }),
      { now },
    );
    expect(result).toMatchObject({ outcome: "up", statusCode: null, failure: null });
    expect(readings).toHaveLength(2);
    expect(result.at).toBe(readings[0]);
    expect(result.latencyMs).toBe((readings[1] as number) - (readings[0] as number));
    expect(result.summary).toBe(`connected in ${result.latencyMs} ms`);
  });

  it("is given a refused port no test's listen(0) can be handed later", () => {
    // Linux hands ports from its ephemeral floor up to listen(0) and to outgoing connections:
    // a port the suite freed there was, half an hour into a run, some other test's listener.
    expect(targets.refused.ephemeralFloor).toBeGreaterThan(1024);
    expect(targets.refused.port).toBeLessThan(targets.refused.ephemeralFloor);
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
    // A lookup that hung until the timeout would be called a timeout, not a DNS failure.
    const result = await runTcpProbe(tcpMonitor({ host: "lookout-probe-test.invalid", port: 5432, timeoutMs: 1_000 }));
    expect(result).toMatchObject({
      outcome: "down",
      failure: { kind: "dns", host: "lookout-probe-test.invalid" },
      summary: "DNS lookup failed for lookout-probe-test.invalid",
    });
  });
});
