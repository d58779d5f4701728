/**
 * The health checker's figures of docs/budgets.md ("The health checker"):
 *
 *   4. 1,000 monitors at 60 s against a local target answering in 200 ms, plus
 *      10 whose target hangs: share of slots checked within ±5 s, and whether
 *      a hanging target held up anyone else (healthy monitors sharing a probe
 *      group with a hanging one against those in groups without)
 *   5. 100 monitors at 10 s: the same share
 *   6. storage of one probe group after 48 h of runs (20 monitors at 10 s, the
 *      densest; CPU per check comes with 4 and 5, from workerd's /proc counters)
 *   7. what a probe group's batched report and a snapshot rebuild cost the
 *      StatusPage object once 48 h of 1,000 monitors' latency are stored
 *
 * Each scenario runs the built Worker in a fresh workerd (Miniflare), applies
 * its config with the StatusPage object's reconcile() RPC (never tick(), which
 * would re-apply the bundled lookout.config.ts), lets the object's alarm kick
 * the probe groups as in production, and after a warm-up measures a window
 * of BENCH_MONITOR_MINUTES minutes. A monitor is checked by the Monitor object
 * the StatusPage placed it in (monitor_instances.probe_group, decision 0038);
 * its slots are `phaseOf(group, interval) + k × interval`
 * (worker/core/monitors/schedule.ts). A check's time is its sample's `at` in
 * that group's `runs` table (one row per run, every monitor's sample of it),
 * which is when the probe started. The targets run in a worker thread of this
 * process (bench/target-thread.ts) and record when each request arrived, a
 * second view of the same schedule.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { defineConfig, type LookoutConfig } from "../worker/config/define-config.ts";
import { runInOrder } from "../worker/core/monitors/lanes.ts";
import { type MonitorReport, REPORT_EVERY_MS } from "../worker/core/monitors/monitor-report.ts";
import { GROUP_SIZE } from "../worker/core/monitors/probe-groups.ts";
import { phaseOf } from "../worker/core/monitors/schedule.ts";
import { type Call, type GroupInspection, type RunningWorker, startWorker } from "./harness.ts";
import { machineCpu, processCpu, processCpuMs, processRssMb } from "./proc.ts";
import { changeImpact, declareResolved } from "./reference.ts";
import { count, quantile, type Row, verdict } from "./stats.ts";
import { startTargets, type Targets } from "./targets.ts";

const PAGE_OBJECT = "page";
const REGION = "default";
/** A check counts as on time within this much of its slot (docs/budgets.md). */
const TOLERANCE_MS = 5_000;
/** The healthy target's answer time (docs/budgets.md: a slow local target). */
const TARGET_DELAY_MS = 200;
/** A probe group's first run comes within 10 s of a monitor joining it (Monitor.assign), then on its slots. */
const FIRST_CHECK_WITHIN_MS = 10_000;
/** Reads of probe groups' SQLite in flight at once after a window. */
const READ_CONCURRENCY = 8;

export interface MonitorBenchSettings {
  /** The measured window of each scenario. */
  minutes: number;
  /** Whether probe groups stay in memory between runs, or follow workerd's default (evicted after 10 s idle). */
  eviction: "allow" | "prevent";
  /** Healthy monitors at 60 s (1,000 in the budget; smaller for a smoke run). */
  monitorsAt60s: number;
  /** Also run figure 4 again with the hanging monitors' targets answering (one more window). */
  control: boolean;
  /**
   * Which parts run: "60s" (figure 4), "10s" (5), "storage" (6), "reports" (7); "mixed" (5b, only
   * when named) puts a 60 s monitor whose target hangs for 30 s in each group of 10 s monitors.
   */
  parts: Set<string>;
  /** A directory to write each scenario's samples and target arrivals to, as JSON; null for none. */
  dump: string | null;
}

const PARTS = ["60s", "10s", "storage", "reports", "mixed"] as const;
const DEFAULT_PARTS = ["60s", "10s", "storage", "reports"] as const;

export function monitorSettings(env: NodeJS.ProcessEnv = process.env): MonitorBenchSettings {
  const minutes = Number(env.BENCH_MONITOR_MINUTES ?? 5);
  const monitorsAt60s = Number(env.BENCH_MONITOR_COUNT ?? 1000);
  if (!(minutes > 0))
    throw new Error(`BENCH_MONITOR_MINUTES must be a positive number, not "${env.BENCH_MONITOR_MINUTES}"`);
  if (!(monitorsAt60s >= 1))
    throw new Error(`BENCH_MONITOR_COUNT must be at least 1, not "${env.BENCH_MONITOR_COUNT}"`);
  const eviction = env.BENCH_MONITOR_EVICTION ?? "allow";
  if (eviction !== "allow" && eviction !== "prevent") {
    throw new Error(`BENCH_MONITOR_EVICTION must be "allow" or "prevent", not "${eviction}"`);
  }
  const parts = new Set((env.BENCH_MONITOR_PARTS ?? DEFAULT_PARTS.join(",")).split(",").map((part) => part.trim()));
  for (const part of parts) {
    if (!(PARTS as readonly string[]).includes(part)) {
      throw new Error(`BENCH_MONITOR_PARTS takes a list of ${PARTS.join(", ")}, not "${part}"`);
    }
  }
  return {
    minutes,
    eviction,
    monitorsAt60s: Math.round(monitorsAt60s),
    control: env.BENCH_MONITOR_CONTROL === "1",
    parts,
    dump: env.BENCH_MONITOR_DUMP ? resolve(env.BENCH_MONITOR_DUMP) : null,
  };
}

interface Scenario {
  figure: string;
  /** Its name in BENCH_MONITOR_PARTS. */
  part: (typeof PARTS)[number];
  /** Monitor ids are `${prefix}-0001`…, a hanging one's `${prefix}-0001-hang-1` (bench/monitors.ts layout). */
  prefix: string;
  healthy: number;
  intervalSeconds: number;
  hangers: number;
  hangTimeoutMs: number;
  /** The hanging monitors' interval, when not the healthy ones'. */
  hangIntervalSeconds?: number;
  /** How the hanging monitors are spread over groups (HANGERS_PER_GROUP unless given). */
  hangersPerGroup?: readonly number[];
  /**
   * A rerun of figure 4 whose "hanging" monitors' targets answer: the same ids, so the same
   * probe groups and slots, to compare the groups that held a hanging target.
   */
  control?: boolean;
}

type Progress = (message: string) => void;

interface Check {
  at: number;
  outcome: string;
  latencyMs: number;
}

