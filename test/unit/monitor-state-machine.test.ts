import { describe, expect, it } from "vitest";
import {
  advance,
  initialMemory,
  type MonitorMemory,
  type MonitorState,
} from "../../worker/core/monitors/state-machine.ts";
import type { ProbeOutcome, ProbeResult } from "../../worker/core/probes/probe-result.ts";

const thresholds = { failuresToDown: 3, successesToUp: 2 };

function check(outcome: ProbeOutcome, at: number): ProbeResult {
  return {
    at,
    outcome,
    latencyMs: 10,
    statusCode: outcome === "down" ? 503 : 200,
    failure: outcome === "down" ? { kind: "status", status: 503, expected: "2xx" } : null,
    summary: outcome,
  };
}

/** Feeds a sequence of outcomes ("u", "d", "g" for degraded) and returns the state after each. */
function run(sequence: string, t = thresholds, start: MonitorMemory = initialMemory(0)): MonitorState[] {
  let memory = start;
  return [...sequence].map((letter, i) => {
    const outcome: ProbeOutcome = letter === "d" ? "down" : letter === "g" ? "degraded" : "up";
    memory = advance(memory, check(outcome, (i + 1) * 1000), t).memory;
    return memory.state;
  });
}

describe("monitor state machine", () => {
  it("takes the first good answer as the truth", () => {
    expect(run("u")).toEqual(["up"]);
    expect(run("g")).toEqual(["degraded"]);
  });

  it("goes down only after failuresToDown failures in a row", () => {
    expect(run("uddd")).toEqual(["up", "up", "up", "down"]);
    expect(run("uddudd")).toEqual(["up", "up", "up", "up", "up", "up"]);
  });

  it("comes back only after successesToUp good checks in a row", () => {
    expect(run("udddudu u".replace(" ", ""))).toEqual(["up", "up", "up", "down", "down", "down", "down", "up"]);
  });

  it("does not flap on a target that alternates", () => {
    const states = run("ud".repeat(50));
    expect(new Set(states)).toEqual(new Set(["up"]));
    const downFirst = run(`ddd${"ud".repeat(50)}`);
    expect(new Set(downFirst.slice(3))).toEqual(new Set(["down"]));
  });

  it("needs the same patience to go degraded and to recover from it", () => {
    expect(run("ugggu uu".replace(" ", ""))).toEqual(["up", "up", "up", "degraded", "degraded", "up"].concat(["up"]));
  });

  it("recovers from down to degraded when the target answers slowly", () => {
    expect(run("dddgg")).toEqual(["unknown", "unknown", "down", "down", "degraded"]);
  });

  it("reports the transition with the first failing check as evidence", () => {
    let memory = initialMemory(0);
    memory = advance(memory, check("up", 1000), thresholds).memory;
    const first = check("down", 2000);
    memory = advance(memory, first, thresholds).memory;
    memory = advance(memory, check("down", 3000), thresholds).memory;
    const { transition, memory: after } = advance(memory, check("down", 4000), thresholds);
    expect(transition).toMatchObject({ from: "up", to: "down", at: 4000, firstFailure: first });
    expect(after.since).toBe(4000);
  });

  it("honours thresholds of one: every check counts", () => {
    expect(run("udu", { failuresToDown: 1, successesToUp: 1 })).toEqual(["up", "down", "up"]);
  });
});
