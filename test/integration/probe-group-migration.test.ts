import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import type { Monitor } from "../../durable-objects/monitor/monitor.ts";
import { samplesOf } from "../../durable-objects/monitor/reports.ts";
import { componentDetail } from "../../durable-objects/status-page/component-detail.ts";
import { placeProbeGroups } from "../../durable-objects/status-page/probe-groups.ts";
import { migrate, PROBE_GROUPS_SCHEMA, readMeta } from "../../durable-objects/status-page/schema.ts";
import { buildSnapshot } from "../../durable-objects/status-page/snapshot.ts";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import { defineConfig, type LookoutConfigInput } from "../../worker/config/define-config.ts";
import type { LookoutConfig } from "../../worker/core/config/schema.ts";
import type { StoredSample } from "../../worker/core/monitors/handover.ts";
import type { MonitorConfig } from "../../worker/core/monitors/monitor-config.ts";
import type { MonitorReport } from "../../worker/core/monitors/monitor-report.ts";
import { type DailyRollup, rollUpDay } from "../../worker/core/monitors/rollup.ts";
import { nextRunAt, phaseOffsetMs } from "../../worker/core/monitors/schedule.ts";
import type { MonitorMemory } from "../../worker/core/monitors/state-machine.ts";
import type { ProbeResult } from "../../worker/core/probes/probe-result.ts";
import { DAY_MS, startOfUtcDay } from "../../worker/core/uptime.ts";
import { monitorObject, monitorStub } from "../../worker/platform/stubs.ts";
import { pinFlags, pinFlagsForFile } from "../helpers/workers/flags.ts";
import { kick } from "../helpers/workers/kicks.ts";
import { groupOf, inspectMonitor, runGroup } from "../helpers/workers/monitor-objects.ts";
import { leaveAsOldObject, type OldMonitorObject, wipe } from "../helpers/workers/old-monitor-objects.ts";
import { targetUrl } from "../helpers/workers/targets.ts";
import { pageObject } from "../helpers/workers/worker.ts";

/**
 * Upgrading a running Lookout to probe groups (decision 0038). Before it, each
 * monitor instance had a Monitor object of its own (`monitorId@region`, schema
 * 1: meta keys, raw samples, daily roll-ups) and the StatusPage (schema 13)
 * knew only which instances it had started. The objects here are left exactly
 * as that code left them — real rows in the old tables, real alarms — and
 * restarted, so today's constructors and migrations run on them for real; the
 * page runs migration 13 and the placement its constructor runs after it.
 * Then nothing may be lost: memory, 48 h of samples, unsent reports, a
 * heartbeat's pings, and every figure the page shows.
 */

const HOUR = 3_600_000;
/** As long a keyword as a summary quotes: the longest summaries a check stores. */
const KEYWORD = "k".repeat(80);
const MINUTE = 60_000;

type MonitorInput = NonNullable<LookoutConfigInput["monitors"]>[number];

const configWith = (monitors: MonitorInput[]) =>
  defineConfig({
    page: { name: "Upgraded", url: "https://status.upgraded.test" },
    components: [
      { id: "api", name: "API" },
      { id: "jobs", name: "Jobs" },
    ],
    monitors,
  });

const config = configWith([
  { id: "legacy-api", url: targetUrl("/healthy"), components: ["api"], failuresToDown: 3, successesToUp: 2 },
  { id: "legacy-hb", kind: "heartbeat", components: ["jobs"], intervalSeconds: 3600, graceSeconds: 300 },
]);
/** Every monitor the tests here leave old objects of, as the config parses them. */
const everyMonitor = configWith([
  ...config.monitors,
  { id: "late-day", url: targetUrl("/healthy"), components: ["api"] },
  { id: "chatty", url: targetUrl("/healthy"), components: ["api"], intervalSeconds: 10, keyword: KEYWORD },
  { id: "aa-first", url: targetUrl("/healthy"), components: ["api"] },
  { id: "zz-broken", url: targetUrl("/healthy"), components: ["api"] },
]);
const monitorConfig = (id: string) => everyMonitor.monitors.find((m) => m.id === id) as MonitorConfig;