interface Series {
  id: string;
  hang: boolean;
  /** The probe group that checks it. */
  group: string;
  /** Its group holds a hanging monitor (in a control run: would have). */
  sharesWithHanger: boolean;
  phase: number;
  intervalMs: number;
  checks: Check[];
}

/** One slot a monitor should have been checked at, and how far from it the check came (null: no check within ±5 s). */
interface SlotRecord {
  id: string;
  hang: boolean;
  sharesWithHanger: boolean;
  slot: number;
  deviation: number | null;
}

// ---------------------------------------------------------------- analysis

const percent = (ratio: number) => (Number.isNaN(ratio) ? "n/a" : `${(ratio * 100).toFixed(2)} %`);
const seconds = (ms: number) => (Number.isNaN(ms) ? "n/a" : `${(ms / 1000).toFixed(1)} s`);
const millis = (ms: number) =>
  Number.isNaN(ms) ? "n/a" : Math.abs(ms) >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
const maximum = (values: readonly number[]) => values.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
const signed = (ms: number) => `${ms < 0 ? "−" : "+"}${millis(Math.abs(ms))}`;
/** p50 / p99 / max. */
const spread = (values: readonly number[]) =>
  values.length === 0 ? "n/a" : `${millis(quantile(values, 0.5))} / ${tail(values)}`;
/** p99 / max. */
const tail = (values: readonly number[]) =>
  values.length === 0 ? "n/a" : `${millis(quantile(values, 0.99))} / ${millis(maximum(values))}`;

/** Slots `phase + k × interval` in [from, to). */
function slotsIn(phase: number, intervalMs: number, from: number, to: number): number[] {
  const slots: number[] = [];
  for (let slot = phase + Math.ceil((from - phase) / intervalMs) * intervalMs; slot < to; slot += intervalMs) {
    slots.push(slot);
  }
  return slots;
}

/**
 * Matches checks to slots: a check within ±5 s of a slot is that slot's; a
 * second one for the same slot is a duplicate (alarms are at-least-once); a
 * slot without one was missed or checked late.
 */
function matchSlots(
  series: Series,
  from: number,
  to: number,
): { records: SlotRecord[]; duplicates: string[]; offSlot: string[] } {
  const { phase, intervalMs } = series;
  const hits = new Map<number, number>();
  const duplicates: string[] = [];
  const offSlot: string[] = [];
  for (const check of series.checks) {
    const nearest = phase + Math.round((check.at - phase) / intervalMs) * intervalMs;
    if (Math.abs(check.at - nearest) > TOLERANCE_MS) {
      // A check in the window that belongs to no slot: late past the tolerance, or not scheduled by slot.
      if (check.at >= from && check.at < to) offSlot.push(`${series.id} ${millis(check.at - nearest)} from a slot`);
      continue;
    }
    if (nearest < from || nearest >= to) continue;
    const first = hits.get(nearest);
    if (first === undefined) hits.set(nearest, check.at - nearest);
    else duplicates.push(`${series.id} at slot ${signed(first)} and ${signed(check.at - nearest)}`);
  }
  const records = slotsIn(phase, intervalMs, from, to).map((slot) => ({
    id: series.id,
    hang: series.hang,
    sharesWithHanger: series.sharesWithHanger,
    slot,
    deviation: hits.get(slot) ?? null,
  }));
  return { records, duplicates, offSlot };
}

/**
 * How late each check in [from, to) started after the slot before it. A
 * second of slack counts a check that fires a hair early as on its slot
 * rather than a whole interval late.
 */
function lateness(series: Series, from: number, to: number): number[] {
  const { phase, intervalMs } = series;
  return series.checks
    .filter((check) => check.at >= from && check.at < to)
    .map((check) => check.at - (phase + Math.floor((check.at + 1_000 - phase) / intervalMs) * intervalMs));
}

function share(records: readonly SlotRecord[]): { onTime: number; slots: number; ratio: number } {
  const onTime = records.filter((r) => r.deviation !== null).length;
  return { onTime, slots: records.length, ratio: records.length === 0 ? Number.NaN : onTime / records.length };
}

// ---------------------------------------------------------------- running

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

async function sleepUntil(at: number, progress: Progress, say?: () => Promise<string>): Promise<void> {
  for (;;) {
    const left = at - Date.now();
    if (left <= 0) return;
    await sleep(Math.min(left, 30_000));
    if (say && at - Date.now() > 1_000) progress(await say());
  }
}

/** Runs `work` over `items`, `concurrency` at a time. */

/** Counts what workerd logs by event, shows the first few of each, and keeps the table readable. */
class LogTally {
  readonly counts = new Map<string, number>();
  readonly progress: Progress;
  constructor(progress: Progress) {
    this.progress = progress;
  }
  readonly onLog = (level: string, message: string): boolean => {
    let key = message.slice(0, 80);
    try {
      const parsed = JSON.parse(message) as { event?: string };
      if (parsed.event) key = parsed.event;
    } catch {
      // Not one of Lookout's structured lines: keyed by its start.
    }
    const seen = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, seen);
    if (seen <= 3) this.progress(`workerd ${level}: ${message.slice(0, 300)}`);
    if (seen === 3) this.progress(`(further "${key}" lines are counted, not shown)`);
    return true;
  };
  summary(): string {
    return this.counts.size === 0 ? "none" : [...this.counts].map(([key, n]) => `${key} ×${n}`).join(", ");
  }
}

/** Monitors hanging in one probe group, group by group: their targets spread over four groups, 4, 3, 2 and 1. */
const HANGERS_PER_GROUP = [4, 3, 2, 1] as const;

/**
 * The scenario's monitors in config order, and which of them hang. The
 * StatusPage fills a region's probe groups GROUP_SIZE at a time in the order
 * of its instances (worker/core/monitors/probe-groups.ts), which is this
 * order (the ids sort the same way: `m-0021` < `m-0021-hang-1` < `m-0022`), so
 * the hanging monitors land beside healthy ones in chosen groups, spread over
 * the region's groups. Where they actually landed is read back from the
 * StatusPage after the kicks, not assumed.
 */
