import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { MonitorInspection } from "../../../durable-objects/monitor/monitor.ts";
import { monitorObject } from "../../../worker/platform/stubs.ts";
import { pageObject } from "./worker.ts";

/** The name of the Monitor object (probe group) the page placed a monitor's instance in. */
export async function groupOf(monitorId: string, region = "default"): Promise<string> {
  const name = await runInDurableObject(pageObject(), (_instance, state) => {
    const row = state.storage.sql
      .exec<{ probe_group: string | null }>(
        `SELECT probe_group FROM monitor_instances WHERE monitor_id = ? AND region = ?`,
        monitorId,
        region,
      )
      .toArray()[0];
    return row?.probe_group ?? null;
  });
  if (!name) throw new Error(`${monitorId}@${region} is in no probe group`);
  return name;
}

/** The Monitor object that checks a monitor. */
export async function monitorObjectOf(monitorId: string, region = "default") {
  return monitorObject(env, await groupOf(monitorId, region), region);
}

/** What the Monitor object holding it knows of one monitor. */
export async function inspectMonitor(monitorId: string, region = "default"): Promise<MonitorInspection> {
  return (await monitorObjectOf(monitorId, region)).inspectMonitor(monitorId);
}

/**
 * One run of the group holding a monitor, as if its slot had come: every
 * monitor of the group is checked (they share the run), then its alarm is
 * set for the next slot.
 */
export async function runGroup(monitorId: string, region = "default"): Promise<void> {
  const stub = await monitorObjectOf(monitorId, region);
  await runInDurableObject(stub, (_instance, state) => {
    state.storage.sql.exec(`DELETE FROM meta WHERE key = 'last_run_at'`);
  });
  const ran = await runDurableObjectAlarm(stub);
  expect(ran, `the group of ${monitorId}@${region} had an alarm set`).toBe(true);
}