const failure = (at: number): ProbeResult => ({
  at,
  outcome: "down",
  latencyMs: 12,
  statusCode: 503,
  failure: { kind: "status", status: 503, expected: "2xx" },
  summary: "unexpected status 503 (expected 2xx)",
});

/**
 * What the old object of an HTTP monitor at 60 s held at `now`: every check
 * since the daily delete (48 h before today began), up until half an hour ago,
 * then 503s, down after the third. Its last report went three minutes ago;
 * yesterday's roll-up never reached the page (unsent).
 */
function oldHttpObject(now: number): OldMonitorObject & { memory: MonitorMemory } {
  const monitor = monitorConfig("legacy-api");
  const intervalMs = monitor.intervalSeconds * 1000;
  const last = nextRunAt(now - intervalMs, intervalMs, phaseOffsetMs(monitor.id, "default", intervalMs));
  const first = startOfUtcDay(now) - 48 * HOUR;
  const failingFrom = last - 31 * intervalMs;
  const downFrom = failingFrom + 2 * intervalMs;
  const samples: StoredSample[] = [];
  for (let at = last; at >= first; at -= intervalMs) {
    const failing = at >= failingFrom;
    const latencyMs = failing ? 12 : 20 + (Math.floor(at / intervalMs) % 17);
    samples.unshift({
      at,
      outcome: failing ? "down" : "up",
      latencyMs,
      statusCode: failing ? 503 : 200,
      state: at >= downFrom ? "down" : "up",
      summary: failing ? failure(at).summary : `200 in ${latencyMs} ms`,
    });
  }
  const today = startOfUtcDay(now);
  const daily = [3, 2, 1].map((back) => {
    const day = today - back * DAY_MS;
    const ofDay = samples.filter((s) => s.at >= day && s.at < day + DAY_MS);
    // The day before the oldest sample was rolled up while its samples were still there.
    const rollup = rollUpDay(new Date(day).toISOString().slice(0, 10), ofDay, intervalMs);
    return ofDay.length > 0 ? rollup : { ...rollup, checks: 1440, meanLatencyMs: 31, p95LatencyMs: 44 };
  });
  const lastReportAt = last - 3 * intervalMs;
  const failing = samples.filter((s) => s.at >= failingFrom).length;
  return {
    config: monitor,
    region: "default",
    memory: {
      state: "down",
      since: downFrom,
      // The old code counted without a cap.
      streak: { down: failing, degraded: 0, up: 0, notDown: 0 },
      firstFailure: failure(failingFrom),
    },
    nextCheckAt: last + intervalMs,
    watchingSince: first,
    lastReportAt,
    unsentReport: {
      monitorId: monitor.id,
      region: "default",
      at: today + 30_000,
      state: "up",
      since: first,
      transition: null,
      latency: null,
      rollups: [daily[2] as DailyRollup],
    },
    rolledUntil: today,
    samples,
    daily,
  };
}

/** The old object of an hourly heartbeat, whose job last called ten minutes ago. */
function oldHeartbeatObject(now: number): OldMonitorObject & { lastPingAt: number } {
  const monitor = monitorConfig("legacy-hb");
  const intervalMs = monitor.intervalSeconds * 1000;
  const last = nextRunAt(now - intervalMs, intervalMs, phaseOffsetMs(monitor.id, "default", intervalMs));
  const samples: StoredSample[] = [];
  for (let at = last; at >= startOfUtcDay(now) - 48 * HOUR; at -= intervalMs) {
    samples.unshift({ at, outcome: "up", latencyMs: 0, statusCode: null, state: "up", summary: "called in" });
  }
  const first = samples[0]?.at ?? last;
  return {
    config: monitor,
    region: "default",
    memory: {
      state: "up",
      since: first,
      streak: { down: 0, degraded: 0, up: samples.length, notDown: samples.length },
      firstFailure: null,
    },
    nextCheckAt: last + intervalMs,
    watchingSince: first - intervalMs,
    lastPingAt: now - 10 * MINUTE,
    lastReportAt: last,
    unsentReport: null,
    rolledUntil: startOfUtcDay(now),
    samples,
    daily: [],
  };
}

