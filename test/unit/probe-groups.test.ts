import { describe, expect, it } from "vitest";
import { CONNECTIONS_PER_RUN, inLaneOrder, isSlow, runInOrder } from "../../worker/core/monitors/lanes.ts";
import {
  GROUP_SIZE,
  groupObjectName,
  type Placement,
  placeInstances,
} from "../../worker/core/monitors/probe-groups.ts";
import { lastSlotAt, nextRunAt, phaseOf } from "../../worker/core/monitors/schedule.ts";
import { advance, initialMemory } from "../../worker/core/monitors/state-machine.ts";
import type { ProbeResult } from "../../worker/core/probes/probe-result.ts";

const http = (monitorId: string, group: string | null = null, region = "default"): Placement => ({
  monitorId,
  region,
  kind: "http",
  intervalSeconds: 60,
  group,
});

describe("placing monitors in probe groups", () => {
  it("fills groups of GROUP_SIZE in order, per region", () => {
    const instances = [...Array.from({ length: GROUP_SIZE + 3 }, (_, i) => http(`m-${i}`)), http("far", null, "weur")];
    const moves = placeInstances(instances);
    const counts = new Map<string, number>();
    for (const group of moves.values()) counts.set(group, (counts.get(group) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({
      [groupObjectName("default", 1)]: GROUP_SIZE,
      [groupObjectName("default", 2)]: 3,
      [groupObjectName("weur", 1)]: 1,
    });
  });

  it("never moves an instance that fits where it is, and fills the room others left", () => {
    const g1 = groupObjectName("default", 1);
    const staying = Array.from({ length: GROUP_SIZE - 1 }, (_, i) => http(`m-${i}`, g1));
    const moves = placeInstances([...staying, http("new-1"), http("new-2")]);
    expect([...moves.keys()].map((p) => p.monitorId)).toEqual(["new-1", "new-2"]);
    expect([...moves.values()]).toEqual([g1, groupObjectName("default", 2)]);
  });

  it("gives a heartbeat its own object and moves a monitor whose kind or region no longer fits", () => {
    const g1 = groupObjectName("default", 1);
    const heartbeat: Placement = {
      monitorId: "nightly",
      region: "default",
      kind: "heartbeat",
      intervalSeconds: 3600,
      group: g1,
    };
    const oldLayout = http("api", "api@default");
    const wrongRegion = http("eu", g1, "weur");
    const moves = placeInstances([heartbeat, oldLayout, wrongRegion]);
    expect(moves.get(heartbeat)).toBe("nightly@default");
    expect(moves.get(oldLayout)).toBe(g1);
    expect(moves.get(wrongRegion)).toBe(groupObjectName("weur", 1));
    expect(placeInstances([{ ...heartbeat, group: "nightly@default" }]).size).toBe(0);
  });
});

describe("a group's schedule", () => {
  it("puts a 10 s and a 60 s monitor of one group on shared slots", () => {
    const name = groupObjectName("default", 7);
    const p10 = phaseOf(name, 10_000);
    const p60 = phaseOf(name, 60_000);
    expect(p60 % 10_000).toBe(p10);
    const at = nextRunAt(1_000_000, 60_000, p60);
    expect(lastSlotAt(at, 10_000, p10)).toBe(at);
    expect(lastSlotAt(at - 1, 60_000, p60)).toBe(at - 60_000);
  });
});

const result = (
  outcome: ProbeResult["outcome"],
  latencyMs = 100,
  failure: ProbeResult["failure"] = null,
): ProbeResult => ({
  at: 0,
  outcome,
  latencyMs,
  statusCode: outcome === "down" ? null : 200,
  failure,
  summary: outcome,
});

describe("lanes", () => {
  it("counts a timeout or a 2 s answer as slow, a prompt answer as not", () => {
    expect(isSlow(result("down", 5_000, { kind: "timeout", afterMs: 5_000 }))).toBe(true);
    expect(isSlow(result("degraded", 2_000))).toBe(true);
    expect(isSlow(result("up", 1_999))).toBe(false);
    expect(isSlow(result("down", 3, { kind: "refused" }))).toBe(false);
  });

  it("starts every prompt check before any slow one", () => {
    const items = [
      { id: "a", slow: true },
      { id: "b", slow: false },
      { id: "c", slow: true },
      { id: "d", slow: false },
    ];
    expect(inLaneOrder(items).map((i) => i.id)).toEqual(["b", "d", "a", "c"]);
  });

  it("keeps at most CONNECTIONS_PER_RUN in flight and returns results in order", async () => {
    let inFlight = 0;
    let most = 0;
    const results = await runInOrder(
      Array.from({ length: 20 }, (_, i) => i),
      CONNECTIONS_PER_RUN,
      async (i) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, (i % 3) * 2));
        inFlight--;
        return i * 2;
      },
    );
    expect(most).toBe(CONNECTIONS_PER_RUN);
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
  });
});

describe("a healthy monitor's memory", () => {
  it("stays the same from check to check once its streak reaches the largest threshold", () => {
    const thresholds = { failuresToDown: 3, successesToUp: 2 };
    let memory = initialMemory(0);
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) {
      memory = advance(memory, result("up"), thresholds).memory;
      seen.push(JSON.stringify(memory));
    }
    expect(new Set(seen.slice(2)).size).toBe(1);
    expect(memory.streak).toEqual({ down: 0, degraded: 0, up: 3, notDown: 3 });
    // Still three failures to go down, however long it was up.
    for (let i = 0; i < 2; i++) memory = advance(memory, result("down"), thresholds).memory;
    expect(memory.state).toBe("up");
    expect(advance(memory, result("down"), thresholds).memory.state).toBe("down");
  });
});
