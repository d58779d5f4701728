import { describe, expect, it } from "vitest";
import { LatencyChart, LatencySparkline } from "../../worker/views/latency-chart.tsx";

const render = async (node: unknown) => String(await (node as { toString(): Promise<string> }).toString());

/** The marks a chart draws: one polyline per stretch of two or more hours, one dot per lone hour. */
function marks(html: string) {
  return {
    lines: [...html.matchAll(/<polyline points="([^"]*)"/g)].map((m) => m[1]),
    dots: [...html.matchAll(/<circle [^>]*cx="([\d.]+)" cy="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])]),
  };
}

describe("latency charts", () => {
  it("draws a chart's only point as a dot", async () => {
    const html = await render(LatencyChart({ values: [null, null, 120, null], label: "Mean" }));
    expect(marks(html).lines).toEqual([]);
    expect(marks(html).dots).toHaveLength(1);
    const [x, y] = marks(html).dots[0] ?? [];
    expect(x).toBeCloseTo(320, 0);
    expect(y).toBeGreaterThan(0);
    expect(y).toBeLessThan(120);
  });

  it("draws a lone hour between gaps as a dot and a stretch as a line", async () => {
    const html = await render(LatencySparkline({ values: [10, 20, null, 30, null], label: "API" }));
    expect(marks(html).lines).toHaveLength(1);
    expect(marks(html).dots).toHaveLength(1);
    expect(marks(html).dots[0]?.[0]).toBeCloseTo(90, 0);
  });

  it("draws a single value (a component checked for the first hour)", async () => {
    const html = await render(LatencySparkline({ values: [42], label: "API" }));
    expect(marks(html).dots).toHaveLength(1);
  });
});
