import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { kicksWaiting } from "../../durable-objects/status-page/jobs/monitor-kicks.ts";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import { defineConfig } from "../../worker/config/define-config.ts";
import { targetUrl } from "../helpers/workers/targets.ts";
import { scratchObject } from "../helpers/workers/worker.ts";

/**
 * The StatusPage alarm serves several named jobs (durable-objects/status-page/jobs/):
 * it must come at the earliest next run any of them needs, whatever another
 * job set it for (docs/decisions/0029-outbox-owner.md).
 */
const run = crypto.randomUUID().slice(0, 8);

describe("the alarm's jobs", () => {
  it("a monitor waiting to start brings forward an alarm another job set hours ahead", async () => {
    const page = scratchObject(`jobs-${run}`);
    const config = defineConfig({
      page: { name: "Jobs", url: "https://status.jobs.test" },
      components: [{ id: "api", name: "API" }],
      monitors: [{ id: `jobs-${run}`, url: targetUrl("/healthy"), components: ["api"], intervalSeconds: 300 }],
    });
    // Another job (a delivery's retry, say) holds the alarm an hour ahead.
    const later = Date.now() + 3_600_000;
    await runInDurableObject(page, async (_: StatusPage, state) => {
      await state.storage.setAlarm(later);
    });

    await page.reconcile(config);
    const alarm = await runInDurableObject(page, (_: StatusPage, state) => state.storage.getAlarm());
    // Brought forward to now (or it has already run and nothing else is due): not left an hour out.
    expect(alarm === null || alarm < later, `alarm at ${alarm}`).toBe(true);
    // And the monitor is started by it, with no test running the alarm by hand.
    await vi.waitFor(
      async () => {
        const waiting = await runInDurableObject(page, (instance: StatusPage, state) =>
          kicksWaiting(state.storage.sql, Date.now(), instance.flagValues().probing),
        );
        expect(waiting).toBe(0);
      },
      { timeout: 10_000, interval: 50 },
    );
  });
});