function scenarioLayout(scenario: Scenario): { ids: string[]; hang: Set<string> } {
  const total = scenario.healthy + scenario.hangers;
  const groups = Math.ceil(total / GROUP_SIZE);
  const buckets: number[] = [];
  for (let left = scenario.hangers, i = 0; left > 0; i++) {
    const spread = scenario.hangersPerGroup ?? HANGERS_PER_GROUP;
    const n = Math.min(left, spread[i % spread.length] as number);
    buckets.push(n);
    left -= n;
  }
  const hangIn = new Map<number, number>();
  buckets.forEach((n, j) => {
    const g = Math.floor(((j + 0.5) * groups) / buckets.length);
    hangIn.set(g, (hangIn.get(g) ?? 0) + n);
  });
  const ids: string[] = [];
  const hang = new Set<string>();
  let healthy = 0;
  let hanging = 0;
  const healthyId = (i: number) => `${scenario.prefix}-${String(i).padStart(4, "0")}`;
  const addHanger = () => {
    const id = `${healthyId(healthy)}-hang-${++hanging}`;
    ids.push(id);
    hang.add(id);
  };
  for (let g = 0; healthy < scenario.healthy; g++) {
    const wanted = Math.min(hangIn.get(g) ?? 0, scenario.hangers - hanging, GROUP_SIZE - 1);
    for (let k = 0; k < GROUP_SIZE - wanted && healthy < scenario.healthy; k++) {
      ids.push(healthyId(++healthy));
      if (k === 0) for (let h = 0; h < wanted; h++) addHanger();
    }
  }
  // Any left (more hangers than groups take): together after the last healthy one.
  while (hanging < scenario.hangers) addHanger();
  return { ids, hang };
}

function scenarioConfig(
  scenario: Scenario,
  targets: Targets,
  ids: readonly string[],
  hang: Set<string>,
): LookoutConfig {
  const perComponent = 20;
  const healthyIds = ids.filter((id) => !hang.has(id));
  const components = Array.from({ length: Math.ceil(healthyIds.length / perComponent) }, (_, i) => ({
    id: `svc-${i + 1}`,
    name: `Service ${i + 1}`,
  }));
  if (hang.size > 0) components.push({ id: "hanging", name: "Hanging service" });
  const componentOf = new Map(healthyIds.map((id, i) => [id, `svc-${Math.floor(i / perComponent) + 1}`]));
  return defineConfig({
    page: { name: "Bench Monitors", url: "https://status.bench.example" },
    components,
    monitors: ids.map((id) =>
      hang.has(id)
        ? {
            id,
            // The control run's would-be hangers answer: same ids, same groups, same slots.
            url: `${targets.url}/${scenario.control ? "ok" : "hang"}/${id}`,
            components: ["hanging"],
            intervalSeconds: scenario.hangIntervalSeconds ?? scenario.intervalSeconds,
            timeoutMs: scenario.hangTimeoutMs,
          }
        : {
            id,
            url: `${targets.url}/ok/${id}`,
            components: [componentOf.get(id) as string],
            intervalSeconds: scenario.intervalSeconds,
          },
    ),
  });
}

async function startedInstances(worker: RunningWorker): Promise<number> {
  const [row] = await worker.sql(
    PAGE_OBJECT,
    `SELECT COUNT(*) AS n FROM monitor_instances WHERE removed_at IS NULL AND started_fingerprint IS NOT NULL`,
  );
  return Number(row?.n ?? 0);
}

/** Which probe group checks each monitor, as the StatusPage placed it. */
async function placements(worker: RunningWorker): Promise<Map<string, string>> {
  const rows = await worker.sql(
    PAGE_OBJECT,
    `SELECT monitor_id, probe_group FROM monitor_instances WHERE removed_at IS NULL AND region = ?`,
    REGION,
  );
  return new Map(rows.map((row) => [String(row.monitor_id), String(row.probe_group)]));
}

/** One stored run of a group: when its checks started and when the last one ended. */
interface Run {
  group: string;
  start: number;
  end: number;
  checks: number;
}

/** [monitorId, at, outcome, latencyMs, statusCode, state, summary]: a sample as durable-objects/monitor/runs.ts stores it. */
type StoredResult = [string, number, string, number, number | null, string, string];

interface ScenarioOutcome {
  rows: Row[];
  notes: string[];
}

