import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Monitor } from "../../durable-objects/monitor/monitor.ts";
import { rollUp, samplesOf } from "../../durable-objects/monitor/reports.ts";
import { pack, writeRun } from "../../durable-objects/monitor/runs.ts";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import { defineConfig } from "../../worker/config/define-config.ts";
import type { StoredSample } from "../../worker/core/monitors/handover.ts";
import type { MonitorConfig } from "../../worker/core/monitors/monitor-config.ts";
import { REPORT_EVERY_MS } from "../../worker/core/monitors/monitor-report.ts";
import { GROUP_SIZE } from "../../worker/core/monitors/probe-groups.ts";
import { DAY_MS, startOfUtcDay } from "../../worker/core/uptime.ts";
import { monitorObject } from "../../worker/platform/stubs.ts";
import { pinFlags, pinFlagsForFile } from "../helpers/workers/flags.ts";
import { kick } from "../helpers/workers/kicks.ts";
import { clearOfOwnSlot, groupOf, makeDue, runDue } from "../helpers/workers/monitor-objects.ts";
import { restart } from "../helpers/workers/old-monitor-objects.ts";
import { meterRows } from "../helpers/workers/row-meter.ts";
import { targetStats, targetUrl } from "../helpers/workers/targets.ts";
import { pageObject } from "../helpers/workers/worker.ts";

/**
 * What a probe group (decision 0038) stores, and what it costs to store: its
 * samples and memory outlive a restart, a healthy run writes a fixed number
 * of rows however many monitors it checks, and a hanging target waits behind
 * every healthy check. Monitors here check hourly, so no slot of theirs comes
 * by itself while a test runs its group by hand.
 */

/** An HTTP monitor of these tests; each drives the one component. */
interface MonitorInput {
  id: string;
  url: string;
  intervalSeconds: number;
  timeoutMs?: number;
  failuresToDown?: number;
  successesToUp?: number;
}
const HOURLY = 3600;
const GROUP = "group:1@default";

/** Each run of this file has its own target keys: the target server counts per key for as long as it lives. */
const run = crypto.randomUUID().slice(0, 8);

const group = () => monitorObject(env, GROUP, "default");

/**
 * Places these monitors, and only these, in the region's first group, then
 * lets it check. Its first run, booked seconds after the assignment, is
 * spent while probing is off (it books the next slot and checks nothing), so
 * it cannot come in the middle of a test's own runs.
 */
async function placeInOneGroup(monitors: MonitorInput[]): Promise<void> {
  await pinFlags({ probing: false });
  await pageObject().reconcile(
    defineConfig({
      page: { name: "Groups", url: "https://status.groups.test" },
      components: [{ id: "api", name: "API" }],
      monitors: monitors.map((m) => ({ ...m, components: ["api"] })),
    }),
  );
  await kick();
  for (const m of monitors) expect(await groupOf(m.id)).toBe(GROUP);
  expect((await group().inspect()).members).toHaveLength(monitors.length);
  await runDue(group());
  // Its own slot passes while probing is still off, so it checks nothing the test would count.
  await clearOfOwnSlot(group());
  await pinFlags({ probing: true });
  await kick();
}

/**
 * A run of the group as its slot would make one: every member is due (the
 * last run is moved back before any slot). The first run after an
 * assignment is due by itself.
 */
async function runAll(): Promise<void> {
  await makeDue(group());
  await runDue(group());
}

/** When the page last heard from the group. */
async function groupReportedAt(): Promise<number> {
  return runInDurableObject(
    pageObject(),
    (_instance: StatusPage, state) =>
      state.storage.sql
        .exec<{ at: number | null }>(`SELECT last_report_at AS at FROM probe_groups WHERE name = ?`, GROUP)
        .one().at ?? 0,
  );
}

async function samplesIn(stub: DurableObjectStub<Monitor>): Promise<Map<string, StoredSample[]>> {
  return runInDurableObject(stub, (_instance, state) => {
    const now = Date.now();
    return samplesOf(state.storage.sql, now - 48 * 3_600_000, now);
  });
}

