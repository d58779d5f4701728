import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import { createApp } from "../../worker/app.tsx";
import { defineConfig, type LookoutConfigInput } from "../../worker/config/define-config.ts";
import { monitorStub } from "../../worker/platform/stubs.ts";
import { api } from "../helpers/workers/api.ts";
import { pinFlagsForFile } from "../helpers/workers/flags.ts";
import { kick } from "../helpers/workers/kicks.ts";
import { inspectMonitor, monitorObjectOf, runGroup } from "../helpers/workers/monitor-objects.ts";
import { addIncidentUpdate, createMaintenance, setComponentStatus } from "../helpers/workers/page-writes.ts";
import { targetStats, targets, targetUrl } from "../helpers/workers/targets.ts";
import { pageObject } from "../helpers/workers/worker.ts";

/**
 * The whole probe path inside workerd: the StatusPage object kicks Monitor
 * objects, their alarms probe real servers on 127.0.0.1, the state machine
 * debounces, and component statuses on the page follow.
 */

type MonitorInput = NonNullable<LookoutConfigInput["monitors"]>[number];

/**
 * The flaky target counts requests per key for as long as the target server
 * lives (other runs of this file included): each key is this run's own, or a
 * rerun would find the failures already spent and pass without seeing one.
 */
const run = crypto.randomUUID().slice(0, 8);
const flaky = (key: string, failures: number) => targetUrl(`/flaky/${key}-${run}/${failures}`);

function configWith(monitors: MonitorInput[]) {
  return defineConfig({
    page: { name: "Monitored", url: "https://status.monitored.test", timeZone: "Europe/Berlin" },
    components: [
      { id: "api", name: "API" },
      { id: "db", name: "Database" },
      { id: "jobs", name: "Jobs" },
    ],
    monitors,
  });
}

/** One scheduled check of a monitor, as its group's alarm fires it at its slot. */
const check = runGroup;

async function statusOf(componentId: string) {
  const snapshot = await pageObject().snapshot();
  return snapshot.components.find((c) => c.id === componentId)?.status;
}

// Checks must run and monitors must open incidents, whatever the suite's flag defaults.
pinFlagsForFile({ probing: true, automatic_incidents: true });