/**
 * The reports the old object sent the page over those hours: a sign of life
 * every four hours with the latency since the one before, one at each change
 * of state, and the roll-ups it had delivered. Up to its last report.
 */
function reportsOf(old: OldMonitorObject): MonitorReport[] {
  const reports: MonitorReport[] = [];
  let from = old.watchingSince;
  let state: StoredSample["state"] = "unknown";
  let since = old.watchingSince;
  let window: StoredSample[] = [];
  const sent = old.samples.filter((s) => s.at <= old.lastReportAt);
  for (const [i, s] of sent.entries()) {
    window.push(s);
    const changed = s.state !== state;
    const lastOne = i === sent.length - 1;
    if (!changed && !lastOne && s.at - from < 4 * HOUR) continue;
    const answered = window.filter((w) => w.outcome !== "down");
    const firstFailure = old.samples.find((w) => w.outcome === "down" && w.at <= s.at && w.at > since);
    reports.push({
      monitorId: old.config.id,
      region: old.region,
      at: s.at,
      state: s.state,
      since: changed ? s.at : since,
      transition: changed
        ? {
            from: state,
            to: s.state,
            at: s.at,
            summary: s.summary,
            firstFailure:
              s.state === "down" && firstFailure ? { at: firstFailure.at, summary: firstFailure.summary } : null,
          }
        : null,
      latency: {
        from,
        to: s.at,
        checks: window.length,
        failures: window.length - answered.length,
        meanMs:
          answered.length === 0
            ? null
            : Math.round(answered.reduce((sum, w) => sum + w.latencyMs, 0) / answered.length),
      },
      // What it had rolled up and delivered; the unsent roll-up is not among them.
      rollups: lastOne ? old.daily.filter((d) => !old.unsentReport?.rollups.some((u) => u.day === d.day)) : [],
    });
    if (changed) since = s.at;
    state = s.state;
    from = s.at;
    window = [];
  }
  return reports;
}

/** Everything the page shows of its components, taken at one instant, plus the roll-ups it keeps. */
async function pageFigures(at: number) {
  return runInDurableObject(pageObject(), (_instance: StatusPage, state) => {
    const sql = state.storage.sql;
    const snapshot = buildSnapshot(sql, at);
    return {
      components: snapshot.components.map((c) => ({
        id: c.id,
        status: c.status,
        uptimeDays: c.uptimeDays,
        uptimeWindows: c.uptimeWindows,
        latencyHourly: c.latencyHourly,
      })),
      api: componentDetail(sql, "api", at),
      jobs: componentDetail(sql, "jobs", at),
      daily: sql.exec(`SELECT * FROM monitor_daily ORDER BY monitor_id, region, day`).toArray(),
      instances: sql
        .exec(`SELECT monitor_id, region, state, since, last_summary FROM monitor_instances ORDER BY monitor_id`)
        .toArray(),
    };
  });
}

/**
 * The page as schema 13 left it (the last before probe groups): no probe
 * groups, each started instance noted by the fingerprint it was started
 * with. Then what its constructor runs on such a page: the migrations and,
 * coming from before PROBE_GROUPS_SCHEMA, the placement of every instance in a group.
 */
