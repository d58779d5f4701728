import { describe, expect, it } from "vitest";
import { retryDelayMs } from "../../worker/core/delivery/retry.ts";

describe("retry delays", () => {
  it("doubles from 30 s for a server that is down, capped at 4 h, jittered in the upper half", () => {
    expect([1, 2, 3].map((a) => retryDelayMs(a, 1))).toEqual([30_000, 60_000, 120_000]);
    expect([1, 2, 3].map((a) => retryDelayMs(a, 0))).toEqual([15_000, 30_000, 60_000]);
    expect(retryDelayMs(20, 1)).toBe(4 * 3_600_000);
  });

  it("retries a single refused message quickly a few times before waiting like everything else", () => {
    expect([1, 2, 3, 4].map((a) => retryDelayMs(a, 1, "message"))).toEqual([20_000, 20_000, 20_000, 20_000]);
    expect([1, 2, 3, 4].map((a) => retryDelayMs(a, 0, "message"))).toEqual([10_000, 10_000, 10_000, 10_000]);
    expect(retryDelayMs(5, 1, "message")).toBe(30_000);
    expect(retryDelayMs(6, 1, "message")).toBe(60_000);
    // Four refusals in a row still land well inside five minutes.
    const worst = [1, 2, 3, 4].reduce((sum, a) => sum + retryDelayMs(a, 1, "message"), 0);
    expect(worst).toBeLessThan(5 * 60_000);
  });
});
