import { DurableObject } from "cloudflare:workers";
import type { GroupAssignment, Handover, StoredSample } from "../../worker/core/monitors/handover.ts";
import { judgeHeartbeat, wasAway } from "../../worker/core/monitors/heartbeat.ts";
import { CONNECTIONS_PER_RUN, inLaneOrder, isSlow, runInOrder } from "../../worker/core/monitors/lanes.ts";
import type { MonitorConfig } from "../../worker/core/monitors/monitor-config.ts";
import { type MonitorReport, REPORT_EVERY_MS } from "../../worker/core/monitors/monitor-report.ts";
import { lastSlotAt, nextRunAt, phaseOf } from "../../worker/core/monitors/schedule.ts";
import { advance, initialMemory, type MonitorMemory } from "../../worker/core/monitors/state-machine.ts";
import type { ProbeResult } from "../../worker/core/probes/probe-result.ts";
import type { ProviderMemory } from "../../worker/core/providers/provider-observation.ts";
import { startOfUtcDay } from "../../worker/core/uptime.ts";
import { log, setLogLevel } from "../../worker/platform/log.ts";
import { monitorObject, statusPageStub } from "../../worker/platform/stubs.ts";
import { meterCosts } from "../shared/cost-meter.ts";
import { readMeta, runMigrations, writeMeta } from "../shared/sql.ts";
import { insertMember, type Member, readMember, readMembers, updateMember } from "./members.ts";
import { runHttpProbe } from "./probe-http.ts";
import { runStatuspageProbe } from "./probe-statuspage.ts";
import { runTcpProbe } from "./probe-tcp.ts";
import { memberReport, type RunNews, rollUp, samplesOf } from "./reports.ts";
import { forgetStaleRuns, pack, SAMPLE_WINDOW_MS, storeHandedOver, writeRun } from "./runs.ts";
import { MONITOR_MIGRATIONS } from "./schema.ts";

export { SAMPLE_WINDOW_MS };

/** One member's check in a run: its result (null: no data) and, for a statuspage monitor, its provider memory after it. */
interface CheckOutcome {
  member: Member;
  result: ProbeResult | null;
  provider?: ProviderMemory;
}

/** A new monitor's first check comes within this long of its assignment, then on its slots. */
const FIRST_CHECK_WITHIN_MS = 10_000;

/** One monitor as inspect() shows it: what tests and the benchmark look at. */
export interface MonitorInspection {
  monitorId: string | null;
  region: string | null;
  memory: MonitorMemory | null;
  slow: boolean;
  /** The object's alarm: when its next run is. */
  nextCheckAt: number | null;
  /** Its samples stored now (48 h). */
  samples: number;
  storageBytes: number;
}

export interface GroupInspection {
  name: string | null;
  members: string[];
  nextCheckAt: number | null;
  runs: number;
  storageBytes: number;
}

/**
 * A probe group: checks the monitors the StatusPage object assigned to it
 * (up to GROUP_SIZE of one region; a heartbeat monitor alone) on one alarm,
 * each on its own slots, with its own deadline, at most 6 at a time, slow
 * ones last (worker/core/monitors/lanes.ts). Each run's samples are one row;
 * each monitor's state machine runs here; the StatusPage hears transitions at
 * once and everything else in one batched report every few minutes
 * (decision 0038).
 */
