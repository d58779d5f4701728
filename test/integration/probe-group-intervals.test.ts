import { describe, expect, it } from "vitest";
import { defineConfig } from "../../worker/config/define-config.ts";
import { pinFlagsForFile } from "../helpers/workers/flags.ts";
import { kick } from "../helpers/workers/kicks.ts";
import { groupOf, inspectMonitor, monitorObjectOf, runGroup } from "../helpers/workers/monitor-objects.ts";
import { targetStats, targetUrl } from "../helpers/workers/targets.ts";
import { pageObject } from "../helpers/workers/worker.ts";

/**
 * A probe group's run ends when its slowest check does, and the group's next
 * run cannot start before (one alarm at a time). A 60 s monitor may be allowed
 * up to 59 s to answer: in a group with 10 s monitors, its hanging target would
 * make them miss slots (the benchmark's figure 5b, `BENCH_MONITOR_PARTS=mixed`:
 * 38 % of their slots missed with a 30 s timeout). So a shared group holds
 * monitors of one interval, whose timeouts are all shorter than it.
 */

pinFlagsForFile({ probing: true });

describe("probe groups and intervals", () => {
  it("never makes a 10 s monitor's run wait on a 60 s monitor allowed 12 s", async () => {
    const hangKey = `intervals-${crypto.randomUUID().slice(0, 8)}`;
    await pageObject().reconcile(
      defineConfig({
        page: { name: "Intervals", url: "https://status.intervals.test" },
        components: [{ id: "api", name: "API" }],
        monitors: [
          { id: "fast", url: targetUrl("/healthy"), components: ["api"], intervalSeconds: 10 },
          {
            id: "patient",
            url: targetUrl(`/hang/${hangKey}`),
            components: ["api"],
            intervalSeconds: 60,
            timeoutMs: 12_000,
          },
          { id: "fast-too", url: targetUrl("/healthy"), components: ["api"], intervalSeconds: 10 },
        ],
      }),
    );
    await kick();
    await runGroup("fast");
    // The run that checked the 10 s monitor did not check the one that hangs (its own group may, on its own alarm).
    const group = await (await monitorObjectOf("fast")).inspect();
    expect(group.members).toEqual(["fast", "fast-too"]);
    expect((await inspectMonitor("fast")).samples).toBeGreaterThanOrEqual(1);
    expect(await groupOf("patient")).not.toBe(await groupOf("fast"));
    expect((await targetStats("hang", hangKey))?.requests ?? 0).toBeLessThanOrEqual(1);
    // Monitors of one interval still share.
    expect(await groupOf("fast-too")).toBe(await groupOf("fast"));
  }, 20_000);
});