async function upgradePageFromSchema13(): Promise<number> {
  return runInDurableObject(pageObject(), (_instance: StatusPage, state) => {
    const sql = state.storage.sql;
    state.storage.transactionSync(() => {
      // What the console's migrations (issue 15: sessions, incident roles and notes, Access people,
      // severities) added, which a page at schema 13 had not.
      sql.exec(`DROP TABLE console_sessions`);
      sql.exec(`DROP TABLE console_people`);
      sql.exec(`DROP TABLE incident_notes`);
      for (const column of ["scribe", "investigator", "severity"])
        sql.exec(`ALTER TABLE incidents DROP COLUMN ${column}`);
      // What migrations 15 and 16 (providers) added, which a page at schema 13 had not either.
      sql.exec(`DROP TABLE provider_unreadable`);
      sql.exec(`ALTER TABLE monitor_instances DROP COLUMN provider`);
      sql.exec(`ALTER TABLE components DROP COLUMN hidden`);
      sql.exec(`DROP TABLE component_dependencies`);
      sql.exec(`DROP INDEX monitor_instances_by_group`);
      sql.exec(`DROP INDEX monitor_instances_moving`);
      sql.exec(`DROP TABLE probe_groups`);
      // What migration 13 left, and 14 replaces with its groups' own.
      sql.exec(
        `CREATE INDEX monitor_instances_kicked_since_report ON monitor_instances (kicked_at)
         WHERE kicked_at > last_report_at AND removed_at IS NULL`,
      );
      sql.exec(`ALTER TABLE monitor_instances DROP COLUMN probe_group`);
      sql.exec(`ALTER TABLE monitor_instances DROP COLUMN moved_from`);
      sql.exec(
        `UPDATE monitor_instances SET kicked_at = ?, stopped_at = NULL,
           started_fingerprint = (SELECT fingerprint FROM monitors WHERE id = monitor_id)
         WHERE removed_at IS NULL`,
        Date.now() - MINUTE,
      );
      sql.exec(`UPDATE meta SET value = ? WHERE key = 'schema_version'`, String(PROBE_GROUPS_SCHEMA - 1));
    });
    const from = migrate(state.storage);
    if (from > 0 && from < PROBE_GROUPS_SCHEMA) state.storage.transactionSync(() => placeProbeGroups(sql));
    expect(Number(readMeta(sql, "schema_version"))).toBeGreaterThanOrEqual(PROBE_GROUPS_SCHEMA);
    return from;
  });
}

/** Every stored sample of a monitor in an object, in the last 48 h, as its reports and hand-overs read them. */
async function storedSamples(stub: DurableObjectStub<Monitor>, monitorId: string): Promise<StoredSample[]> {
  return runInDurableObject(stub, (_instance, state) => {
    const now = Date.now();
    return samplesOf(state.storage.sql, now - 48 * HOUR, now).get(monitorId) ?? [];
  });
}

async function memberRow(stub: DurableObjectStub<Monitor>, monitorId: string) {
  return runInDurableObject(stub, (_instance, state) =>
    state.storage.sql
      .exec<{ watching_since: number | null; last_ping_at: number | null; unsent: string | null }>(
        `SELECT watching_since, last_ping_at, unsent FROM members WHERE monitor_id = ?`,
        monitorId,
      )
      .toArray(),
  );
}

/** The old layout of these objects: the shared group not yet used, one object per instance with schema 1's rows. */
async function leaveOldLayout(olds: OldMonitorObject[]): Promise<void> {
  await wipe(monitorObject(env, "group:1@default", "default"));
  for (const old of olds) await leaveAsOldObject(monitorStub(env, old.config.id, old.region), old);
}

/**
 * The page upgraded from schema 13 and its kicks: the new groups take their
 * monitors over. Probing stays off (a group's first run, due seconds after
 * its assignment, must not run in the middle of what a test looks at) until
 * `probe()`.
 */
async function upgradePage(applied: LookoutConfig): Promise<void> {
  expect(await upgradePageFromSchema13()).toBe(PROBE_GROUPS_SCHEMA - 1);
  // The constructor then applies the deployed config (here the test's, unchanged), which wakes the kicks.
  expect((await pageObject().reconcile(applied)).changed).toBe(false);
  await kick();
}

/** Checks may run from now on. */
async function probe(): Promise<void> {
  await pinFlags({ probing: true });
  await kick();
}

async function upgrade(olds: OldMonitorObject[], applied: LookoutConfig): Promise<void> {
  await leaveOldLayout(olds);
  await upgradePage(applied);
}

/**
 * The longest row an object holds. Cloudflare refuses a row, string or blob
 * over 2 MB (docs/reference/cloudflare-platform.md); workerd here does not,
 * so a test must look.
 */
