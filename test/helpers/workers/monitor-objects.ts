import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, vi } from "vitest";
import type { MonitorInspection } from "../../../durable-objects/monitor/monitor.ts";
import type { LookoutConfig } from "../../../worker/core/config/schema.ts";
import { monitorObject } from "../../../worker/platform/stubs.ts";
import { withFlags } from "./flags.ts";
import { kick } from "./kicks.ts";
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

/**
 * Applies `config` and takes `failing` down with real checks: its probe must
 * fail at once (say a targets server's /status/503 with failuresToDown 1).
 * Probing is on only while the groups run, then put back as it was; `alsoRun`
 * names monitors whose groups run too, so their state is known as well.
 */
export async function reconcileWithMonitorDown(
  config: LookoutConfig,
  failing: string,
  alsoRun: readonly string[] = [],
): Promise<void> {
  await pageObject().reconcile(config);
  await kick();
  await withFlags({ probing: true }, async () => {
    await kick();
    for (const monitorId of [failing, ...alsoRun]) await runGroup(monitorId);
  });
  expect((await inspectMonitor(failing)).memory?.state).toBe("down");
}

type Group = ReturnType<typeof monitorObject>;

/** Every monitor of the group is due at its next alarm: its last run is moved back before any slot. */
export async function makeDue(group: Group): Promise<void> {
  await runInDurableObject(group, (_instance, state) => {
    state.storage.sql.exec(`UPDATE meta SET value = '0' WHERE key = 'last_run_at'`);
  });
}

/** Runs the group's alarm now, checking what is due. */
export async function runDue(group: Group): Promise<void> {
  expect(await runDurableObjectAlarm(group), "the group had an alarm set").toBe(true);
}

/**
 * If the group's own next slot is near, lets it pass first: a slot coming by
 * itself in the middle of a measured run would be counted with it.
 */
export async function clearOfOwnSlot(group: Group): Promise<void> {
  const alarmAt = () => runInDurableObject(group, (_instance, state) => state.storage.getAlarm());
  const booked = await alarmAt();
  if (booked === null || booked - Date.now() > 60_000) return;
  await vi.waitFor(async () => expect(await alarmAt()).not.toBe(booked), { timeout: 90_000, interval: 500 });
}