async function runScenario(
  bundlePath: string,
  scratch: string,
  targets: Targets,
  scenario: Scenario,
  settings: MonitorBenchSettings,
  progress: Progress,
): Promise<ScenarioOutcome> {
  const intervalMs = scenario.intervalSeconds * 1000;
  const hangIntervalMs = (scenario.hangIntervalSeconds ?? scenario.intervalSeconds) * 1000;
  const longestMs = Math.max(intervalMs, hangIntervalMs);
  const windowMs = settings.minutes * 60_000;
  const { ids, hang } = scenarioLayout(scenario);
  const total = ids.length;
  const label = `${scenario.control ? "control: " : ""}${count(scenario.healthy)} × ${scenario.intervalSeconds} s${
    hang.size && !scenario.control
      ? ` + ${hang.size} hanging${scenario.hangIntervalSeconds ? ` at ${scenario.hangIntervalSeconds} s` : ""}`
      : scenario.control
        ? `, ${hang.size} would-be hangers answering`
        : ""
  }`;
  const logs = new LogTally(progress);
  await targets.reset();

  const worker = await startWorker(bundlePath, mkdtempSync(join(scratch, `monitors-${scenario.prefix}-`)), {
    preventEviction: settings.eviction === "prevent" ? ["Monitor"] : [],
    onLog: logs.onLog,
  });
  try {
    const pid = worker.workerdPid;
    // Idle workerd, for the record: what it burns with nothing to do.
    await sleep(1_000);
    const idle0 = processCpuMs(pid);
    await sleep(3_000);
    const idle1 = processCpuMs(pid);
    const idleShare = idle0 !== null && idle1 !== null ? (idle1 - idle0) / 3_000 : Number.NaN;

    // Apply the config as a deploy would; the object's alarm kicks the probe groups, 40 per run.
    const config = scenarioConfig(scenario, targets, ids, hang);
    const reconcileAt = Date.now();
    await worker.object(PAGE_OBJECT).reconcile(config);
    let started = 0;
    for (;;) {
      started = await startedInstances(worker);
      if (started >= total) break;
      if (Date.now() - reconcileAt > 300_000)
        throw new Error(`only ${started} of ${total} monitor instances started in 5 min`);
      await sleep(250);
    }
    const allStartedAt = Date.now();
    const kickMs = allStartedAt - reconcileAt;
    const groupOf = await placements(worker);
    const groups = [...new Set(groupOf.values())].sort();
    const hangerGroups = new Set([...hang].map((id) => groupOf.get(id)));
    const hangersIn = [...hangerGroups].map((g) => [...hang].filter((id) => groupOf.get(id) === g).length);
    progress(
      `${label}: all ${count(total)} monitors started in ${groups.length} probe groups ${seconds(kickMs)} after reconcile()` +
        (hang.size ? `; hanging monitors per group ${hangersIn.join(", ")}` : ""),
    );

    // Warm-up: every group has made its first run (within 10 s of its assignment, not on a slot) and is on its
    // slots. A group runs one alarm at a time, so a first run that hangs until its timeout delays the slot
    // after it; the window opens once that is over and more than 5 s on, so no start-up check is counted.
    const warmUpMs = FIRST_CHECK_WITHIN_MS + Math.max(scenario.hangTimeoutMs, TARGET_DELAY_MS) + TOLERANCE_MS + 1_000;
    const from = allStartedAt + warmUpMs;
    await sleepUntil(from, progress);
    const to = from + windowMs;
    const cpu0 = processCpu(pid);
    const self0 = process.cpuUsage();
    const machine0 = machineCpu();
    progress(`${label}: measuring ${settings.minutes} min`);
    await sleepUntil(to, progress, async () => {
      const c = await targets.counts();
      return `${label}: ${count(c.requests)} requests reached the targets, ${c.hanging} hanging now, ${count(c.connections)} connections`;
    });
    const cpu1 = processCpu(pid);
    const self = process.cpuUsage(self0);
    const machine1 = machineCpu();
    const rssMb = processRssMb(pid);

    // Runs due just before the end finish (one with a hanging check after its timeout) and are written.
    await sleep(Math.max(scenario.hangTimeoutMs, TARGET_DELAY_MS) + TOLERANCE_MS + 2_000);
    progress(`${label}: reading runs from ${groups.length} probe groups`);
    const checksOf = new Map<string, Check[]>(ids.map((id) => [id, []]));
    const runs: Run[] = [];
    let storedRuns = 0;
    await runInOrder(groups, READ_CONCURRENCY, async (group) => {
      const rows = await worker.monitorSql(
        group,
        `SELECT at, results FROM runs WHERE at >= ? AND at < ? ORDER BY at`,
        from - longestMs,
        to + longestMs,
      );
      const [all] = await worker.monitorSql(group, `SELECT COUNT(*) AS n FROM runs`);
      storedRuns += Number(all?.n ?? 0);
      for (const row of rows) {
        const results = JSON.parse(String(row.results)) as StoredResult[];
        if (results.length === 0) continue;
        for (const [monitorId, at, outcome, latencyMs] of results) {
          checksOf.get(monitorId)?.push({ at, outcome, latencyMs });
        }
        const start = Math.min(...results.map((r) => r[1]));
        if (start < from || start >= to) continue;
        runs.push({ group, start, end: Math.max(...results.map((r) => r[1] + r[3])), checks: results.length });
      }
    });
    const series: Series[] = ids.map((id) => {
      const group = groupOf.get(id) ?? "";
      return {
        id,
        hang: hang.has(id),
        group,
        sharesWithHanger: hangerGroups.has(group),
        phase: phaseOf(group, hang.has(id) ? hangIntervalMs : intervalMs),
        intervalMs: hang.has(id) ? hangIntervalMs : intervalMs,
        checks: (checksOf.get(id) ?? []).sort((a, b) => a.at - b.at),
      };
    });
    const [reports] = await worker.sql(
      PAGE_OBJECT,
      // Reports are not stored one by one; the last report time per instance tells how many arrived recently.
      `SELECT COUNT(*) AS n FROM monitor_instances WHERE last_report_at >= ? AND last_report_at < ?`,
      from,
      to,
    );
    const states = await worker.sql(
      PAGE_OBJECT,
      `SELECT state, COUNT(*) AS n FROM monitor_instances WHERE removed_at IS NULL GROUP BY state ORDER BY state`,
    );
    const arrivals = await targets.arrivals();
    const targetCounts = await targets.counts();

    // ---- figures
    const duplicates: string[] = [];
    const offSlot: string[] = [];
    const records: SlotRecord[] = [];
    for (const s of series) {
      const matched = matchSlots(s, from, to);
      records.push(...matched.records);
      duplicates.push(...matched.duplicates);
      offSlot.push(...matched.offSlot);
    }
    const all = share(records);
    const healthySeries = series.filter((s) => !s.hang);
    const hangSeries = series.filter((s) => s.hang);
    const checksInWindow = series.reduce((n, s) => n + s.checks.filter((c) => c.at >= from && c.at < to).length, 0);
    const healthyLateness = healthySeries.flatMap((s) => lateness(s, from, to));
    const worstHealthy = healthySeries
      .map((s) => ({ id: s.id, group: s.group, late: maximum(lateness(s, from, to)) }))
      .sort((a, b) => b.late - a.late)[0];

    // Isolation: healthy monitors that share a group with a hanging one against those in groups without.
    // The control run splits the same groups the same way, its would-be hangers answering.
    const beside = healthySeries.filter((s) => s.sharesWithHanger);
    const apart = healthySeries.filter((s) => !s.sharesWithHanger);
    const besideRecords = records.filter((r) => !r.hang && r.sharesWithHanger);
    const apartRecords = records.filter((r) => !r.hang && !r.sharesWithHanger);
    const besideLateness = beside.flatMap((s) => lateness(s, from, to));
    const apartLateness = apart.flatMap((s) => lateness(s, from, to));
    const hangChecks = hangSeries.flatMap((s) => s.checks.filter((c) => c.at >= from && c.at < to));
    const hangShare = share(records.filter((r) => r.hang));
    const holdLengths = hangChecks.map((c) => c.latencyMs);
    const longHolds = hangSeries.flatMap((s) =>
      s.checks
        .filter((c) => c.at >= from && c.at < to && c.latencyMs > scenario.hangTimeoutMs + 1_000)
        .map(
          (c) =>
            `${s.id} at slot ${signed(c.at - (s.phase + Math.round((c.at - s.phase) / s.intervalMs) * s.intervalMs))} held ${millis(c.latencyMs)}`,
        ),
    );

    // Runs: how long each took (first check's start to last check's end), and whether one began before the
    // one before it in the same group had finished (alarms of one object never overlap; this checks it).
    const runLengths = runs.map((r) => r.end - r.start);
    // A run must end before its group's next slot: its shortest member's interval.
    const groupIntervalMs = new Map<string, number>();
    for (const s of series) {
      groupIntervalMs.set(s.group, Math.min(groupIntervalMs.get(s.group) ?? Number.POSITIVE_INFINITY, s.intervalMs));
    }
    const overrunning = runs.filter((r) => r.end - r.start >= (groupIntervalMs.get(r.group) ?? intervalMs)).length;
    let overlapping = 0;
    const byGroup = new Map<string, Run[]>();
    for (const r of runs) byGroup.set(r.group, [...(byGroup.get(r.group) ?? []), r]);
    for (const list of byGroup.values()) {
      list.sort((a, b) => a.start - b.start);
      for (let i = 1; i < list.length; i++) {
        if ((list[i] as Run).start < (list[i - 1] as Run).end) overlapping++;
      }
    }
    const checksPerRun = runs.reduce((n, r) => n + r.checks, 0) / runs.length;
    if (settings.dump) {
      writeFileSync(
        join(settings.dump, `monitors-${scenario.prefix}${scenario.control ? "-control" : ""}.json`),
        JSON.stringify({ scenario, from, to, groups: [...groupOf], series, runs, arrivals: [...arrivals] }),
      );
    }

    // The target's view: when each request arrived, against its slot.
    const arrivalDeviations: number[] = [];
    for (const s of healthySeries) {
      for (const at of arrivals.get(s.id) ?? []) {
        if (at < from || at >= to) continue;
        arrivalDeviations.push(at - (s.phase + Math.floor((at + 1_000 - s.phase) / intervalMs) * intervalMs));
      }
    }

    const cpuUser = cpu0 && cpu1 ? cpu1.user - cpu0.user : Number.NaN;
    const cpuMs = cpu0 && cpu1 ? cpuUser + cpu1.system - cpu0.system : Number.NaN;
    const perCheck = cpuMs / checksInWindow;
    const workerdShare = cpuMs / windowMs;
    const selfShare = (self.user + self.system) / 1000 / windowMs;
    const machineShare =
      machine0 && machine1
        ? (machine1.busy - machine0.busy) / Math.max(1, machine1.total - machine0.total)
        : Number.NaN;

    const n = scenario.figure;
    const rows: Row[] = [
      {
        figure: `${n}  ${label}: slots checked within ±5 s`,
        value: `${percent(all.ratio)} (${count(all.onTime)}/${count(all.slots)})`,
        budget: "≥ 99.9 %",
        verdict: verdict(all.ratio >= 0.999),
      },
      {
        figure: "   healthy lateness p50 / p99 / max",
        value: spread(healthyLateness),
        budget: "≤ 5 s",
        verdict: verdict(healthyLateness.length > 0 && maximum(healthyLateness) <= TOLERANCE_MS),
      },
    ];
    if (hang.size > 0) {
      const with_ = share(besideRecords);
      const without = share(apartRecords);
      rows.push(
        {
          figure: `   healthy on time: group ${scenario.control ? "of a would-be" : "with a"} hanging one / without`,
          value: `${percent(with_.ratio)} / ${percent(without.ratio)}`,
          ...(scenario.control
            ? { budget: "(targets answering)" }
            : with_.slots === 0
              ? // Placement kept every healthy monitor out of the hanging ones' groups: nothing to hold up.
                { budget: "none shares a group" }
              : {
                  budget: "no hold-up",
                  verdict: verdict(
                    with_.ratio >= 0.999 && (without.slots === 0 || with_.ratio >= without.ratio - 0.001),
                  ),
                }),
        },
        {
          figure: "   healthy lateness p99 / max: with | without",
          value: `${tail(besideLateness)} | ${tail(apartLateness)}`,
          budget: "≤ 5 s",
          ...(scenario.control || besideLateness.length + apartLateness.length === 0
            ? {}
            : { verdict: verdict(maximum([...besideLateness, ...apartLateness]) <= TOLERANCE_MS) }),
        },
      );
    }
    if (hang.size > 0 && !scenario.control) {
      rows.push({
        figure: "   hanging monitors: on time; held p50 / max",
        value: `${percent(hangShare.ratio)}; ${millis(quantile(holdLengths, 0.5))} / ${millis(maximum(holdLengths))}`,
        budget: `timeout ${seconds(scenario.hangTimeoutMs)}`,
      });
    }
    rows.push(
      {
        figure: `   run length p50 / p99 / max; past its group's next slot; overlapping`,
        value: `${spread(runLengths)}; ${overrunning}; ${overlapping}`,
        budget: "0; 0",
        verdict: verdict(runs.length > 0 && overrunning === 0 && overlapping === 0),
      },
      {
        figure: `   ${count(total)} monitors in ${groups.length} groups started by kicks in`,
        value: seconds(kickMs),
        budget: "40 groups/run, 6 at once",
      },
      {
        figure: "   workerd CPU per check (whole process)",
        value: Number.isNaN(perCheck) ? "n/a" : `${perCheck.toFixed(2)} ms`,
        budget: "10 ms/run (free plan)",
      },
    );

    const stateText = states.map((row) => `${row.state} ${row.n}`).join(", ");
    const lines = [
      `${n}: ${count(scenario.healthy)} monitors at ${scenario.intervalSeconds} s against /ok/ (answers in ${TARGET_DELAY_MS} ms)` +
        (hang.size
          ? scenario.control
            ? ` and ${hang.size} more in the same places as figure 4's hanging ones, also against /ok/: the control for its comparison, ` +
              `the same ids and so the same probe groups and slots`
            : ` and ${hang.size} against /hang/ (never answers; timeoutMs ${scenario.hangTimeoutMs}` +
              `${hangIntervalMs !== intervalMs ? `, every ${hangIntervalMs / 1000} s` : ""})`
          : "") +
        `; ${groups.length} probe groups of up to ${GROUP_SIZE}` +
        (hang.size
          ? `, ${hangerGroups.size} of them holding ${hangersIn.join(", ")} ${scenario.control ? "would-be " : ""}hanging monitors ` +
            `beside ${count(beside.length)} healthy ones (${count(besideRecords.length)} slots), compared with the ${count(apart.length)} ` +
            `healthy ones in the other groups (${count(apartRecords.length)} slots)` +
            (longHolds.length
              ? `; ${longHolds.length} held past timeout + 1 s (${longHolds.slice(0, 3).join("; ")})`
              : "")
          : "") +
        `. Window ${settings.minutes} min, from ${seconds(warmUpMs)} after the last group started; ` +
        `groups ${settings.eviction === "prevent" ? "kept in memory (unsafePreventEviction)" : "evicted by workerd after 10 s idle (its default)"}.`,
      `   ${count(checksInWindow)} checks in the window for ${count(all.slots)} slots, ${duplicates.length} duplicates${duplicates.length ? ` (${duplicates.slice(0, 3).join("; ")})` : ""}, ` +
        `${offSlot.length} off any slot by more than 5 s${offSlot.length ? ` (${offSlot.slice(0, 3).join("; ")})` : ""}; ` +
        `${count(all.slots - all.onTime)} slots without a check within ±5 s` +
        (worstHealthy
          ? `; latest healthy check ${millis(worstHealthy.late)} after its slot (${worstHealthy.id} in ${worstHealthy.group})`
          : "") +
        `. ${count(runs.length)} runs began in the window, ${Number.isNaN(checksPerRun) ? "n/a" : checksPerRun.toFixed(1)} checks per run; ` +
        `${count(storedRuns)} runs stored in all groups at the end (one row each). ` +
        `Target side (request arrival − slot) p50 / p99 / max ${spread(arrivalDeviations)}; ` +
        `${count(targetCounts.requests)} requests over ${count(targetCounts.connections)} connections since start.`,
      `   CPU over the window (/proc/<pid>/stat, utime+stime, 10 ms ticks): workerd ${seconds(cpuMs)} (${percent(cpuUser / cpuMs)} user) = ${percent(workerdShare)} of one core ` +
        `(idle before: ${percent(idleShare)}), ${Number.isNaN(perCheck) ? "n/a" : `${perCheck.toFixed(2)} ms`} per check counting everything it did (probes, SQLite, reports to the StatusPage, ` +
        `Miniflare's plumbing${settings.eviction === "allow" && intervalMs > 10_000 ? "; groups idle 10 s are evicted, so each run also re-creates its object" : ""}); the bench process with the targets ${percent(selfShare)} of one core; the whole machine ${percent(machineShare)} ` +
        `busy of ${availableParallelism()} cores (other processes included). workerd RSS ${rssMb === null ? "n/a" : `${rssMb.toFixed(0)} MB`}.`,
      `   StatusPage: ${count(Number(reports?.n ?? 0))} instances last reported within the window; monitor states at the end: ${stateText}. ` +
        `workerd logged: ${logs.summary()}.`,
    ];
    return { rows, notes: lines };
  } finally {
    await worker.dispose();
  }
}