describe("monitoring", () => {
  it("starts a new monitor without a manual step and checks it on its alarm", async () => {
    const page = pageObject();
    await page.reconcile(configWith([{ id: "api-health", url: targetUrl("/healthy"), components: ["api"] }]));
    await kick();
    const before = await inspectMonitor("api-health");
    expect(before.monitorId).toBe("api-health");
    expect(before.nextCheckAt).toBeGreaterThan(Date.now() - 1000);

    await check("api-health");
    const after = await inspectMonitor("api-health");
    expect(after.memory?.state).toBe("up");
    expect(after.samples).toBe(1);
    // The next check is booked on the monitor's own slot, within one interval.
    expect(after.nextCheckAt).toBeGreaterThan(Date.now());
    expect(after.nextCheckAt).toBeLessThanOrEqual(Date.now() + 60_000);
    expect(await statusOf("api")).toBe("operational");
  });

  it("shows response times on the page and the component page, and uptime over four windows", async () => {
    const app = createApp({ freshMs: 0, maxStaleMs: 0, sharedCache: () => null });
    const get = async (path: string) => {
      const response = await app.request(`https://status.test${path}`, {}, env);
      expect(response.status, path).toBe(200);
      return response.text();
    };
    const front = await get("/");
    expect(front).toMatch(/<svg class="sparkline"[^>]*aria-label="API response time, last 24 hours: \d+ ms on average/);
    const detail = await get("/components/api");
    for (const window of ["24 hours", "7 days", "30 days", "90 days"]) expect(detail).toContain(`<dt>${window}</dt>`);
    expect(detail).toContain('class="latency-chart"');
    // One check so far: one hour with a mean, drawn as a dot (a run of hours is a line).
    expect(detail).toMatch(/<circle class="dot" cx="[\d.]+" cy="[\d.]+"|<polyline points="[\d., ]+"/);
    expect(detail).toMatch(/api-health<\/strong>: passing since/);
    // A component no monitor drives has bars but no response-time chart.
    expect(await get("/components/db")).not.toContain("latency-chart");
  });

  it("takes the component down only after three failures in a row, with the evidence", async () => {
    const page = pageObject();
    await page.reconcile(
      configWith([{ id: "db-health", url: targetUrl("/status/503"), components: ["db"], failuresToDown: 3 }]),
    );
    await kick();
    await check("db-health");
    await check("db-health");
    expect(await statusOf("db")).toBe("operational");
    await check("db-health");
    expect(await statusOf("db")).toBe("major_outage");
    const inspection = await inspectMonitor("db-health");
    expect(inspection.memory?.firstFailure?.summary).toMatch(/503/);
  });

  it("does not flap on a target that fails twice and recovers", async () => {
    const page = pageObject();
    await page.reconcile(
      configWith([{ id: "jobs-health", url: flaky("jobs", 2), components: ["jobs"], failuresToDown: 3 }]),
    );
    await kick();
    // It did fail twice (else not flapping would prove nothing), and stayed operational through it.
    for (let i = 0; i < 2; i++) await check("jobs-health");
    const failing = await inspectMonitor("jobs-health");
    expect(failing.memory?.streak.down).toBe(2);
    expect(await statusOf("jobs")).toBe("operational");
    for (let i = 0; i < 2; i++) await check("jobs-health");
    expect(await statusOf("jobs")).toBe("operational");
    const inspection = await inspectMonitor("jobs-health");
    expect(inspection.samples).toBe(4);
    expect(inspection.memory?.state).toBe("up");
  });

  it("recovers after successesToUp good checks", async () => {
    const page = pageObject();
    await page.reconcile(
      configWith([
        {
          id: "api-flaky",
          url: flaky("api-flaky", 3),
          components: ["api"],
          failuresToDown: 3,
          successesToUp: 2,
        },
      ]),
    );
    await kick();
    for (let i = 0; i < 3; i++) await check("api-flaky");
    expect(await statusOf("api")).toBe("major_outage");
    await check("api-flaky");
    expect(await statusOf("api")).toBe("major_outage");
    await check("api-flaky");
    expect(await statusOf("api")).toBe("operational");
  });

  it("keeps a component under maintenance while its monitor fails", async () => {
    const page = pageObject();
    await page.reconcile(
      configWith([{ id: "db-maint", url: targetUrl("/status/500"), components: ["db"], failuresToDown: 1 }]),
    );
    await setComponentStatus(page, "db", "operational");
    const now = Date.now();
    await createMaintenance(page, {
      name: "Database upgrade",
      body: "Planned.",
      scheduledFor: new Date(now - 60_000).toISOString(),
      scheduledUntil: new Date(now + 3_600_000).toISOString(),
      componentIds: ["db"],
      status: "in_progress",
    });
    await setComponentStatus(page, "db", "under_maintenance");
    await kick();
    await check("db-maint");
    await check("db-maint");
    expect((await inspectMonitor("db-maint")).memory?.state).toBe("down");
    expect(await statusOf("db")).toBe("under_maintenance");
  });

  it("checks TCP monitors by connecting", async () => {
    const page = pageObject();
    await page.reconcile(
      configWith([
        { id: "tcp-ok", kind: "tcp", host: targets.tcp.hostname, port: targets.tcp.port, components: ["jobs"] },
        {
          id: "tcp-refused",
          kind: "tcp",
          host: targets.refused.hostname,
          port: targets.refused.port,
          components: ["api"],
          failuresToDown: 1,
        },
      ]),
    );
    await kick();
    await check("tcp-ok");
    await check("tcp-refused");
    expect((await inspectMonitor("tcp-ok")).memory?.state).toBe("up");
    const refused = await inspectMonitor("tcp-refused");
    expect(refused.memory?.state).toBe("down");
    expect(refused.memory?.firstFailure?.summary).toMatch(/refused/i);
  });

  it("declares a heartbeat monitor down when the job stops calling, up when it calls", async () => {
    const page = pageObject();
    await page.reconcile(
      configWith([{ id: "nightly", kind: "heartbeat", components: ["jobs"], intervalSeconds: 3600 }]),
    );
    await kick();
    // Started two hours ago, never called since (moved back in time rather than waited for).
    await runInDurableObject(monitorStub(env, "nightly", "default"), (_instance, state) => {
      state.storage.sql.exec(
        `UPDATE members SET watching_since = ? WHERE monitor_id = 'nightly'`,
        Date.now() - 7_200_000,
      );
    });
    await check("nightly");
    expect(await statusOf("jobs")).toBe("major_outage");
    await monitorStub(env, "nightly", "default").heartbeat("nightly");
    await check("nightly");
    expect(await statusOf("jobs")).toBe("operational");
  });

  it("declares down across regions only when a quorum agrees", async () => {
    const page = pageObject();
    await page.reconcile(
      configWith([
        { id: "global", url: targetUrl("/healthy"), components: ["api"], regions: ["weur", "enam", "apac"] },
      ]),
    );
    await setComponentStatus(page, "api", "operational");
    const report = (region: string, state: "up" | "down") =>
      page.reportMonitor({
        monitorId: "global",
        region,
        at: Date.now(),
        state,
        since: Date.now(),
        transition: null,
        latency: null,
        rollups: [],
      });
    await report("weur", "up");
    await report("enam", "up");
    await report("apac", "down");
    expect(await statusOf("api")).toBe("operational");
    await report("enam", "down");
    expect(await statusOf("api")).toBe("major_outage");
    await report("enam", "up");
    expect(await statusOf("api")).toBe("operational");
  });

  it("suspects itself while the canary fails: no outage declared until it is back", async () => {
    const page = pageObject();
    await page.reconcile(
      configWith([
        { id: "canary", role: "canary", url: targetUrl("/status/500"), failuresToDown: 1 },
        { id: "svc", url: targetUrl("/status/503"), components: ["jobs"], failuresToDown: 1 },
      ]),
    );
    await setComponentStatus(page, "jobs", "operational");
    const incidentsBefore = (await page.snapshot()).activeIncidents.length;
    await kick();
    await check("canary");
    await check("svc");
    expect((await inspectMonitor("svc")).memory?.state).toBe("down");
    expect(await statusOf("jobs")).toBe("operational");
    expect((await page.snapshot()).activeIncidents.length).toBe(incidentsBefore);

    // The canary answers again: the component catches up with what its monitor has been saying.
    await page.reportMonitor({
      monitorId: "canary",
      region: "default",
      at: Date.now(),
      state: "up",
      since: Date.now(),
      transition: null,
      latency: null,
      rollups: [],
    });
    expect(await statusOf("jobs")).toBe("major_outage");
  });

  it("keeps its schedule when the object restarts in the middle of a check", async () => {
    const hangKey = `restart-${crypto.randomUUID().slice(0, 8)}`;
    const page = pageObject();
    await page.reconcile(
      configWith([
        {
          id: "restart",
          url: targetUrl(`/hang/${hangKey}`),
          components: ["jobs"],
          intervalSeconds: 10,
          timeoutMs: 2_000,
        },
      ]),
    );
    await kick();
    const stub = await monitorObjectOf("restart");
    const interrupted = runDurableObjectAlarm(stub).catch((error: Error) => error);
    // In the middle of the check: the target has the request (a condition, not a pause).
    await vi.waitFor(async () => expect((await targetStats("hang", hangKey))?.requests).toBe(1), {
      timeout: 5_000,
      interval: 20,
    });
    // Only the Monitor object restarts (the page's would re-apply the deployed config, not this test's).
    await runInDurableObject(stub, (_instance, state) => state.abort("restart")).catch(() => {});
    await interrupted;
    // The next slot was booked before the check began, so the restarted object checks again on time.
    const restarted = await monitorObjectOf("restart");
    const alarm = await runInDurableObject(restarted, (_instance, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();
    expect(alarm).toBeLessThanOrEqual(Date.now() + 10_000);
    expect((await restarted.inspectMonitor("restart")).samples).toBe(0);
    await check("restart");
    const after = await inspectMonitor("restart");
    expect(after.samples).toBe(1);
    expect(after.memory?.firstFailure?.summary).toMatch(/timeout after 2000 ms/);
    // One check cut off midway, one that waits out its 2 s timeout: more than the default 5 s on a busy machine.
  }, 20_000);

  it("delivers a report the StatusPage missed with the next check", async () => {
    const page = pageObject();
    await page.reconcile(configWith([{ id: "late", url: targetUrl("/healthy"), components: ["jobs"] }]));
    await kick();
    const stub = await monitorObjectOf("late");
    await check("late");
    // As if the StatusPage had been unreachable when yesterday's roll-up was sent.
    const missed = {
      monitorId: "late",
      region: "default",
      at: Date.now() - 60_000,
      state: "up",
      since: Date.now() - 60_000,
      transition: null,
      latency: null,
      rollups: [
        {
          day: "2026-01-01",
          checks: 1440,
          downChecks: 2,
          degradedChecks: 0,
          downSeconds: 0,
          meanLatencyMs: 40,
          p95LatencyMs: 90,
        },
      ],
    };
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec(`UPDATE members SET unsent = ? WHERE monitor_id = 'late'`, JSON.stringify(missed));
    });
    await check("late");
    const delivered = await runInDurableObject(page, (_instance: StatusPage, state) =>
      state.storage.sql
        .exec(`SELECT checks FROM monitor_daily WHERE monitor_id = 'late' AND day = '2026-01-01'`)
        .toArray(),
    );
    expect(delivered).toEqual([{ checks: 1440 }]);
    const left = await runInDurableObject(stub, (_instance, state) =>
      state.storage.sql.exec(`SELECT unsent FROM members WHERE monitor_id = 'late'`).toArray(),
    );
    expect(left).toEqual([{ unsent: null }]);
  });

  it("stops a monitor removed from the config and starts one added", async () => {
    const page = pageObject();
    await page.reconcile(configWith([{ id: "old", url: targetUrl("/healthy"), components: ["api"] }]));
    await kick();
    expect((await inspectMonitor("old")).nextCheckAt).not.toBeNull();
    const group = await monitorObjectOf("old");
    await page.reconcile(configWith([{ id: "new", url: targetUrl("/healthy"), components: ["api"] }]));
    await kick();
    // Its group no longer checks it (the group's other monitors go on).
    expect((await group.inspect()).members).not.toContain("old");
    expect((await group.inspectMonitor("old")).monitorId).toBeNull();
    await check("new");
    expect((await inspectMonitor("new")).samples).toBe(1);
    // Put back, it is started again at once rather than when the heartbeat finds it silent.
    await page.reconcile(configWith([{ id: "old", url: targetUrl("/healthy"), components: ["api"] }]));
    await kick();
    await check("old");
  });
});

describe("automatic incidents", () => {
  // Earlier tests in this file left their own incidents open; each test looks only at what it opened.
  let before = new Set<string>();
  beforeEach(async () => {
    before = new Set((await pageObject().snapshot()).activeIncidents.map((i) => i.id));
  });

  async function openIncidents() {
    return (await pageObject().snapshot()).activeIncidents.filter((i) => !before.has(i.id));
  }

  it("opens one incident with the evidence, follows the recovery and resolves after a quiet period", async () => {
    const page = pageObject();
    await page.reconcile(
      configWith([{ id: "auto", name: "API health", url: flaky("auto", 4), components: ["api"], failuresToDown: 3 }]),
    );
    await setComponentStatus(page, "api", "operational");
    // Who hears of it: followers of the component it is about, not of another one.
    const follow = async (component: string) => {
      const url = `https://hooks.example.com/${component}`;
      const response = await api("POST", "/webhooks", { body: { url, components: [component] } });
      return String(response.body.id);
    };
    const [apiFollower, dbFollower] = [await follow("api"), await follow("db")];
    await api("PUT", `/holds/webhooks/${apiFollower}`);
    await api("PUT", `/holds/webhooks/${dbFollower}`);
    await kick();
    for (let i = 0; i < 4; i++) await check("auto");
    const [incident, ...others] = await openIncidents();
    expect(others).toEqual([]);
    expect(incident).toMatchObject({ name: "API is unavailable", status: "investigating", impact: "major" });
    expect(incident?.componentIds).toEqual(["api"]);
    const announced = (recipient: string) =>
      runInDurableObject(
        pageObject(),
        (_: StatusPage, state) =>
          state.storage.sql
            .exec(
              `SELECT 1 FROM outbox WHERE recipient = ? AND kind = 'incident' AND ref = ?`,
              recipient,
              incident?.updates[0]?.id ?? "",
            )
            .toArray().length,
      );
    expect([await announced(apiFollower), await announced(dbFollower)]).toEqual([1, 0]);
    // In readers' words: the component's name (not the monitor's), the page's time zone, to the second.
    expect(incident?.updates[0]?.body).toMatch(/^Lookout's checks of API are failing\./);
    expect(incident?.updates[0]?.body).toMatch(/First failing check at \d+ \w+ \d{4}, \d\d:\d\d:\d\d CES?T: .*503/);
    // Like a person's incident, it records the status the component got, so the page can show it.
    expect(incident?.updates[0]?.affectedComponents).toEqual([
      { code: "api", name: "API", oldStatus: "operational", newStatus: "major_outage" },
    ]);

    await check("auto");
    await check("auto");
    const monitoring = await openIncidents();
    expect(monitoring.map((i) => i.status)).toEqual(["monitoring"]);
    expect(monitoring[0]?.updates[0]?.body).toMatch(/^API has answered correctly since .+ \d\d:\d\d:\d\d CES?T/);
    expect(monitoring[0]?.updates[0]?.affectedComponents).toEqual([
      { code: "api", name: "API", oldStatus: "major_outage", newStatus: "operational" },
    ]);

    // Ten quiet minutes later (moved back in time rather than waited for), the heartbeat resolves it.
    await runInDurableObject(page, (_instance: StatusPage, state) => {
      state.storage.sql.exec(
        `UPDATE incidents SET recovered_at = recovered_at - 11 * 60000 WHERE id = ?`,
        incident?.id,
      );
    });
    const tick = await page.tick();
    expect(tick.resolvedIncidents).toEqual([incident?.id]);
    const resolved = (await pageObject().snapshot()).recentIncidents.find((i) => i.id === incident?.id);
    expect(resolved?.updates[0]?.body).toMatch(/checks have passed since .* \d\d:\d\d:\d\d CES?T without/);
    expect(await openIncidents()).toEqual([]);
  });

  it("leaves an incident alone once a person has posted to it", async () => {
    const page = pageObject();
    await page.reconcile(
      configWith([{ id: "takeover", url: flaky("takeover", 3), components: ["jobs"], failuresToDown: 3 }]),
    );
    await setComponentStatus(page, "jobs", "operational");
    await kick();
    for (let i = 0; i < 3; i++) await check("takeover");
    const [incident] = await openIncidents();
    expect(incident).toBeDefined();
    await addIncidentUpdate(page, incident?.id ?? "", { status: "identified", body: "A bad deploy; rolling back." });
    await check("takeover");
    await check("takeover");
    const [after] = await openIncidents();
    expect(after?.status).toBe("identified");
    expect(after?.updates.map((u) => u.status)).toEqual(["identified", "investigating"]);
  });
});