async function longestRow(stub: DurableObjectStub<Monitor>): Promise<number> {
  return runInDurableObject(stub, (_instance, state) => {
    const sql = state.storage.sql;
    const longest = (query: string) => sql.exec<{ n: number | null }>(query).one().n ?? 0;
    return Math.max(
      longest(`SELECT MAX(length(samples)) AS n FROM handed_over`),
      longest(`SELECT MAX(length(results)) AS n FROM runs`),
      longest(
        `SELECT MAX(length(config) + length(COALESCE(memory, '')) + length(COALESCE(unsent, ''))) AS n FROM members`,
      ),
    );
  });
}
const ROW_LIMIT_BYTES = 2 * 1024 * 1024;

/** An old object of an HTTP monitor that was up for every check it stored, from `first` to `last`. */
function oldUpObject(id: string, first: number, last: number, summary: (at: number) => string): OldMonitorObject {
  const monitor = monitorConfig(id);
  const intervalMs = monitor.intervalSeconds * 1000;
  const samples: StoredSample[] = [];
  for (let at = nextRunAt(first, intervalMs, phaseOffsetMs(id, "default", intervalMs)); at <= last; at += intervalMs) {
    samples.push({ at, outcome: "up", latencyMs: 30, statusCode: 200, state: "up", summary: summary(at) });
  }
  const since = samples[0]?.at ?? first;
  return {
    config: monitor,
    region: "default",
    memory: {
      state: "up",
      since,
      streak: { down: 0, degraded: 0, up: samples.length, notDown: samples.length },
      firstFailure: null,
    },
    nextCheckAt: last + intervalMs,
    watchingSince: since,
    lastReportAt: samples.at(-1)?.at ?? first,
    unsentReport: null,
    rolledUntil: startOfUtcDay(last),
    samples,
    daily: [],
  };
}

const alarmOf = (stub: DurableObjectStub<Monitor>) =>
  runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());

// Nothing checks while the old layout is built and looked at; probe() turns probing on.
pinFlagsForFile({ probing: false, automatic_incidents: false });