// ---------------------------------------------------------------- storage

/** Seconds in the 48 h a group keeps runs for (durable-objects/monitor/runs.ts keys a run by its slot's second in them). */
const RUN_SLOTS = (48 * 3_600_000) / 1000;

/**
 * Figure 6: one probe group after 48 h of runs. A full group (GROUP_SIZE
 * monitors) at 10 s, the densest interval, checks a local target for real;
 * once a run has stored every monitor's sample, the 48 h before it are written
 * into its `runs` table by SQL, one row per 10 s slot holding that run's
 * samples shifted back, as 48 h of runs leave it. Its size is
 * inspect().storageBytes (SQLite's page count × page size). The next real
 * runs land on the slots of two days before and overwrite them in place:
 * neither the rows nor the size grow, and nothing is ever deleted in the
 * steady state. Daily roll-ups are no longer kept here but by the StatusPage
 * object (decision 0038), for 400 days.
 */
async function storagePerGroup(
  bundlePath: string,
  scratch: string,
  targets: Targets,
  progress: Progress,
): Promise<ScenarioOutcome> {
  const logs = new LogTally(progress);
  const worker = await startWorker(bundlePath, mkdtempSync(join(scratch, "monitors-storage-")), {
    onLog: logs.onLog,
  });
  try {
    const ids = Array.from({ length: GROUP_SIZE }, (_, i) => `storage-${String(i + 1).padStart(2, "0")}`);
    const config = defineConfig({
      page: { name: "Bench Storage", url: "https://status.bench.example" },
      components: [{ id: "svc", name: "Service" }],
      monitors: ids.map((id) => ({ id, url: `${targets.url}/ok/${id}`, components: ["svc"], intervalSeconds: 10 })),
    });
    await worker.object(PAGE_OBJECT).reconcile(config);
    const waitFor = async <T>(what: string, get: () => Promise<T | null>): Promise<T> => {
      const deadline = Date.now() + 90_000;
      for (;;) {
        const found = await get();
        if (found !== null) return found;
        if (Date.now() > deadline) throw new Error(`storage probe: ${what} did not happen within 90 s`);
        await sleep(250);
      }
    };
    const group = await waitFor("the placement", async () => {
      const groups = new Set((await placements(worker)).values());
      return groups.size === 1 && !groups.has("null") ? ([...groups][0] as string) : null;
    });
    const inspect = async () => (await worker.monitorBatch(group, [["inspect"]]))[0] as GroupInspection;
    const latestRun = async () => {
      const [row] = await worker.monitorSql(group, `SELECT at, results FROM runs ORDER BY at DESC LIMIT 1`);
      return row ? { at: Number(row.at), results: String(row.results) } : null;
    };
    const fresh = await waitFor("a run of every monitor", async () => {
      const run = await latestRun();
      return run && (JSON.parse(run.results) as unknown[]).length === ids.length ? run : null;
    });
    const first = await inspect();
    const runsIn48h = RUN_SLOTS / 10;
    // The 48 h before it, one row per slot: the real run's samples, started i × 10 s earlier, latencies varied;
    // oldest first, as the runs came (a B-tree filled backwards splits its pages half full and reads larger).
    await worker.monitorSql(
      group,
      `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
       INSERT OR IGNORE INTO runs (slot, at, results)
       SELECT ((? - i * 10000) / 1000) % ?, ? - i * 10000,
         (SELECT json_group_array(json_array(json_extract(r.value, '$[0]'), json_extract(r.value, '$[1]') - i * 10000,
            json_extract(r.value, '$[2]'), 180 + (i * 7919 + r.key * 31) % 90, json_extract(r.value, '$[4]'),
            json_extract(r.value, '$[5]'), json_extract(r.value, '$[6]')))
          FROM json_each(?) r)
       FROM seq ORDER BY i DESC`,
      runsIn48h - 1,
      fresh.at,
      RUN_SLOTS,
      fresh.at,
      fresh.results,
    );
    const peak = await inspect();
    progress(
      `storage probe: ${count(peak.runs)} runs of ${ids.length} samples in ${group}; waiting for two more real runs`,
    );
    // Two slots on: every new run has overwritten the row of its slot two days before.
    await waitFor("two more runs", async () => {
      const run = await latestRun();
      return run && run.at >= fresh.at + 20_000 ? run : null;
    });
    const after = await inspect();
    const [sizes] = await worker.monitorSql(group, `SELECT AVG(LENGTH(results)) AS bytes FROM runs`);
    const mb = (bytes: number) => `${(bytes / 1_000_000).toFixed(2)} MB`;
    return {
      rows: [
        {
          figure: `6  one probe group: ${ids.length} monitors × 48 h at 10 s (${count(peak.runs)} runs)`,
          value: mb(peak.storageBytes),
          budget: "none set",
        },
        {
          figure: "   per monitor",
          value: mb(peak.storageBytes / ids.length),
          budget: "none set",
        },
        {
          figure: `   after 2 more real runs: runs stored; size`,
          value: `${count(after.runs)}; ${mb(after.storageBytes)}`,
          budget: "no growth",
          verdict: verdict(after.runs <= peak.runs && after.storageBytes <= peak.storageBytes),
        },
      ],
      notes: [
        `6: one probe group (${group}) of ${ids.length} HTTP monitors at 10 s against a local target: ${mb(first.storageBytes)} after its first runs ` +
          `(${first.runs} stored). Then ${count(runsIn48h - 1)} runs written into its \`runs\` table by SQL (the real run's ${ids.length} samples shifted ` +
          `back 10 s at a time: 48 h of runs, one row each, ${Math.round(Number(sizes?.bytes ?? 0))} bytes of JSON per row on average): ` +
          `${count(peak.runs)} rows, ${mb(peak.storageBytes)}. Its next real runs overwrote the rows of their slots two days before: ` +
          `${count(after.runs)} rows, ${mb(after.storageBytes)}. Nothing is deleted in the steady state; 10 s is the densest interval, ` +
          `so a group at 60 s keeps a sixth of that. Daily roll-ups are not kept here any more: the StatusPage object keeps them ` +
          `(monitor_daily, 400 days, one row per monitor and day), with each monitor's instance row. workerd logged: ${logs.summary()}.`,
      ],
    };
  } finally {
    await worker.dispose();
  }
}

