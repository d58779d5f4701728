import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { expect, vi } from "vitest";
import { pendingGroupKicks } from "../../../durable-objects/status-page/probe-groups.ts";
import type { StatusPage } from "../../../durable-objects/status-page/status-page.ts";
import { pageObject } from "./worker.ts";

/**
 * Lets the page's alarm tell Monitor objects (probe groups) what to check, as
 * it does after a reconcile or the cron heartbeat. Alarms fire on their own
 * here too, so run it if it is still pending and then wait until no kick is left.
 */
export async function kick(): Promise<void> {
  const page = pageObject();
  await runDurableObjectAlarm(page);
  await vi.waitFor(
    async () => {
      const waiting = await runInDurableObject(page, (instance: StatusPage, state) => {
        const probing = instance.flagValues().probing;
        return pendingGroupKicks(state.storage.sql, Date.now(), probing, 100).length;
      });
      expect(waiting).toBe(0);
    },
    { timeout: 5_000, interval: 20 },
  );
}