describe("upgrading to probe groups", () => {
  it("carries every monitor's memory, 48 h of samples and unsent report into the new storage, and the page shows the same", async () => {
    const page = pageObject();
    await page.reconcile(config);
    await kick();
    const now = Date.now();
    const http = oldHttpObject(now);
    const heartbeat = oldHeartbeatObject(now);
    // The page heard what the old objects reported, through the same call they used.
    for (const report of [...reportsOf(http), ...reportsOf(heartbeat)]) await page.reportMonitor(report);

    // The old layout: no shared group yet, one object per instance with schema 1's rows, the page at schema 13.
    await wipe(monitorObject(env, "group:1@default", "default"));
    // Fresh stubs after each restart: a stub of an object that was restarted stays broken.
    const oldApi = () => monitorStub(env, "legacy-api", "default");
    const oldHeartbeat = () => monitorStub(env, "legacy-hb", "default");
    await leaveAsOldObject(oldApi(), http);
    await leaveAsOldObject(oldHeartbeat(), heartbeat);
    const at = Date.now();
    const before = await pageFigures(at);
    expect(before.components.find((c) => c.id === "api")?.status).toBe("major_outage");
    expect(before.daily).toHaveLength(2);

    await upgradePage(config);

    // The HTTP monitor moved into the region's first shared group, with everything it had.
    expect(await groupOf("legacy-api")).toBe("group:1@default");
    const group = () => monitorObject(env, "group:1@default", "default");
    const moved = await inspectMonitor("legacy-api");
    expect(moved.memory).toEqual(http.memory);
    const within48h = http.samples.filter((s) => s.at > Date.now() - 48 * HOUR);
    expect(within48h.length).toBeGreaterThan(2800);
    expect(within48h.length).toBeLessThan(http.samples.length);
    expect(await storedSamples(group(), "legacy-api")).toEqual(within48h);
    expect(moved.samples).toBe(within48h.length);
    const [member] = await memberRow(group(), "legacy-api");
    expect(JSON.parse(member?.unsent ?? "null")).toEqual(http.unsentReport);
    expect(await alarmOf(group())).not.toBeNull();
    // The old object checks it no more.
    expect((await oldApi().inspect()).members).toEqual([]);
    expect((await oldApi().inspectMonitor("legacy-api")).monitorId).toBeNull();
    expect(await alarmOf(oldApi())).toBeNull();

    // The heartbeat keeps its own object, its pings and its watch.
    expect(await groupOf("legacy-hb")).toBe("legacy-hb@default");
    expect(await memberRow(oldHeartbeat(), "legacy-hb")).toEqual([
      { watching_since: heartbeat.watchingSince, last_ping_at: heartbeat.lastPingAt, unsent: null },
    ]);
    const kept = await oldHeartbeat().inspectMonitor("legacy-hb");
    expect(kept.memory).toEqual(heartbeat.memory);
    expect(await storedSamples(oldHeartbeat(), "legacy-hb")).toEqual(
      heartbeat.samples.filter((s) => s.at > Date.now() - 48 * HOUR),
    );
    expect(kept.nextCheckAt).not.toBeNull();

    // The page shows exactly what it showed before.
    expect(await pageFigures(at)).toEqual(before);

    await probe();
    // The group's next run goes on from that memory (one good answer of the two it takes: still down),
    // delivers the unsent roll-up and keeps every sample.
    await runGroup("legacy-api");
    const after = await inspectMonitor("legacy-api");
    expect(after.memory).toMatchObject({ state: "down", since: http.memory.since });
    expect(after.memory?.streak.notDown).toBe(1);
    expect(after.samples).toBe(within48h.length + 1);
    const figures = await pageFigures(Date.now());
    expect(figures.components.find((c) => c.id === "api")?.status).toBe("major_outage");
    expect(figures.daily).toEqual([
      ...before.daily,
      expect.objectContaining({ monitor_id: "legacy-api", day: http.daily[2]?.day, checks: http.daily[2]?.checks }),
    ]);
    expect((await memberRow(group(), "legacy-api"))[0]?.unsent).toBeNull();

    // The heartbeat's next check judges by the call it had: still up.
    await runGroup("legacy-hb");
    expect((await inspectMonitor("legacy-hb")).memory).toMatchObject({ state: "up", since: heartbeat.memory?.since });
  }, 60_000);

  it("rolls up the day before the upgrade when the old object had not yet (its last check came before midnight)", async () => {
    await pinFlags({ probing: false });
    const applied = configWith([{ id: "late-day", url: targetUrl("/healthy"), components: ["api"] }]);
    await pageObject().reconcile(applied);
    await kick();
    const today = startOfUtcDay(Date.now());
    // Its first check of today, which would have rolled yesterday up, came after the upgrade.
    const old = oldUpObject("late-day", today - 48 * HOUR, today - 1, (at) => `200 in ${at % 7} ms`);
    await upgrade([{ ...old, rolledUntil: today - DAY_MS }], applied);
    expect(await groupOf("late-day")).toBe("group:1@default");
    await probe();
    await runGroup("late-day");

    const yesterday = new Date(today - DAY_MS).toISOString().slice(0, 10);
    const expected = rollUpDay(
      yesterday,
      old.samples.filter((s) => s.at >= today - DAY_MS),
      60_000,
    );
    const rows = await runInDurableObject(pageObject(), (_instance: StatusPage, state) =>
      state.storage.sql
        .exec(`SELECT checks, down_checks FROM monitor_daily WHERE monitor_id = 'late-day' AND day = ?`, yesterday)
        .toArray(),
    );
    expect(rows).toEqual([{ checks: expected.checks, down_checks: 0 }]);
  }, 60_000);

  it("carries the whole 48 h of a 10 s monitor whose samples carry the longest summaries", async () => {
    await pinFlags({ probing: false });
    const applied = configWith([
      { id: "chatty", url: targetUrl("/healthy"), components: ["api"], intervalSeconds: 10, keyword: KEYWORD },
    ]);
    await pageObject().reconcile(applied);
    await kick();
    const now = Date.now();
    // Two days and the part of today since the daily delete, as the old code kept them.
    const old = oldUpObject(
      "chatty",
      startOfUtcDay(now) - 48 * HOUR,
      now - 1000,
      (at) => `keyword "${KEYWORD}" missing in the first ${65_536 + (at % 10)} bytes`,
    );
    await leaveOldLayout([old]);
    // Its own migration, as when its alarm comes before the page's kick, keeps every row within the limit.
    expect(await longestRow(monitorStub(env, "chatty", "default"))).toBeLessThanOrEqual(ROW_LIMIT_BYTES);
    await upgradePage(applied);
    expect(await groupOf("chatty")).toBe("group:1@default");
    const within48h = old.samples.filter((s) => s.at > Date.now() - 48 * HOUR);
    expect(within48h.length).toBeGreaterThan(17_000);
    expect((await inspectMonitor("chatty")).samples).toBe(within48h.length);
    expect(await longestRow(monitorObject(env, "group:1@default", "default"))).toBeLessThanOrEqual(ROW_LIMIT_BYTES);
  }, 120_000);

  it("keeps a monitor already handed over when another hand-over of the same assignment fails", async () => {
    await pinFlags({ probing: false });
    const applied = configWith([
      { id: "aa-first", url: targetUrl("/healthy"), components: ["api"] },
      { id: "zz-broken", url: targetUrl("/healthy"), components: ["api"] },
    ]);
    await pageObject().reconcile(applied);
    await kick();
    const now = Date.now();
    const first = oldUpObject("aa-first", now - 2 * HOUR, now - 1000, (at) => `200 in ${at % 9} ms`);
    const broken = oldUpObject("zz-broken", now - 2 * HOUR, now - 1000, () => "200 in 3 ms");
    await wipe(monitorObject(env, "group:1@default", "default"));
    await leaveAsOldObject(monitorStub(env, "aa-first", "default"), first);
    await leaveAsOldObject(monitorStub(env, "zz-broken", "default"), broken);
    // Migrated, it cannot let its monitor go: its hand-over fails.
    await runInDurableObject(monitorStub(env, "zz-broken", "default"), (_instance, state) => {
      state.storage.sql.exec(
        `CREATE TRIGGER refuse_hand_over BEFORE UPDATE OF handed_at ON members BEGIN SELECT RAISE(ABORT, 'refused'); END`,
      );
    });
    const refusal = await monitorStub(env, "zz-broken", "default")
      .handOver("zz-broken")
      .then(
        () => null,
        (error: Error) => error.message,
      );
    expect(refusal).toMatch(/refused/);
    expect(await upgradePageFromSchema13()).toBe(PROBE_GROUPS_SCHEMA - 1);
    await pageObject().reconcile(applied);
    const oldFirst = () => monitorStub(env, "aa-first", "default");
    // The group asks the first old object, then the broken one, and its assignment fails.
    await vi.waitFor(async () => expect((await oldFirst().inspect()).members).toEqual([]), {
      timeout: 10_000,
      interval: 50,
    });
    expect(await groupOf("aa-first")).toBe("group:1@default");
    // What the first one gave up is kept by the group, not lost with the failed assignment.
    const group = monitorObject(env, "group:1@default", "default");
    expect((await group.inspectMonitor("aa-first")).memory).toEqual(first.memory);
    expect(await storedSamples(group, "aa-first")).toEqual(first.samples);

    // Once the broken one lets go, the assignment goes through: no kick is left retrying after the test.
    await runInDurableObject(monitorStub(env, "zz-broken", "default"), (_instance, state) => {
      state.storage.sql.exec(`DROP TRIGGER refuse_hand_over`);
    });
    // (Its failed kick waits a grace period before the next: the test does not.)
    await runInDurableObject(pageObject(), (_instance: StatusPage, state) => {
      state.storage.sql.exec(`UPDATE probe_groups SET kicked_at = 0, failed_at = NULL`);
    });
    await pageObject().reconcile(applied);
    await kick();
    expect((await group.inspect()).members).toEqual(["aa-first", "zz-broken"]);
  }, 60_000);
});