// ---------------------------------------------------------------- the StatusPage under reports

/** Group reports timed per measurement (after GROUP_WARM_UP), sent GROUP_REPORTS_PER_TRIP to a round trip through the driver Worker. */
const GROUP_REPORTS = 60;
const GROUP_WARM_UP = 5;
const GROUP_REPORTS_PER_TRIP = 5;
/** The StatusPage keeps one response-time row per component and hour, for 48 h. */
const LATENCY_HOURS = 48;

/**
 * Figure 7: what the StatusPage object pays per probe group's report, and
 * for a snapshot rebuild, with 1,000 monitors configured: first with nothing
 * stored yet, then with 48 h of hourly response times in latency_hourly
 * for every component, as after two days of running. The monitors are real (they
 * were kicked and their groups made one run each) but check hourly, so they stay
 * quiet while the bench sends the reports as a group sends them every five
 * minutes: one reportMonitors(group, reports) call per group, a report of each of
 * its monitors inside, through the driver Worker.
 */
async function statusPageUnderReports(
  bundlePath: string,
  scratch: string,
  targets: Targets,
  monitors: number,
  progress: Progress,
): Promise<ScenarioOutcome> {
  const logs = new LogTally(progress);
  const worker = await startWorker(bundlePath, mkdtempSync(join(scratch, "monitors-reports-")), {
    onLog: logs.onLog,
  });
  try {
    const page = worker.object(PAGE_OBJECT);
    const ids = Array.from({ length: monitors }, (_, i) => `r-${String(i + 1).padStart(4, "0")}`);
    const perComponent = 20;
    const config = defineConfig({
      page: { name: "Bench Reports", url: "https://status.bench.example" },
      components: Array.from({ length: Math.ceil(ids.length / perComponent) }, (_, i) => ({
        id: `svc-${i + 1}`,
        name: `Service ${i + 1}`,
      })),
      monitors: ids.map((id, i) => ({
        id,
        url: `${targets.url}/ok/${id}`,
        components: [`svc-${Math.floor(i / perComponent) + 1}`],
        intervalSeconds: 3600,
      })),
    });
    await page.reconcile(config);
    const deadline = Date.now() + 180_000;
    for (;;) {
      const [row] = await worker.sql(
        PAGE_OBJECT,
        `SELECT COUNT(*) AS n FROM monitor_instances WHERE removed_at IS NULL AND last_report_at IS NOT NULL`,
      );
      if (Number(row?.n ?? 0) >= ids.length) break;
      if (Date.now() > deadline) throw new Error("reports figure: the monitors' first reports did not all arrive");
      await sleep(500);
    }
    await sleep(2_000);
    progress(`reports: ${count(ids.length)} monitors started and reported once`);

    const states = new Map(
      (await worker.sql(PAGE_OBJECT, `SELECT monitor_id, state, since FROM monitor_instances`)).map((row) => [
        String(row.monitor_id),
        { state: String(row.state) as MonitorReport["state"], since: Number(row.since) },
      ]),
    );
    const groupOf = await placements(worker);
    const groups = [...new Set(groupOf.values())].sort();
    const membersOf = new Map(groups.map((g) => [g, ids.filter((id) => groupOf.get(id) === g)]));
    let at = Date.now();
    const pid = worker.workerdPid;
    /**
     * Each group's five-minute report, as durable-objects/monitor/monitor.ts sends it: one call, every member's
     * state unchanged and its latency since the last one; no component changes, no new version.
     */
    const measureReports = async () => {
      const calls: Call[] = Array.from({ length: GROUP_WARM_UP + GROUP_REPORTS }, (_, i) => {
        const group = groups[(i * 7) % groups.length] as string;
        at += 1;
        const reports = (membersOf.get(group) ?? []).map((id): MonitorReport => {
          const known = states.get(id) ?? { state: "unknown" as const, since: at };
          return {
            monitorId: id,
            region: REGION,
            at,
            state: known.state,
            since: known.since,
            transition: null,
            latency: { from: at - REPORT_EVERY_MS, to: at, checks: 5, failures: 0, meanMs: 201 },
            rollups: [],
          };
        });
        return ["reportMonitors", group, reports];
      });
      await worker.batch(PAGE_OBJECT, calls.slice(0, GROUP_WARM_UP));
      const cpu0 = processCpuMs(pid);
      const t0 = performance.now();
      for (let i = GROUP_WARM_UP; i < calls.length; i += GROUP_REPORTS_PER_TRIP) {
        await worker.batch(PAGE_OBJECT, calls.slice(i, i + GROUP_REPORTS_PER_TRIP));
      }
      const wall = (performance.now() - t0) / GROUP_REPORTS;
      const cpu1 = processCpuMs(pid);
      const cpu = cpu0 !== null && cpu1 !== null ? (cpu1 - cpu0) / GROUP_REPORTS : Number.NaN;
      return { wall, cpu };
    };
    // The write before each rebuild below: a communicator's edit through the API, made and undone.
    const api = worker.apiAt(PAGE_OBJECT);
    const edited = await declareResolved(api, "Bench reports: an incident to edit");
    /** The object's own rebuild after a write: snapshot() after a write minus a cached snapshot(), medians. */
    const measureSnapshot = async () => {
      const rebuild: number[] = [];
      const cached: number[] = [];
      for (let round = 0; round < 14; round++) {
        await changeImpact(api, edited, true);
        await changeImpact(api, edited, false);
        const t0 = performance.now();
        await page.snapshot();
        const t1 = performance.now();
        await page.snapshot();
        const t2 = performance.now();
        if (round >= 4) {
          rebuild.push(t1 - t0);
          cached.push(t2 - t1);
        }
      }
      return quantile(rebuild, 0.5) - quantile(cached, 0.5);
    };

    const freshReports = await measureReports();
    const freshSnapshot = await measureSnapshot();
    const now = Date.now();
    const [before] = await worker.sql(PAGE_OBJECT, `SELECT COUNT(*) AS n FROM latency_hourly`);
    // 47 more hours per component, all younger than 48 h: nothing for the next reports to delete.
    await worker.sql(
      PAGE_OBJECT,
      `WITH RECURSIVE seq(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM seq WHERE k < ?)
       INSERT OR IGNORE INTO latency_hourly (component_id, hour, checks, total_ms)
       SELECT c.id, (? / 3600000) - k, 60, 60 * (190 + k % 40) FROM components c, seq
       WHERE c.removed_at IS NULL`,
      LATENCY_HOURS - 1,
      now,
    );
    const [stored] = await worker.sql(PAGE_OBJECT, `SELECT COUNT(*) AS n FROM latency_hourly`);
    progress(`reports: ${count(Number(stored?.n ?? 0))} latency rows stored`);
    const fullReports = await measureReports();
    const fullSnapshot = await measureSnapshot();
    const rate = groups.length / (REPORT_EVERY_MS / 1000);
    const busy = (fullReports.cpu * rate) / 1000;
    const perGroup = ids.length / groups.length;
    return {
      rows: [
        {
          figure: `7  StatusPage, one group's report (${perGroup.toFixed(0)} monitors): nothing stored → 48 h`,
          value: `${fullReports.cpu < 0.005 && freshReports.cpu < 0.005 ? "n/a" : `${freshReports.cpu.toFixed(2)} → ${fullReports.cpu.toFixed(2)} ms`}`,
          budget: "workerd CPU",
        },
        {
          figure: `   ${groups.length} groups' reports at ${rate.toFixed(2)}/s keep the object busy`,
          value: percent(busy),
          budget: "of its one thread",
        },
        {
          figure: "   snapshot rebuild: nothing stored → 48 h",
          value: `${millis(freshSnapshot)} → ${millis(fullSnapshot)}`,
          budget: "object's own",
        },
      ],
      notes: [
        `7: ${count(ids.length)} HTTP monitors configured through reconcile() (hourly, so they stay quiet after their groups' first run), ` +
          `in ${groups.length} probe groups; ${GROUP_REPORTS} group reports timed after ${GROUP_WARM_UP} warm-up, each one reportMonitors(group, reports) ` +
          `call with a report of every member (${perGroup.toFixed(1)} on average: a sign of life with unchanged state and 5 min of latency), ` +
          `as a group sends every ${REPORT_EVERY_MS / 60_000} min, sent ${GROUP_REPORTS_PER_TRIP} per round trip through the driver Worker; ` +
          `workerd CPU from /proc per group report (${Number.isNaN(fullReports.cpu) ? "n/a" : `${(fullReports.cpu / perGroup).toFixed(3)} ms`} per monitor in it at 48 h), ` +
          `wall time per group report ${millis(freshReports.wall)} → ${millis(fullReports.wall)}. ` +
          `Stored latency rows ${count(Number(before?.n ?? 0))} → ${count(Number(stored?.n ?? 0))} (${LATENCY_HOURS} per component: ` +
          `one row per hour for 48 h, whatever the number of reports). "Busy" is CPU per group report × ${groups.length} groups' steady report rate. Snapshot rebuild ` +
          `as in figure 3 (after a write, minus a cached snapshot(), medians of 10). workerd logged: ${logs.summary()}.`,
      ],
    };
  } finally {
    await worker.dispose();
  }
}

