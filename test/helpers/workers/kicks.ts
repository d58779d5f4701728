import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { expect, vi } from "vitest";
import { pendingKicks } from "../../../durable-objects/status-page/monitors.ts";
import type { StatusPage } from "../../../durable-objects/status-page/status-page.ts";
import { pageObject } from "./worker.ts";

/**
 * Lets the page's alarm start and stop Monitor objects, as it does after a
 * reconcile or the cron heartbeat. Alarms fire on their own here too, so run
 * it if it is still pending and then wait until no kick is left.
 */
export async function kick(): Promise<void> {
  const page = pageObject();
  await runDurableObjectAlarm(page);
  await vi.waitFor(
    async () => {
      const waiting = await runInDurableObject(page, (_instance: StatusPage, state) => {
        const kicks = pendingKicks(state.storage.sql, Date.now(), 100);
        return kicks.start.length + kicks.stop.length;
      });
      expect(waiting).toBe(0);
    },
    { timeout: 5_000, interval: 20 },
  );
}