pinFlagsForFile({ probing: false, automatic_incidents: false });

describe("a probe group's storage", () => {
  it("keeps every sample, each monitor's memory and its schedule across a restart", async () => {
    const ids = ["keep-a", "keep-b", "keep-c"];
    await placeInOneGroup(ids.map((id) => ({ id, url: targetUrl("/healthy"), intervalSeconds: HOURLY })));
    for (let i = 0; i < 3; i++) await runAll();
    const memoriesOf = async () => Promise.all(ids.map(async (id) => (await group().inspectMonitor(id)).memory));
    const samples = await samplesIn(group());
    for (const id of ids) expect(samples.get(id), id).toHaveLength(3);
    const memories = await memoriesOf();
    expect(memories.map((m) => m?.state)).toEqual(["up", "up", "up"]);
    const alarm = await runInDurableObject(group(), (_instance, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();

    await restart(group());
    expect(await samplesIn(group())).toEqual(samples);
    expect(await memoriesOf()).toEqual(memories);
    expect(await runInDurableObject(group(), (_instance, state) => state.storage.getAlarm())).toBe(alarm);

    // Checked again after it: the new samples join the old ones.
    await runAll();
    const after = await samplesIn(group());
    for (const id of ids) {
      expect(after.get(id)?.slice(0, 3)).toEqual(samples.get(id));
      expect(after.get(id)).toHaveLength(4);
    }
  });

  /*
   * A group of GROUP_SIZE monitors, one of them a target that fails its first
   * four checks and then answers (down at once, up at once). After three runs
   * every streak is at its cap (decision 0038): a run whose checks change no
   * monitor's memory writes the run's row, the last-run time and its alarm;
   * a run in which one monitor changes state writes its memory too, and the
   * run that sends the five-minute report the report's time.
   */
  it("writes three rows for a run of twenty steady checks, one more for a change of state or the five-minute report", async () => {
    const warmup = 4;
    const monitors: MonitorInput[] = Array.from({ length: GROUP_SIZE - 1 }, (_, i) => ({
      id: `rows-${String(i).padStart(2, "0")}`,
      url: targetUrl("/healthy"),
      intervalSeconds: HOURLY,
    }));
    monitors.push({
      id: "rows-flaky",
      url: targetUrl(`/flaky/rows-${run}/${warmup}`),
      intervalSeconds: HOURLY,
      failuresToDown: 1,
      successesToUp: 1,
    });
    await placeInOneGroup(monitors);
    const meter = await meterRows(group());
    /** Rows written by one run, setAlarm included; a count that is off says which statements wrote. */
    const measured = async (expected: number, before: () => Promise<void> = () => makeDue(group())) => {
      await before();
      meter.reset();
      await runDue(group());
      const { rowsWritten, setAlarms, writers } = meter.count();
      expect(rowsWritten + setAlarms, JSON.stringify({ writers, setAlarms })).toBe(expected);
      return rowsWritten + setAlarms;
    };

    for (let i = 0; i < warmup - 1; i++) await runAll();
    // Run 4: nineteen up, the flaky one still down; nobody's memory changes.
    await measured(3);
    expect((await group().inspectMonitor("rows-flaky")).memory?.state).toBe("down");
    // Run 5: the flaky one answers and comes back up: its memory is written, nothing else more.
    await measured(4);
    expect((await group().inspectMonitor("rows-flaky")).memory?.state).toBe("up");
    // Runs 6 and 7: all twenty up and steady.
    for (const rows of [await measured(3), await measured(3)]) expect(rows / GROUP_SIZE).toBeLessThan(0.2);
    // Run 8: five minutes since the last report (moved back rather than waited for): everyone's latency goes.
    const reportDue = async () => {
      await makeDue(group());
      await runInDurableObject(group(), (_instance, state) => {
        state.storage.sql.exec(
          `UPDATE meta SET value = CAST(value AS INTEGER) - ? WHERE key = 'last_report_at'`,
          REPORT_EVERY_MS,
        );
      });
    };
    const reportsBefore = await groupReportedAt();
    await measured(4, reportDue);
    expect(await groupReportedAt()).toBeGreaterThan(reportsBefore);
  }, 180_000);

  it("starts every healthy check before a target that hung last time", async () => {
    const hangKey = `lanes-${run}`;
    // First by id, so without the slow lane it would take one of the six connections first.
    const hanging: MonitorInput = {
      id: "lanes-a-hang",
      url: targetUrl(`/hang/${hangKey}`),
      intervalSeconds: HOURLY,
      timeoutMs: 1_000,
    };
    // Ten prompt ones, each taking 50 ms: more than six connections' worth, so some wait for a free one.
    const healthy: MonitorInput[] = Array.from({ length: 10 }, (_, i) => ({
      id: `lanes-b-${i}`,
      url: targetUrl("/slow-headers/50"),
      intervalSeconds: HOURLY,
    }));
    await placeInOneGroup([hanging, ...healthy]);
    const latest = async () => {
      const samples = await samplesIn(group());
      const last = (id: string) => samples.get(id)?.at(-1) as StoredSample;
      return { hang: last(hanging.id), healthy: healthy.map((m) => last(m.id)) };
    };

    // Run 1: nothing is known to be slow; the hanging check starts first, as its id comes first.
    await runAll();
    const first = await latest();
    expect(first.hang.summary).toBe("timeout after 1000 ms");
    expect(first.healthy.filter((s) => s.at < first.hang.at)).toEqual([]);
    expect(first.healthy.filter((s) => s.at > first.hang.at).length).toBeGreaterThan(0);
    expect((await group().inspectMonitor(hanging.id)).slow).toBe(true);
    for (const m of healthy) expect((await group().inspectMonitor(m.id)).slow, m.id).toBe(false);

    // Run 2: it waits in the slow lane until every healthy check has started.
    await runAll();
    const second = await latest();
    expect(second.hang.at).toBeGreaterThan(first.hang.at);
    expect((await targetStats("hang", hangKey))?.requests).toBe(2);
    expect(second.healthy.every((s) => s.outcome === "up" && s.at > first.hang.at)).toBe(true);
    expect(second.healthy.filter((s) => s.at > second.hang.at)).toEqual([]);
  }, 60_000);

  it("counts a check that started just after midnight in that day's roll-up, though its run's slot came before", async () => {
    // A scratch object: the functions a group rolls up with, on rows as a run writes them.
    const stub = monitorObject(env, `rollup-edge-${run}`, "default");
    const rollups = await runInDurableObject(stub, (_instance, state) => {
      const sql = state.storage.sql;
      const yesterday = startOfUtcDay(Date.now()) - DAY_MS;
      const sample = (at: number): StoredSample => ({
        at,
        outcome: "down",
        latencyMs: 12,
        statusCode: 503,
        state: "down",
        summary: "unexpected status 503 (expected 2xx)",
      });
      // The slot came 2 s before midnight; the alarm, late, started the check 3 s after it.
      writeRun(sql, yesterday - 2_000, [pack("edge", sample(yesterday + 3_000))]);
      writeRun(sql, yesterday + 60_000, [pack("edge", sample(yesterday + 60_000))]);
      const member = {
        monitorId: "edge",
        region: "default",
        config: { intervalSeconds: 60 } as MonitorConfig,
        memory: null,
        slow: false,
        watchingSince: null,
        lastPingAt: null,
        reportFrom: 0,
        unsent: null,
        handedAt: null,
        provider: null,
      };
      return rollUp(sql, [member], yesterday, Date.now()).get("edge") ?? [];
    });
    expect(rollups.map((r) => [r.checks, r.downChecks])).toEqual([[2, 2]]);
  });
});
