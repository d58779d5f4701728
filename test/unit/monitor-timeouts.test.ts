import { describe, expect, it } from "vitest";
import { defineConfig, type LookoutConfigInput } from "../../worker/config/define-config.ts";
import type { MonitorConfig } from "../../worker/core/monitors/monitor-config.ts";
import { problemsOf } from "../helpers/config-problems.ts";

/** Timeouts that fit the interval (docs/decisions/0037-timeouts-fit-the-interval.md). */

type MonitorInput = NonNullable<LookoutConfigInput["monitors"]>[number];

const withMonitor = (monitor: MonitorInput): LookoutConfigInput => ({
  page: { name: "Example", url: "https://status.example.com" },
  components: [{ id: "api", name: "API" }],
  monitors: [monitor],
});

const timeoutOf = (monitor: MonitorInput): number | undefined => {
  const parsed = defineConfig(withMonitor(monitor)).monitors[0] as MonitorConfig;
  return "timeoutMs" in parsed ? parsed.timeoutMs : undefined;
};

const http = { id: "m", url: "https://api.example.com/healthCheck", components: ["api"] };
const tcp = { id: "m", kind: "tcp" as const, host: "db.example.com", port: 5432, components: ["api"] };

describe("a monitor's timeout", () => {
  it.each([
    [10, 5_000],
    [30, 5_000],
    [60, 5_000],
    [3_600, 5_000],
  ])("defaults to 5 s at %i s, never more than half the interval", (intervalSeconds, expected) => {
    expect(timeoutOf({ ...http, intervalSeconds })).toBe(expected);
    expect(timeoutOf({ ...tcp, intervalSeconds })).toBe(expected);
  });

  it("defaults to 5 s when the interval is left at its default (60 s)", () => {
    expect(timeoutOf(http)).toBe(5_000);
    expect(timeoutOf(tcp)).toBe(5_000);
  });

  it.each([
    [60, 30_000],
    [30, 15_000],
    [10, 5_000],
    [300, 60_000],
  ])("may be set up to half the interval (%i s: %i ms)", (intervalSeconds, timeoutMs) => {
    expect(timeoutOf({ ...http, intervalSeconds, timeoutMs })).toBe(timeoutMs);
    expect(timeoutOf({ ...tcp, intervalSeconds, timeoutMs })).toBe(timeoutMs);
  });

  it.each([
    [60, 30_001, "monitors[0].timeoutMs: must be at most half the interval (30000 ms at intervalSeconds 60)"],
    [10, 6_000, "monitors[0].timeoutMs: must be at most half the interval (5000 ms at intervalSeconds 10)"],
    [30, 30_000, "monitors[0].timeoutMs: must be at most half the interval (15000 ms at intervalSeconds 30)"],
  ])(
    "is refused, named and explained when longer than half the interval (%i s, %i ms)",
    (intervalSeconds, timeoutMs, problem) => {
      expect(problemsOf(withMonitor({ ...http, intervalSeconds, timeoutMs }))).toContain(problem);
      expect(problemsOf(withMonitor({ ...tcp, intervalSeconds, timeoutMs }))).toContain(problem);
    },
  );

  it("is still at most 60 s, whatever the interval", () => {
    expect(problemsOf(withMonitor({ ...http, intervalSeconds: 3_600, timeoutMs: 60_001 }))).toEqual([
      expect.stringMatching(/^monitors\[0\]\.timeoutMs: /),
    ]);
  });

  it("is no field of a heartbeat monitor, which waits for a call instead", () => {
    const heartbeat = { id: "m", kind: "heartbeat" as const, components: ["api"], intervalSeconds: 10 };
    expect(timeoutOf(heartbeat)).toBeUndefined();
  });
});
