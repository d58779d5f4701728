import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { pendingGroupKicks } from "../../durable-objects/status-page/probe-groups.ts";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import { defineConfig } from "../../worker/config/define-config.ts";
import { pinFlagsForFile } from "../helpers/workers/flags.ts";
import { kick } from "../helpers/workers/kicks.ts";
import { groupOf, inspectMonitor, monitorObjectOf, runGroup } from "../helpers/workers/monitor-objects.ts";
import { targetUrl } from "../helpers/workers/targets.ts";
import { pageObject } from "../helpers/workers/worker.ts";

/**
 * Monitors moving between probe groups: whatever the order of the changes,
 * every monitor ends up checked by the group the page says holds it, with its
 * memory, and no group is left waiting forever for another.
 */

pinFlagsForFile({ probing: true });

const monitor = (id: string, intervalSeconds: number) => ({
  id,
  url: targetUrl("/healthy"),
  components: ["api"],
  intervalSeconds,
});

const config = (monitors: ReturnType<typeof monitor>[]) =>
  defineConfig({
    page: { name: "Moves", url: "https://status.moves.test" },
    components: [{ id: "api", name: "API" }],
    monitors,
  });

/** Every instance settled: nothing moving, and its group holds it. */
async function settled(ids: string[]): Promise<void> {
  const moving = await runInDurableObject(pageObject(), (_: StatusPage, state) =>
    state.storage.sql
      .exec<{ monitor_id: string }>(`SELECT monitor_id FROM monitor_instances WHERE moved_from IS NOT NULL`)
      .toArray()
      .map((row) => row.monitor_id),
  );
  expect(moving).toEqual([]);
  for (const id of ids) {
    const group = await (await monitorObjectOf(id)).inspect();
    expect(group.members, `${id} in ${await groupOf(id)}`).toContain(id);
  }
}

describe("moves between probe groups", () => {
  it("swaps two monitors' intervals without either group waiting on the other", async () => {
    const page = pageObject();
    // Each group keeps the interval most of its monitors have: x and y must cross over.
    const sixty = ["swap-a", "swap-b"].map((id) => monitor(id, 60));
    const thirty = ["swap-c", "swap-d"].map((id) => monitor(id, 30));
    await page.reconcile(config([monitor("swap-x", 60), ...sixty, monitor("swap-y", 30), ...thirty]));
    await kick();
    await runGroup("swap-x");
    await runGroup("swap-y");
    const before = { x: await groupOf("swap-x"), y: await groupOf("swap-y") };
    expect(before.x).not.toBe(before.y);
    await page.reconcile(config([monitor("swap-x", 30), ...sixty, monitor("swap-y", 60), ...thirty]));
    await kick();
    await settled(["swap-x", "swap-y", "swap-a", "swap-c"]);
    expect(await groupOf("swap-x")).toBe(before.y);
    expect(await groupOf("swap-y")).toBe(before.x);
    // Each carried its memory over.
    expect((await inspectMonitor("swap-x")).memory?.state).toBe("up");
    expect((await inspectMonitor("swap-y")).memory?.state).toBe("up");
  });

  it("settles a change made and undone before any group heard of it", async () => {
    const page = pageObject();
    await page.reconcile(config([monitor("undo-a", 60), monitor("undo-b", 60)]));
    await kick();
    await runGroup("undo-a");
    await page.reconcile(config([monitor("undo-a", 30), monitor("undo-b", 60)]));
    await page.reconcile(config([monitor("undo-a", 60), monitor("undo-b", 60)]));
    await kick();
    await settled(["undo-a", "undo-b"]);
    expect((await inspectMonitor("undo-a")).memory?.state).toBe("up");
  });

  it("moves only the monitor whose interval changed, not the group's others", async () => {
    const page = pageObject();
    const ids = ["stay-1", "stay-2", "stay-3"];
    await page.reconcile(config(ids.map((id) => monitor(id, 60))));
    await kick();
    const group = await groupOf("stay-2");
    await page.reconcile(config([monitor("stay-1", 30), monitor("stay-2", 60), monitor("stay-3", 60)]));
    await kick();
    expect(await groupOf("stay-2")).toBe(group);
    expect(await groupOf("stay-3")).toBe(group);
    expect(await groupOf("stay-1")).not.toBe(group);
  });

  it("waits a grace period before kicking again a group whose kick failed", async () => {
    const page = pageObject();
    await page.reconcile(config([monitor("backoff", 60)]));
    const name = await groupOf("backoff");
    const listed = (failedAgo: number) =>
      runInDurableObject(page, (instance: StatusPage, state) => {
        state.storage.sql.exec(
          `UPDATE probe_groups SET started_fingerprint = NULL, failed_at = ? WHERE name = ?`,
          Date.now() - failedAgo,
          name,
        );
        return pendingGroupKicks(state.storage.sql, Date.now(), instance.flagValues().probing, 100).map((g) => g.name);
      });
    expect(await listed(1_000)).not.toContain(name);
    expect(await listed(120_000)).toContain(name);
    await kick();
  });
});