export class Monitor extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    setLogLevel(env.LOG_LEVEL);
    this.ctx = meterCosts(this, this.ctx, "Monitor");
    this.ctx.blockConcurrencyWhile(async () => {
      runMigrations(this.ctx.storage, MONITOR_MIGRATIONS);
    });
  }

  /**
   * Makes this object check exactly these monitors. A monitor that moved here
   * is first taken over from the object that held it (its memory, samples and
   * unsent report). Calling it again with the same assignment changes nothing.
   */
  async assign(name: string, assignment: GroupAssignment): Promise<{ members: number; nextCheckAt: number | null }> {
    const sql = this.ctx.storage.sql;
    let added = 0;
    for (const { monitor, region, movedFrom } of assignment.members) {
      const here = readMember(sql, monitor.id);
      if (!movedFrom || movedFrom === name || (here && here.handedAt === null)) continue;
      const handover = await monitorObject(this.env, movedFrom, region).handOver(monitor.id);
      // Kept at once, replacing what this object kept of it from before (it comes back after a move away).
      this.ctx.storage.transactionSync(() => {
        this.#forget(monitor.id);
        this.#takeOver(monitor, region, handover, Date.now());
      });
      added++;
    }
    const now = Date.now();
    added += this.ctx.storage.transactionSync(() => {
      if (readMeta(sql, "name") !== name) writeMeta(sql, "name", name);
      if (readMeta(sql, "rolled_until") === undefined) writeMeta(sql, "rolled_until", String(startOfUtcDay(now)));
      const probing = assignment.probing ? "1" : "0";
      if (readMeta(sql, "probing") !== probing) writeMeta(sql, "probing", probing);
      // A monitor moving to another object stays (and is checked) until that one has taken it over.
      const kept = new Set([...assignment.members.map((m) => m.monitor.id), ...assignment.leaving]);
      for (const { monitor_id } of sql.exec<{ monitor_id: string }>(`SELECT monitor_id FROM members`).toArray()) {
        if (!kept.has(monitor_id)) this.#forget(monitor_id);
      }
      let added = 0;
      for (const { monitor, region } of assignment.members) {
        const existing = readMember(sql, monitor.id);
        // Handed over, then back with no move in between (the move was undone): checked here again.
        if (existing?.handedAt) updateMember(sql, monitor.id, "handed_at", null);
        if (existing) {
          if ((existing.config.kind === "statuspage") !== (monitor.kind === "statuspage")) {
            // A provider's reading and a check of your own say different things: neither carries over to the other.
            updateMember(sql, monitor.id, "provider", null);
            updateMember(sql, monitor.id, "memory", null);
          }
          if (existing.config.intervalSeconds !== monitor.intervalSeconds) {
            // A heartbeat's silence counts from the change, not from calls expected on the old interval.
            updateMember(sql, monitor.id, "watching_since", now);
          }
          updateMember(sql, monitor.id, "config", JSON.stringify(monitor));
          continue;
        }
        added++;
        this.#takeOver(monitor, region, null, now);
      }
      return added;
    });
    const members = readMembers(sql);
    if (members.length === 0) {
      await this.ctx.storage.deleteAlarm();
      return { members: 0, nextCheckAt: null };
    }
    const due = this.#nextRunAt(members, name, now);
    const first = added > 0 ? now + (phaseOf(name, FIRST_CHECK_WITHIN_MS) % FIRST_CHECK_WITHIN_MS) : due;
    const current = await this.ctx.storage.getAlarm();
    const wanted = Math.min(first, due);
    if (current === null || current > wanted) await this.ctx.storage.setAlarm(wanted);
    return { members: members.length, nextCheckAt: current === null ? wanted : Math.min(current, wanted) };
  }

  /** Drops a monitor and what it handed over here; its samples in `runs` age out with the rows. */
  #forget(monitorId: string): void {
    this.ctx.storage.sql.exec(`DELETE FROM members WHERE monitor_id = ?`, monitorId);
    this.ctx.storage.sql.exec(`DELETE FROM handed_over WHERE monitor_id = ?`, monitorId);
  }

  #takeOver(monitor: MonitorConfig, region: string, handover: Handover | null, now: number): void {
    const sql = this.ctx.storage.sql;
    // Memory of a provider's reading (it came with one) is no memory of a check of your own, and the reverse.
    const sameWord = (handover?.provider != null) === (monitor.kind === "statuspage") || !handover?.memory;
    insertMember(sql, {
      monitorId: monitor.id,
      region,
      config: monitor,
      memory: sameWord ? (handover?.memory ?? null) : null,
      slow: handover?.slow ?? false,
      // A heartbeat's silence counts from here unless it was heard from before (it was no heartbeat then).
      watchingSince: handover?.lastPingAt != null ? handover.watchingSince : now,
      lastPingAt: handover?.lastPingAt ?? null,
      // Reported from its old holder's last report; a new monitor has nothing before the group's next one.
      reportFrom: handover?.lastReportAt ?? 0,
      unsent: handover?.unsent ?? null,
      handedAt: null,
      provider: monitor.kind === "statuspage" ? (handover?.provider ?? null) : null,
    });
    if (!handover || handover.samples.length === 0) return;
    storeHandedOver(sql, monitor.id, handover.samples);
  }

  /**
   * Gives one monitor up to the object taking it over: its memory, its
   * samples of the last 48 h and anything not yet reported. It is no longer
   * checked here, but kept: asked again (the answer was lost on its way), it
   * answers the same; it is dropped once the page no longer lists it as
   * leaving, or after 48 h. Null when this object does not hold it.
   */
  async handOver(monitorId: string): Promise<Handover | null> {
    const sql = this.ctx.storage.sql;
    const now = Date.now();
    const handover = this.ctx.storage.transactionSync((): Handover | null => {
      const member = readMember(sql, monitorId);
      if (!member) return null;
      const until = member.handedAt ?? now;
      const samples: StoredSample[] = samplesOf(sql, until - SAMPLE_WINDOW_MS, until).get(monitorId) ?? [];
      // Finished days not rolled up here yet go with it as an unsent report: the new holder rolls up only
      // from the day it began (a move just after midnight, before this object's first run of the day).
      const rolledUntil = Number(readMeta(sql, "rolled_until") ?? 0);
      const rollups =
        rolledUntil < startOfUtcDay(until) ? (rollUp(sql, [member], rolledUntil, until).get(monitorId) ?? []) : [];
      const unsent =
        rollups.length > 0
          ? (memberReport(member, until, { transition: null, rollups }, null) ?? member.unsent)
          : member.unsent;
      if (member.handedAt === null) updateMember(sql, monitorId, "handed_at", now);
      return {
        monitorId,
        region: member.region,
        memory: member.memory,
        samples,
        lastReportAt: member.reportFrom > 0 ? member.reportFrom : Number(readMeta(sql, "last_report_at") ?? 0),
        watchingSince: member.watchingSince,
        lastPingAt: member.lastPingAt,
        unsent,
        slow: member.slow,
        provider: member.provider,
      };
    });
    if (handover && readMembers(sql).length === 0) await this.ctx.storage.deleteAlarm();
    if (handover) log.info("monitor.handed_over", { monitorId, samples: handover.samples.length });
    return handover;
  }

  /** A heartbeat monitor's job checked in. */
  async heartbeat(monitorId: string): Promise<void> {
    updateMember(this.ctx.storage.sql, monitorId, "last_ping_at", Date.now());
  }

  async inspect(): Promise<GroupInspection> {
    const sql = this.ctx.storage.sql;
    return {
      name: readMeta(sql, "name") ?? null,
      members: readMembers(sql).map((m) => m.monitorId),
      nextCheckAt: await this.ctx.storage.getAlarm(),
      runs: sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM runs`).one().n,
      storageBytes: sql.databaseSize,
    };
  }

  async inspectMonitor(monitorId: string): Promise<MonitorInspection> {
    const sql = this.ctx.storage.sql;
    // One handed over is no longer this object's to check.
    const held = readMember(sql, monitorId);
    const member = held?.handedAt === null ? held : null;
    const now = Date.now();
    return {
      monitorId: member?.monitorId ?? null,
      region: member?.region ?? null,
      memory: member?.memory ?? null,
      slow: member?.slow ?? false,
      nextCheckAt: member ? await this.ctx.storage.getAlarm() : null,
      samples: samplesOf(sql, now - SAMPLE_WINDOW_MS, now).get(monitorId)?.length ?? 0,
      storageBytes: sql.databaseSize,
    };
  }

  /** The earliest slot after `now` of any member. */
  #nextRunAt(members: readonly Member[], name: string, now: number): number {
    return Math.min(
      ...members.map((m) => {
        const intervalMs = m.config.intervalSeconds * 1000;
        return nextRunAt(now, intervalMs, phaseOf(name, intervalMs));
      }),
    );
  }

  override async alarm(): Promise<void> {
    const sql = this.ctx.storage.sql;
    const name = readMeta(sql, "name");
    const members = readMembers(sql);
    if (!name || members.length === 0) return;
    const now = Date.now();
    // Book the next run before checking: if the object dies mid-check, the next run still comes.
    await this.ctx.storage.setAlarm(this.#nextRunAt(members, name, now));
    const lastRunAt = Number(readMeta(sql, "last_run_at") ?? 0);
    const slotOf = (m: Member) => {
      const intervalMs = m.config.intervalSeconds * 1000;
      return lastSlotAt(now, intervalMs, phaseOf(name, intervalMs));
    };
    const due = members.filter((m) => m.memory === null || slotOf(m) > lastRunAt);
    if (due.length === 0) return;
    if (readMeta(sql, "probing") === "0") {
      log.debug("monitor.skipped", { group: name, reason: "probing flag is off" });
      return;
    }
    for (const m of due) {
      const intervalMs = m.config.intervalSeconds * 1000;
      const missed = nextRunAt(lastRunAt, intervalMs, phaseOf(name, intervalMs));
      if (m.config.kind === "heartbeat" && lastRunAt > 0 && wasAway(now, missed, m.config.graceSeconds * 1000)) {
        // Lookout was not running (this slot's alarm came that late): calls made meanwhile were never heard.
        updateMember(sql, m.monitorId, "watching_since", now);
        m.watchingSince = now;
        log.info("monitor.resumed", { monitorId: m.monitorId, region: m.region, awayMs: now - missed });
      }
    }
    const results = await runInOrder(inLaneOrder(due), CONNECTIONS_PER_RUN, (m) => this.#check(m, now));
    const slotAt = Math.max(...members.map(slotOf));
    const reports = this.ctx.storage.transactionSync(() => this.#record(members, results, slotAt, now));
    if (reports.length > 0) await this.#send(name, reports, now);
  }

  async #check(member: Member, now: number): Promise<CheckOutcome> {
    const monitor = member.config;
    switch (monitor.kind) {
      case "http":
        return { member, result: await runHttpProbe(monitor) };
      case "tcp":
        return { member, result: await runTcpProbe(monitor) };
      case "heartbeat": {
        const intervalMs = monitor.intervalSeconds * 1000;
        const result = judgeHeartbeat(
          now,
          member.lastPingAt,
          member.watchingSince ?? now,
          intervalMs,
          monitor.graceSeconds * 1000,
        );
        return { member, result };
      }
      case "statuspage": {
        const reading = await runStatuspageProbe(monitor, member.provider);
        return { member, result: reading.result, provider: reading.memory };
      }
    }
  }

  /**
   * Stores the run, advances each checked monitor's state machine, rolls up
   * finished days, and returns the reports the StatusPage must hear now.
   */
  #record(checked: readonly Member[], results: readonly CheckOutcome[], slotAt: number, now: number): MonitorReport[] {
    const sql = this.ctx.storage.sql;
    const news = new Map<string, RunNews>();
    const packed = [];
    // Handed over or dropped while its check was under way: the object that holds it now records it.
    const held = new Set(readMembers(sql).map((m) => m.monitorId));
    const members = checked.filter((m) => held.has(m.monitorId));
    for (const { member, result, provider } of results) {
      if (!held.has(member.monitorId)) continue;
      // A provider's page read (or not): kept when it changed, and reported at once when what it says did.
      const providerNews = provider !== undefined && this.#keepProvider(member, provider);
      if (providerNews) news.set(member.monitorId, { transition: null, rollups: [], provider: true });
      // No data (a heartbeat's watch has only just begun, a provider's page says nothing usable): no sample, no state change.
      if (!result) continue;
      const memory = member.memory ?? initialMemory(result.at);
      const { memory: next, transition } = advance(memory, result, member.config);
      if (member.memory === null || JSON.stringify(next) !== JSON.stringify(memory)) {
        updateMember(sql, member.monitorId, "memory", JSON.stringify(next));
      }
      member.memory = next;
      const slow = member.config.kind !== "heartbeat" && isSlow(result);
      if (slow !== member.slow) updateMember(sql, member.monitorId, "slow", slow ? 1 : 0);
      packed.push(pack(member.monitorId, { ...result, state: next.state }));
      if (transition) {
        log.info("monitor.transition", {
          monitorId: member.monitorId,
          region: member.region,
          from: transition.from,
          to: transition.to,
        });
      }
      news.set(member.monitorId, { transition, rollups: [], provider: providerNews });
    }
    writeRun(sql, slotAt, packed);
    writeMeta(sql, "last_run_at", String(now));
    this.#rollUpFinishedDays(members, news, now);

    const lastReport = Number(readMeta(sql, "last_report_at") ?? 0);
    const full = now - lastReport >= REPORT_EVERY_MS;
    // Up to now, past this run's checks (they started after the run did).
    const end = Date.now();
    const windows = full ? samplesOf(sql, lastReport, end) : null;
    const reports: MonitorReport[] = [];
    for (const member of members) {
      const mine = news.get(member.monitorId) ?? { transition: null, rollups: [] };
      const early =
        mine.transition !== null || mine.rollups.length > 0 || mine.provider === true || member.unsent !== null;
      if (!full && !early) continue;
      // From its last report: the group's, or where it joined (its old holder's last report) until it is in one.
      const from = member.reportFrom > 0 ? member.reportFrom : lastReport;
      const latency = windows
        ? { from: from || now, samples: windows.get(member.monitorId)?.filter((s) => s.at > from) ?? [] }
        : null;
      const report = memberReport(member, end, mine, latency);
      if (report) reports.push(report);
    }
    return reports;
  }

  /** Stores a provider's memory when it changed; true when what it observed changed (news for the page). */
  #keepProvider(member: Member, provider: ProviderMemory): boolean {
    const before = member.provider;
    if (before !== null && JSON.stringify(before) === JSON.stringify(provider)) return false;
    updateMember(this.ctx.storage.sql, member.monitorId, "provider", JSON.stringify(provider));
    member.provider = provider;
    if (before !== null && before.source !== provider.source) {
      // It follows another page, or other components, now: what it knew of the old ones says nothing of these.
      updateMember(this.ctx.storage.sql, member.monitorId, "memory", null);
      member.memory = null;
    }
    return JSON.stringify(before?.observation ?? null) !== JSON.stringify(provider.observation);
  }

  /** On the first run of a UTC day, the days before it are rolled up and go with the next report. */
  #rollUpFinishedDays(members: readonly Member[], news: Map<string, RunNews>, now: number): void {
    const sql = this.ctx.storage.sql;
    const today = startOfUtcDay(now);
    const rolledUntil = Number(readMeta(sql, "rolled_until") ?? 0);
    if (rolledUntil >= today) return;
    for (const [monitorId, rollups] of rollUp(sql, members, rolledUntil, now)) {
      const entry = news.get(monitorId) ?? { transition: null, rollups: [] };
      entry.rollups.push(...rollups);
      news.set(monitorId, entry);
    }
    writeMeta(sql, "rolled_until", String(today));
    forgetStaleRuns(sql, now);
    // Monitors handed over two days ago: whoever took them has had every chance to ask again.
    for (const { monitor_id } of sql
      .exec<{ monitor_id: string }>(`SELECT monitor_id FROM members WHERE handed_at < ?`, now - SAMPLE_WINDOW_MS)
      .toArray()) {
      this.#forget(monitor_id);
    }
  }

  /** One RPC for the whole group. A report the StatusPage did not take is kept with its monitor and sent with the next. */
  async #send(name: string, reports: MonitorReport[], now: number): Promise<void> {
    const sql = this.ctx.storage.sql;
    const full = now - Number(readMeta(sql, "last_report_at") ?? 0) >= REPORT_EVERY_MS;
    try {
      await statusPageStub(this.env).reportMonitors(name, reports);
      this.ctx.storage.transactionSync(() => {
        if (full) writeMeta(sql, "last_report_at", String(now));
        for (const report of reports) {
          updateMember(sql, report.monitorId, "unsent", null);
          // Its latency went with the group's: from now on it is reported from the group's last report.
          if (report.latency) updateMember(sql, report.monitorId, "report_from", 0);
        }
      });
    } catch (error) {
      this.ctx.storage.transactionSync(() => {
        for (const report of reports) updateMember(sql, report.monitorId, "unsent", JSON.stringify(report));
      });
      log.warn("monitor.report_failed", { group: name, monitors: reports.length, error });
    }
  }
}