// ---------------------------------------------------------------- entry

export async function monitorFigures(
  bundlePath: string,
  scratch: string,
  settings: MonitorBenchSettings,
  progress: Progress,
): Promise<ScenarioOutcome> {
  if (settings.dump) mkdirSync(settings.dump, { recursive: true });
  const targets = await startTargets(TARGET_DELAY_MS);
  const rows: Row[] = [];
  const allNotes: string[] = [];
  try {
    const scenarios: Scenario[] = [
      {
        figure: "4",
        part: "60s",
        prefix: "m",
        healthy: settings.monitorsAt60s,
        intervalSeconds: 60,
        hangers: 10,
        hangTimeoutMs: 10_000,
      },
      ...(settings.control
        ? [
            {
              figure: "4",
              part: "60s" as const,
              prefix: "m",
              healthy: settings.monitorsAt60s,
              intervalSeconds: 60,
              hangers: 10,
              hangTimeoutMs: 10_000,
              control: true,
            },
          ]
        : []),
      { figure: "5", part: "10s", prefix: "f", healthy: 100, intervalSeconds: 10, hangers: 0, hangTimeoutMs: 0 },
      {
        // A 60 s monitor allowed 30 s to answer, listed beside 10 s ones: sharing their group, its hanging
        // target made them miss a third of their slots; placement now gives each interval its own groups.
        figure: "5b",
        part: "mixed",
        prefix: "x",
        healthy: 95,
        intervalSeconds: 10,
        hangers: 5,
        hangTimeoutMs: 30_000,
        hangIntervalSeconds: 60,
        hangersPerGroup: [1],
      },
    ];
    for (const scenario of scenarios) {
      if (!settings.parts.has(scenario.part)) continue;
      const outcome = await runScenario(bundlePath, scratch, targets, scenario, settings, progress);
      rows.push(...outcome.rows);
      allNotes.push(...outcome.notes);
    }
    if (settings.parts.has("storage")) {
      const storage = await storagePerGroup(bundlePath, scratch, targets, progress);
      rows.push(...storage.rows);
      allNotes.push(...storage.notes);
    }
    if (settings.parts.has("reports")) {
      const reports = await statusPageUnderReports(bundlePath, scratch, targets, settings.monitorsAt60s, progress);
      rows.push(...reports.rows);
      allNotes.push(...reports.notes);
    }
  } finally {
    await targets.close();
  }
  return { rows, notes: allNotes };
}
