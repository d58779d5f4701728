import { describe, expect, it } from "vitest";
import { componentStatusFromMonitors } from "../../worker/core/monitors/component-status.ts";
import { combineRegions, defaultQuorum } from "../../worker/core/monitors/quorum.ts";
import { percentile, rollUpDay, type Sample } from "../../worker/core/monitors/rollup.ts";
import { nextRunAt, phaseOffsetMs } from "../../worker/core/monitors/schedule.ts";

describe("quorum across regions", () => {
  it("defaults to a majority", () => {
    expect([1, 2, 3, 4, 5].map(defaultQuorum)).toEqual([1, 2, 2, 3, 3]);
  });

  it("declares down only when a quorum agrees", () => {
    expect(combineRegions(["down", "up", "up"], 2)).toBe("up");
    expect(combineRegions(["down", "down", "up"], 2)).toBe("down");
    expect(combineRegions(["down", "degraded", "up"], 2)).toBe("degraded");
    expect(combineRegions(["down", "down", "down"], 3)).toBe("down");
    // A quorum of three is a promise to wait for all three.
    expect(combineRegions(["down", "down", "up"], 3)).toBe("up");
  });

  it("lets unknown regions abstain", () => {
    expect(combineRegions(["unknown", "unknown", "unknown"], 2)).toBe("unknown");
    expect(combineRegions(["up", "unknown", "unknown"], 2)).toBe("up");
    expect(combineRegions(["down", "unknown", "unknown"], 2)).toBe("unknown");
    expect(combineRegions(["down"], 1)).toBe("down");
  });
});

describe("component status from monitors", () => {
  it("is the worst of its monitors, in Statuspage's words", () => {
    expect(componentStatusFromMonitors([{ state: "up", downStatus: "major_outage" }])).toBe("operational");
    expect(
      componentStatusFromMonitors([
        { state: "up", downStatus: "major_outage" },
        { state: "degraded", downStatus: "major_outage" },
      ]),
    ).toBe("degraded_performance");
    expect(
      componentStatusFromMonitors([
        { state: "down", downStatus: "partial_outage" },
        { state: "degraded", downStatus: "major_outage" },
      ]),
    ).toBe("partial_outage");
    expect(componentStatusFromMonitors([{ state: "down", downStatus: "major_outage" }])).toBe("major_outage");
  });

  it("says nothing while no monitor knows yet", () => {
    expect(componentStatusFromMonitors([])).toBeNull();
    expect(componentStatusFromMonitors([{ state: "unknown", downStatus: "major_outage" }])).toBeNull();
  });
});

describe("schedule", () => {
  it("spreads 1,000 monitors over the interval instead of firing them together", () => {
    const interval = 60_000;
    const perSecond = new Array(60).fill(0);
    for (let i = 0; i < 1000; i++) perSecond[Math.floor(phaseOffsetMs(`monitor-${i}`, "weur", interval) / 1000)]++;
    expect(Math.max(...perSecond)).toBeLessThan(40);
    expect(perSecond.filter((n) => n === 0).length).toBeLessThan(3);
  });

  it("is stable for a monitor and differs between its regions", () => {
    expect(phaseOffsetMs("api", "weur", 60_000)).toBe(phaseOffsetMs("api", "weur", 60_000));
    expect(phaseOffsetMs("api", "weur", 60_000)).not.toBe(phaseOffsetMs("api", "enam", 60_000));
  });

  it("picks the next slot strictly after now, so a late check does not drift", () => {
    expect(nextRunAt(0, 60_000, 5_000)).toBe(5_000);
    expect(nextRunAt(5_000, 60_000, 5_000)).toBe(65_000);
    expect(nextRunAt(64_999, 60_000, 5_000)).toBe(65_000);
    // A check that ran 20 s long still lands on the grid.
    expect(nextRunAt(85_000, 60_000, 5_000)).toBe(125_000);
  });
});

