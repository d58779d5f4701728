import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import { defineConfig } from "../../worker/config/define-config.ts";
import type { HeartbeatMonitorConfig } from "../../worker/core/monitors/monitor-config.ts";
import { lastSlotAt, phaseOf } from "../../worker/core/monitors/schedule.ts";
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
/**
 * A heartbeat monitor of its own page, checked every 10 s: its object's runs
 * then fall within Lookout's lateness tolerance of a slot whatever the clock,
 * so "on time" and "two hours late" are told apart by the stored times alone.
 */
const HEARTBEAT = {
  id: "restart-heartbeat",
  kind: "heartbeat" as const,
  components: ["jobs"],
  intervalSeconds: 10,
  graceSeconds: 30,
};
const COMPONENT = "jobs";
const CONFIG = defineConfig({
  page: { name: "Heartbeats", url: "https://status.heartbeats.test" },
  components: [{ id: COMPONENT, name: "Nightly jobs" }],
  monitors: [HEARTBEAT],
});
const INTERVAL_MS = HEARTBEAT.intervalSeconds * 1000;
const WINDOW_MS = INTERVAL_MS + HEARTBEAT.graceSeconds * 1000;
const HOURS = 3_600_000;
const NAME = `${HEARTBEAT.id}@default`;

const monitor = () => monitorStub(env, HEARTBEAT.id, "default");

/**
 * Moves the monitor's stored times back by `ms`. Its object last ran either
 * one interval before the slot just passed (`on time`), or `ms` ago (`away`:
 * Lookout was stopped, its alarms did not fire).
 */
async function timePasses(ms: number, run: "on time" | "away"): Promise<void> {
  await runInDurableObject(monitor(), (_instance, state) => {
    const sql = state.storage.sql;
    sql.exec(
      `UPDATE members SET last_ping_at = last_ping_at - ?, watching_since = watching_since - ?, report_from = report_from - ?`,
      ms,
      ms,
      ms,
    );
    sql.exec(`UPDATE meta SET value = CAST(value AS INTEGER) - ? WHERE key = 'last_report_at'`, ms);
    const now = Date.now();
    const lastRun = run === "away" ? now - ms : lastSlotAt(now, INTERVAL_MS, phaseOf(NAME, INTERVAL_MS)) - INTERVAL_MS;
    sql.exec(
      `INSERT INTO meta (key, value) VALUES ('last_run_at', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      String(lastRun),
    );
  });
}

/** The Monitor object restarts (as after a deploy or an eviction), without running anything. */
async function restart(): Promise<void> {
  await runInDurableObject(monitor(), (_instance, state) => state.abort("restart")).catch(() => {});
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
    await page.reconcile(CONFIG);
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
    await timePasses(2 * HOURS, "away");
    await restart();
    await check();
    expect(await traces(hook.body.id)).toEqual(before);
    const resumed = await inspectMonitor(HEARTBEAT.id);
    expect(resumed.memory?.state).toBe("up");
    // The gap is no data: no failing sample stands for it.
    expect(resumed.samples).toBe(samples);

    // Within the interval plus grace since the restart: still nothing, whatever the last call before it.
    await timePasses(WINDOW_MS - 10_000, "on time");
    await check();
    expect(await traces(hook.body.id)).toEqual(before);

    // Past it, with no call since the restart: now the silence is real and counts.
    await timePasses(20_000, "on time");
    await check();
    const after = await traces(hook.body.id);
    expect(after.status).not.toBe("operational");
    expect(after.statusChanges).toBe(before.statusChanges + 1);
  });

  it("gives a monitor that was never called its interval plus grace from its start", async () => {
    const fresh = monitorStub(env, "never-called", "default");
    await fresh.assign("never-called@default", {
      members: [
        {
          monitor: { ...(CONFIG.monitors[0] as HeartbeatMonitorConfig), id: "never-called" },
          region: "default",
          movedFrom: null,
        },
      ],
      leaving: [],
      probing: true,
    });
    expect(await runDurableObjectAlarm(fresh)).toBe(true);
    const inspection = await fresh.inspectMonitor("never-called");
    expect(inspection.memory).toBeNull();
    expect(inspection.samples).toBe(0);
  });
});
