import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import config from "../../lookout.config.ts";
import type { HeartbeatMonitorConfig } from "../../worker/core/monitors/monitor-config.ts";
import { monitorStub } from "../../worker/platform/stubs.ts";
import { api } from "../helpers/workers/api.ts";
import { pinFlagsForFile } from "../helpers/workers/flags.ts";
import { kick } from "../helpers/workers/kicks.ts";
import { inspectMonitor, runGroup } from "../helpers/workers/monitor-objects.ts";
import { setComponentStatus } from "../helpers/workers/page-writes.ts";
import { pageObject } from "../helpers/workers/worker.ts";

/**
 * A heartbeat monitor across a stop of Lookout itself. While Lookout is not
 * running, the job's calls reach nobody; when it comes back, the job gets its
 * interval plus grace from the restart before silence may count. Time is
 * moved rather than waited for: the monitor's stored times are shifted into
 * the past, as if they had happened that long ago.
 */
/** The deployed config's heartbeat monitor: a restarted StatusPage applies the deployed config again. */
const HEARTBEAT = config.monitors.find((m) => m.kind === "heartbeat") as HeartbeatMonitorConfig;
const COMPONENT = HEARTBEAT.components[0] ?? "";
const INTERVAL_MS = HEARTBEAT.intervalSeconds * 1000;
const WINDOW_MS = INTERVAL_MS + HEARTBEAT.graceSeconds * 1000;
const HOURS = 3_600_000;

const monitor = () => monitorStub(env, HEARTBEAT.id, "default");

/**
 * Moves the monitor's stored times back by `ms`; the slot its alarm was booked
 * for becomes `slotAt` (its object's last run was one interval before).
 */
async function timePasses(ms: number, slotAt: (now: number) => number): Promise<void> {
  await runInDurableObject(monitor(), (_instance, state) => {
    const sql = state.storage.sql;
    sql.exec(
      `UPDATE members SET last_ping_at = last_ping_at - ?, watching_since = watching_since - ?, report_from = report_from - ?`,
      ms,
      ms,
      ms,
    );
    sql.exec(`UPDATE meta SET value = CAST(value AS INTEGER) - ? WHERE key = 'last_report_at'`, ms);
    sql.exec(
      `INSERT INTO meta (key, value) VALUES ('last_run_at', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      String(slotAt(Date.now()) - INTERVAL_MS),
    );
  });
}

/** Everything a false outage of the heartbeat's component would leave behind on the page. */
async function traces(hookId: string) {
  const page = pageObject();
  const snapshot = await page.snapshot();
  const counts = await runInDurableObject(page, (_: StatusPage, state) => {
    const count = (sql: string, ...params: string[]) => state.storage.sql.exec<{ n: number }>(sql, ...params).one().n;
    return {
      outbox: count(`SELECT COUNT(*) AS n FROM outbox WHERE recipient = ?`, hookId),
      incidents: count(`SELECT COUNT(*) AS n FROM incident_components WHERE component_id = ?`, COMPONENT),
      statusChanges: count(
        `SELECT COUNT(*) AS n FROM audit_log WHERE action = 'component.status' AND target = ?`,
        COMPONENT,
      ),
    };
  });
  return { status: snapshot.components.find((c) => c.id === COMPONENT)?.status, ...counts };
}

async function check(): Promise<void> {
  expect(await runDurableObjectAlarm(monitor()), "the monitor had an alarm set").toBe(true);
}

// The "nothing opened" checks can fail only if a false outage would leave traces: checks must run and
// monitors must open incidents. Deliveries are queued whatever their flags, so those keep the run's values.
pinFlagsForFile({ probing: true, automatic_incidents: true });

describe("a heartbeat monitor across a Lookout restart", () => {
  it("opens nothing after a stop longer than its grace, and watches again from the restart", async () => {
    const page = pageObject();
    await kick();
    await setComponentStatus(page, COMPONENT, "operational");
    // Someone follows the component: a false outage would queue a delivery (and an incident, mail) for it.
    const hook = await api("POST", "/webhooks", {
      body: { url: "https://hooks.example.com/heartbeat", components: [COMPONENT] },
    });
    await monitor().heartbeat(HEARTBEAT.id);
    await runGroup(HEARTBEAT.id);
    expect((await inspectMonitor(HEARTBEAT.id)).memory?.state).toBe("up");
    const before = await traces(hook.body.id);
    expect(before.status).toBe("operational");
    const samples = (await inspectMonitor(HEARTBEAT.id)).samples;

    // Lookout stops for two hours (its alarms do not fire, the job's calls reach nobody), then starts again.
    await timePasses(2 * HOURS, (now) => now - 2 * HOURS + INTERVAL_MS);
    await abortAllDurableObjects();
    await check();
    expect(await traces(hook.body.id)).toEqual(before);
    const resumed = await inspectMonitor(HEARTBEAT.id);
    expect(resumed.memory?.state).toBe("up");
    // The gap is no data: no failing sample stands for it.
    expect(resumed.samples).toBe(samples);

    // Within the interval plus grace since the restart: still nothing, whatever the last call before it.
    await timePasses(WINDOW_MS - 10_000, (now) => now);
    await check();
    expect(await traces(hook.body.id)).toEqual(before);

    // Past it, with no call since the restart: now the silence is real and counts.
    await timePasses(20_000, (now) => now);
    await check();
    const after = await traces(hook.body.id);
    expect(after.status).not.toBe("operational");
    expect(after.statusChanges).toBe(before.statusChanges + 1);
  });

  it("gives a monitor that was never called its interval plus grace from its start", async () => {
    const fresh = monitorStub(env, "never-called", "default");
    await fresh.assign("never-called@default", {
      members: [{ monitor: { ...HEARTBEAT, id: "never-called" }, region: "default", movedFrom: null }],
      probing: true,
    });
    expect(await runDurableObjectAlarm(fresh)).toBe(true);
    const inspection = await fresh.inspectMonitor("never-called");
    expect(inspection.memory).toBeNull();
    expect(inspection.samples).toBe(0);
  });
});