describe("daily roll-up", () => {
  const day = "2026-11-01";
  const t0 = Date.parse(`${day}T00:00:00Z`);
  const sample = (minute: number, outcome: Sample["outcome"], state: Sample["state"], latencyMs = 100): Sample => ({
    at: t0 + minute * 60_000,
    outcome,
    latencyMs,
    state,
  });

  it("counts checks, failures, downtime and latency", () => {
    const samples = [
      sample(0, "up", "up", 100),
      sample(1, "down", "up"),
      sample(2, "down", "up"),
      sample(3, "down", "down"),
      sample(4, "down", "down"),
      sample(5, "up", "down", 300),
      sample(6, "up", "up", 200),
    ];
    const rollup = rollUpDay(day, samples, 60_000);
    expect(rollup).toMatchObject({ day, checks: 7, downChecks: 4, degradedChecks: 0, downSeconds: 180 });
    expect(rollup.meanLatencyMs).toBe(200);
    expect(rollup.p95LatencyMs).toBe(300);
  });

  it("does not count a gap in checking as downtime", () => {
    const rollup = rollUpDay(day, [sample(0, "down", "down"), sample(600, "up", "up")], 60_000);
    expect(rollup.downSeconds).toBe(120);
  });

  it("computes nearest-rank percentiles", () => {
    expect(percentile([], 0.95)).toBeNull();
    expect(percentile([5], 0.95)).toBe(5);
    expect(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        0.95,
      ),
    ).toBe(95);
  });
});

describe("heartbeat checks", () => {
  it("are up within the interval plus grace and down after, saying how long it has been", async () => {
    const { judgeHeartbeat } = await import("../../worker/core/monitors/heartbeat.ts");
    expect(judgeHeartbeat(100_000, 50_000, 0, 60_000, 0)?.outcome).toBe("up");
    expect(judgeHeartbeat(100_000, 30_000, 0, 60_000, 10_000)?.outcome).toBe("up");
    const late = judgeHeartbeat(200_000, 50_000, 0, 60_000, 30_000);
    expect(late).toMatchObject({ outcome: "down", summary: "no heartbeat for 150 s (expected every 60 s)" });
    expect(judgeHeartbeat(100_000, null, 0, 60_000, 0)?.summary).toBe("no heartbeat received yet");
  });

  it("say nothing until Lookout has listened for a whole interval plus grace", async () => {
    const { judgeHeartbeat } = await import("../../worker/core/monitors/heartbeat.ts");
    // Back at 7,200,000 after two hours away; the last call came before it stopped.
    expect(judgeHeartbeat(7_200_000 + 90_000, 0, 7_200_000, 60_000, 30_000)).toBeNull();
    expect(judgeHeartbeat(7_200_000 + 90_001, 0, 7_200_000, 60_000, 30_000)?.outcome).toBe("down");
    // A call heard since the restart is the truth at once.
    expect(judgeHeartbeat(7_200_000 + 5_000, 7_200_000 + 1_000, 7_200_000, 60_000, 30_000)?.outcome).toBe("up");
    // Never called: its watch began when it started.
    expect(judgeHeartbeat(50_000, null, 0, 60_000, 0)).toBeNull();
  });

  it("take an alarm later than the grace (and a jitter margin) as Lookout having been away", async () => {
    const { wasAway, LATE_TOLERANCE_MS } = await import("../../worker/core/monitors/heartbeat.ts");
    expect(wasAway(1_000_000, null, 0)).toBe(false);
    expect(wasAway(1_000_000 + LATE_TOLERANCE_MS, 1_000_000, 0)).toBe(false);
    expect(wasAway(1_000_000 + LATE_TOLERANCE_MS + 1, 1_000_000, 0)).toBe(true);
    expect(wasAway(1_000_000 + 60_000, 1_000_000, 60_000)).toBe(false);
    expect(wasAway(1_000_000 + 60_001, 1_000_000, 60_000)).toBe(true);
    // Checked early (a test running the alarm at once): not away.
    expect(wasAway(1_000_000, 1_060_000, 0)).toBe(false);
  });
});
