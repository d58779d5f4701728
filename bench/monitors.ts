/**
 * The health checker's figures of docs/budgets.md ("The health checker"):
 *
 *   4. 1,000 monitors at 60 s against a local target answering in 200 ms, plus
 *      10 whose target hangs: share of slots checked within ±5 s, and whether
 *      a hanging target held up anyone else
 *   5. 100 monitors at 10 s: the same share
 *   6. storage of one Monitor object after a year of roll-ups (CPU per check
 *      comes with 4 and 5, from workerd's /proc counters)
 *   7. what a monitor's report and a snapshot rebuild cost the StatusPage
 *      object once 48 h of 1,000 monitors' latency reports are stored
 *
 * Each scenario runs the built Worker in a fresh workerd (Miniflare), applies
 * its config with the StatusPage object's reconcile() RPC (never tick(), which
 * would re-apply the bundled lookout.config.ts), lets the object's alarm kick
 * the Monitor objects as in production, and after a warm-up measures a window
 * of BENCH_MONITOR_MINUTES minutes. The slot of a check is
 * `phase + k × interval`, phase from worker/core/monitors/schedule.ts; a check's
 * time is its sample's `at` in the Monitor object's SQLite, which is when the
 * probe started. The targets run in a worker thread of this process
 * (bench/target-thread.ts) and record when each request arrived, a second view
 * of the same schedule.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { defineConfig, type LookoutConfig } from "../worker/config/define-config.ts";
import { type MonitorReport, REPORT_EVERY_MS } from "../worker/core/monitors/monitor-report.ts";
import { phaseOffsetMs } from "../worker/core/monitors/schedule.ts";
import { DAY_MS } from "../worker/core/uptime.ts";
import { type Call, type MonitorInspection, type RunningWorker, startWorker } from "./harness.ts";
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
/** A Monitor object's first check comes within 10 s of its start (Monitor.start), then on its slots. */
const FIRST_CHECK_WITHIN_MS = 10_000;
/** Reads of Monitor objects' SQLite in flight at once after a window. */
const READ_CONCURRENCY = 8;

export interface MonitorBenchSettings {
  /** The measured window of each scenario. */
  minutes: number;
  /** Whether Monitor objects stay in memory between checks, or follow workerd's default (evicted after 10 s idle). */
  eviction: "allow" | "prevent";
  /** Healthy monitors at 60 s (1,000 in the budget; smaller for a smoke run). */
  monitorsAt60s: number;
  /** Also run figure 4 again without the hanging monitors (one more window). */
  control: boolean;
  /** Which parts run: "60s" (figure 4), "10s" (5), "storage" (6), "reports" (7). */
  parts: Set<string>;
  /** A directory to write each scenario's samples and target arrivals to, as JSON; null for none. */
  dump: string | null;
}

const PARTS = ["60s", "10s", "storage", "reports"] as const;

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
  const parts = new Set((env.BENCH_MONITOR_PARTS ?? PARTS.join(",")).split(",").map((part) => part.trim()));
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
  figure: number;
  /** Monitor ids are `${prefix}-0001`… */
  prefix: string;
  healthy: number;
  intervalSeconds: number;
  hangers: number;
  hangTimeoutMs: number;
  /** A rerun of figure 4 without the hanging monitors, to compare the same slots. */
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
  phase: number;
  intervalMs: number;
  checks: Check[];
}

/** One slot a monitor should have been checked at, and how far from it the check came (null: no check within ±5 s). */
interface SlotRecord {
  id: string;
  hang: boolean;
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
async function pool<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return results;
}

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

function scenarioConfig(scenario: Scenario, targets: Targets, healthyIds: string[], hangIds: string[]): LookoutConfig {
  const perComponent = 20;
  const components = Array.from({ length: Math.ceil(healthyIds.length / perComponent) }, (_, i) => ({
    id: `svc-${i + 1}`,
    name: `Service ${i + 1}`,
  }));
  if (hangIds.length > 0) components.push({ id: "hanging", name: "Hanging service" });
  return defineConfig({
    page: { name: "Bench Monitors", url: "https://status.bench.example" },
    components,
    monitors: [
      ...healthyIds.map((id, i) => ({
        id,
        url: `${targets.url}/ok/${id}`,
        components: [`svc-${Math.floor(i / perComponent) + 1}`],
        intervalSeconds: scenario.intervalSeconds,
      })),
      ...hangIds.map((id) => ({
        id,
        url: `${targets.url}/hang/${id}`,
        components: ["hanging"],
        intervalSeconds: scenario.intervalSeconds,
        timeoutMs: scenario.hangTimeoutMs,
      })),
    ],
  });
}

/**
 * Hanging monitors whose slots all fall in the first 10 s of the interval,
 * so every hang overlaps the others and healthy monitors elsewhere in the
 * interval serve as the control. Ids are searched deterministically.
 */
function hangingIds(prefix: string, n: number, intervalMs: number): string[] {
  const ids: string[] = [];
  for (let k = 1; ids.length < n; k++) {
    const id = `${prefix}-hang-${k}`;
    if (phaseOffsetMs(id, REGION, intervalMs) < 10_000) ids.push(id);
  }
  return ids;
}

async function startedInstances(worker: RunningWorker): Promise<number> {
  const [row] = await worker.sql(
    PAGE_OBJECT,
    `SELECT COUNT(*) AS n FROM monitor_instances WHERE removed_at IS NULL AND started_fingerprint IS NOT NULL`,
  );
  return Number(row?.n ?? 0);
}

interface ScenarioOutcome {
  rows: Row[];
  notes: string[];
  /** Where in the interval (ms after its start) each hanging check held its object. */
  heldAt?: [number, number][];
}

async function runScenario(
  bundlePath: string,
  scratch: string,
  targets: Targets,
  scenario: Scenario,
  settings: MonitorBenchSettings,
  progress: Progress,
  heldAt?: [number, number][],
): Promise<ScenarioOutcome> {
  const intervalMs = scenario.intervalSeconds * 1000;
  const windowMs = settings.minutes * 60_000;
  const healthyIds = Array.from(
    { length: scenario.healthy },
    (_, i) => `${scenario.prefix}-${String(i + 1).padStart(4, "0")}`,
  );
  const hangIds = hangingIds(scenario.prefix, scenario.hangers, intervalMs);
  const total = healthyIds.length + hangIds.length;
  const label = `${scenario.control ? "control: " : ""}${count(scenario.healthy)} × ${scenario.intervalSeconds} s${
    hangIds.length ? ` + ${hangIds.length} hanging` : scenario.control ? ", none hanging" : ""
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

    // Apply the config as a deploy would; the object's alarm kicks the Monitor objects, 40 per run.
    const config = scenarioConfig(scenario, targets, healthyIds, hangIds);
    const reconcileAt = Date.now();
    await worker.object(PAGE_OBJECT).reconcile(config);
    let started = 0;
    for (;;) {
      started = await startedInstances(worker);
      if (started >= total) break;
      if (Date.now() - reconcileAt > 300_000)
        throw new Error(`only ${started} of ${total} Monitor objects started in 5 min`);
      await sleep(250);
    }
    const allStartedAt = Date.now();
    const kickMs = allStartedAt - reconcileAt;
    progress(`${label}: all ${count(total)} Monitor objects started ${seconds(kickMs)} after reconcile()`);

    // Warm-up: every object has made its first check (within 10 s of its start, not on a slot) and is on its
    // slots. An object runs one alarm at a time, so a first check that hangs until its timeout delays the slot
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

    // Checks due just before the end finish (a hanging one after its timeout) and are written.
    await sleep(Math.max(scenario.hangTimeoutMs, TARGET_DELAY_MS) + TOLERANCE_MS + 2_000);
    progress(`${label}: reading samples from ${count(total)} Monitor objects`);
    const hangSet = new Set(hangIds);
    const series = await pool([...healthyIds, ...hangIds], READ_CONCURRENCY, async (id): Promise<Series> => {
      const rows = await worker.monitorSql(
        `${id}@${REGION}`,
        `SELECT at, outcome, latency_ms FROM samples WHERE at >= ? AND at < ? ORDER BY at`,
        from - intervalMs,
        to + intervalMs,
      );
      return {
        id,
        hang: hangSet.has(id),
        phase: phaseOffsetMs(id, REGION, intervalMs),
        intervalMs,
        checks: rows.map((row) => ({
          at: Number(row.at),
          outcome: String(row.outcome),
          latencyMs: Number(row.latency_ms),
        })),
      };
    });
    const [reports] = await worker.sql(
      PAGE_OBJECT,
      // Reports are no longer stored one by one; the last report time per instance tells how many arrived recently.
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
      .map((s) => ({ id: s.id, late: maximum(lateness(s, from, to)) }))
      .sort((a, b) => b.late - a.late)[0];

    // A hanging check holds its object from its start until it gives up. Healthy slots while at least one
    // was held are compared with the rest. The control run (no hangers) classifies its slots by the same
    // offsets into the interval, so both runs compare the same slots.
    const holds = hangSeries.flatMap((s) => s.checks.map((c) => [c.at, c.at + c.latencyMs] as const));
    const offset = (at: number) => ((at % intervalMs) + intervalMs) % intervalMs;
    const heldOffsets: [number, number][] =
      heldAt ?? holds.map(([a, b]) => [offset(a), offset(a) + Math.min(b - a, intervalMs)] as [number, number]);
    const held = (slot: number) =>
      heldAt
        ? heldAt.some(([a, b]) => (offset(slot) >= a && offset(slot) <= b) || offset(slot) + intervalMs <= b)
        : holds.some(([a, b]) => slot >= a && slot <= b);
    const healthyRecords = records.filter((r) => !r.hang);
    const duringHang = healthyRecords.filter((r) => held(r.slot));
    const clear = healthyRecords.filter((r) => !held(r.slot));
    const deviations = (list: readonly SlotRecord[]) =>
      list.filter((r) => r.deviation !== null).map((r) => r.deviation as number);
    const hangChecks = hangSeries.flatMap((s) => s.checks.filter((c) => c.at >= from && c.at < to));
    const hangShare = share(records.filter((r) => r.hang));
    const holdLengths = hangChecks.map((c) => c.latencyMs);
    const longHolds = hangSeries.flatMap((s) =>
      s.checks
        .filter((c) => c.at >= from && c.at < to && c.latencyMs > scenario.hangTimeoutMs + 1_000)
        .map(
          (c) =>
            `${s.id} at slot ${signed(c.at - (s.phase + Math.round((c.at - s.phase) / intervalMs) * intervalMs))} held ${millis(c.latencyMs)}`,
        ),
    );
    if (settings.dump) {
      writeFileSync(
        join(settings.dump, `monitors-${scenario.prefix}${scenario.control ? "-control" : ""}.json`),
        JSON.stringify({ scenario, from, to, series, arrivals: [...arrivals] }),
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
    if (hangIds.length > 0 || heldAt) {
      const during = share(duringHang);
      const without = share(clear);
      rows.push(
        {
          figure: `   healthy on time: ${heldAt ? "where hangs were / rest" : "a target hanging / none"}`,
          value: `${percent(during.ratio)} / ${percent(without.ratio)}`,
          ...(scenario.control
            ? { budget: "(no hangers)" }
            : {
                budget: "no hold-up",
                verdict: verdict(during.slots > 0 && during.ratio >= 0.999 && during.ratio >= without.ratio - 0.001),
              }),
        },
        {
          figure: "   (diagnostic) deviation p99 / max",
          value: `${tail(deviations(duringHang))} | ${tail(deviations(clear))}`,
          budget: "held | rest",
        },
      );
    }
    if (hangIds.length > 0) {
      rows.push({
        figure: "   hanging monitors: on time; held p50 / max",
        value: `${percent(hangShare.ratio)}; ${millis(quantile(holdLengths, 0.5))} / ${millis(maximum(holdLengths))}`,
        budget: `timeout ${seconds(scenario.hangTimeoutMs)}`,
      });
    }
    rows.push(
      {
        figure: `   ${count(total)} objects started by kicks in`,
        value: seconds(kickMs),
        budget: "40/run, 6 at once",
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
        (hangIds.length
          ? ` and ${hangIds.length} against /hang/ (never answers; timeoutMs ${scenario.hangTimeoutMs}); the hanging ones were picked ` +
            `(ids searched) so their slots fall in the first 10 s of the minute and their holds overlap; healthy slots while any ` +
            `was held (${count(duringHang.length)}) are compared with the rest (${count(clear.length)})` +
            (longHolds.length
              ? `; ${longHolds.length} held past timeout + 1 s (${longHolds.slice(0, 3).join("; ")})`
              : "")
          : scenario.control
            ? `, the same ids and so the same slots as figure 4 but no hanging monitors: the control for its comparison, ` +
              `its slots split at the same offsets into the minute (${count(duringHang.length)} / ${count(clear.length)})`
            : "") +
        `. Window ${settings.minutes} min, from ${seconds(warmUpMs)} after the last object started; ` +
        `Monitor objects ${settings.eviction === "prevent" ? "kept in memory (unsafePreventEviction)" : "evicted by workerd after 10 s idle (its default)"}.`,
      `   ${count(checksInWindow)} checks in the window for ${count(all.slots)} slots, ${duplicates.length} duplicates${duplicates.length ? ` (${duplicates.slice(0, 3).join("; ")})` : ""}, ` +
        `${offSlot.length} off any slot by more than 5 s${offSlot.length ? ` (${offSlot.slice(0, 3).join("; ")})` : ""}; ` +
        `${count(all.slots - all.onTime)} slots without a check within ±5 s` +
        (worstHealthy
          ? `; latest healthy check ${millis(worstHealthy.late)} after its slot (${worstHealthy.id})`
          : "") +
        `. Target side (request arrival − slot) p50 / p99 / max ${spread(arrivalDeviations)}; ` +
        `${count(targetCounts.requests)} requests over ${count(targetCounts.connections)} connections since start.`,
      `   CPU over the window (/proc/<pid>/stat, utime+stime, 10 ms ticks): workerd ${seconds(cpuMs)} (${percent(cpuUser / cpuMs)} user) = ${percent(workerdShare)} of one core ` +
        `(idle before: ${percent(idleShare)}), ${Number.isNaN(perCheck) ? "n/a" : `${perCheck.toFixed(2)} ms`} per check counting everything it did (probes, SQLite, reports to the StatusPage, ` +
        `Miniflare's plumbing${settings.eviction === "allow" && intervalMs > 10_000 ? "; objects idle 10 s are evicted, so each check also re-creates its object" : ""}); the bench process with the targets ${percent(selfShare)} of one core; the whole machine ${percent(machineShare)} ` +
        `busy of ${availableParallelism()} cores (other processes included). workerd RSS ${rssMb === null ? "n/a" : `${rssMb.toFixed(0)} MB`}.`,
      `   StatusPage: ${count(Number(reports?.n ?? 0))} instances last reported within the window; monitor states at the end: ${stateText}. ` +
        `workerd logged: ${logs.summary()}.`,
    ];
    return { rows, notes: lines, ...(hangIds.length > 0 ? { heldAt: heldOffsets } : {}) };
  } finally {
    await worker.dispose();
  }
}

// ---------------------------------------------------------------- storage

/**
 * Figure 6: one Monitor object after a year. It checks for real at 10 s
 * (the densest samples), then gets 365 daily roll-ups and 72 h of samples
 * written into its tables: 72 h because raw samples are pruned once a day, at
 * the first check of a UTC day, so just before that they span up to 72 h.
 * The next real check runs the object's own compaction (two days rolled up,
 * samples cut back to 48 h); its size is read before and after, from
 * inspect().storageBytes (SQLite's page count × page size).
 */
async function storagePerMonitor(
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
    const id = "storage-probe";
    const name = `${id}@${REGION}`;
    const config = defineConfig({
      page: { name: "Bench Storage", url: "https://status.bench.example" },
      components: [{ id: "svc", name: "Service" }],
      monitors: [{ id, url: `${targets.url}/ok/${id}`, components: ["svc"], intervalSeconds: 10 }],
    });
    await worker.object(PAGE_OBJECT).reconcile(config);
    const inspect = async () => (await worker.monitorBatch(name, [["inspect"]]))[0] as MonitorInspection;
    const waitFor = async (what: string, done: (i: MonitorInspection) => boolean) => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const inspection = await inspect();
        if (done(inspection)) return inspection;
        if (Date.now() > deadline) throw new Error(`storage probe: ${what} did not happen within 60 s`);
        await sleep(250);
      }
    };
    const fresh = await waitFor("a first check", (i) => i.samples >= 1);
    const [real] = await worker.monitorSql(name, `SELECT * FROM samples ORDER BY at DESC LIMIT 1`);
    if (!real) throw new Error("storage probe: no sample");

    const now = Number(real.at);
    const today = Math.floor(now / DAY_MS) * DAY_MS;
    const sampleCount = (72 * 3_600_000) / 10_000;
    await worker.monitorSql(
      name,
      `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
       INSERT OR IGNORE INTO samples (at, outcome, latency_ms, status_code, state, summary)
       SELECT ? - i * 10000, 'up', 180 + (i * 7919) % 90, ?, 'up', ? FROM seq`,
      sampleCount,
      now,
      (real.status_code as number | null) ?? 200,
      String(real.summary),
    );
    // 365 finished days before the two the compaction will roll up from the samples; literal values, one statement.
    const days = Array.from({ length: 365 }, (_, k) => {
      const i = k + 3;
      const day = new Date(today - i * DAY_MS).toISOString().slice(0, 10);
      return `('${day}', 8640, ${i % 3}, ${i % 5}, ${(i % 3) * 10}, ${200 + (i % 40)}, ${260 + (i % 60)})`;
    });
    await worker.monitorSql(
      name,
      `INSERT OR REPLACE INTO daily (day, checks, down_checks, degraded_checks, down_seconds, mean_latency_ms, p95_latency_ms)
       VALUES ${days.join(", ")}`,
    );
    await worker.monitorSql(
      name,
      `INSERT INTO meta (key, value) VALUES ('rolled_until', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      String(today - 2 * DAY_MS),
    );
    const peak = await inspect();
    progress(
      `storage probe: ${count(peak.samples)} samples + ${peak.dailyRollups} days written; waiting for its next check`,
    );
    const after = await waitFor("the daily compaction", (i) => i.dailyRollups > peak.dailyRollups);
    const [span] = await worker.monitorSql(name, `SELECT MIN(at) AS first, MAX(at) AS last FROM samples`);
    const keptHours = (Number(span?.last) - Number(span?.first)) / 3_600_000;
    const mb = (bytes: number) => `${(bytes / 1_000_000).toFixed(2)} MB`;
    return {
      rows: [
        {
          figure: `6  storage per monitor: ${peak.dailyRollups} days + 72 h at 10 s`,
          value: mb(peak.storageBytes),
          budget: "none set",
        },
        {
          figure: `   after the daily compaction: ${after.dailyRollups} days + 48 h`,
          value: mb(after.storageBytes),
          budget: "none set",
        },
      ],
      notes: [
        `6: one Monitor object checking a local target at 10 s: ${mb(fresh.storageBytes)} after its first check. Then ${count(sampleCount)} samples ` +
          `(72 h at 10 s, the real check's summary "${String(real.summary)}") and 365 daily roll-ups written into its tables by SQL, rolled_until set two ` +
          `days back: ${count(peak.samples)} samples, ${peak.dailyRollups} days, ${mb(peak.storageBytes)}. Its next real check compacted ` +
          `(rolled up 2 days, kept ${keptHours.toFixed(1)} h of samples): ${count(after.samples)} samples, ${after.dailyRollups} days, ` +
          `${mb(after.storageBytes)}${after.storageBytes >= peak.storageBytes ? " (the file kept its freed pages)" : ""}. Raw samples are pruned once a day, ` +
          `so they span 48–72 h; 10 s is the densest interval. Not counted here: what the StatusPage object keeps per monitor ` +
          `(its instance row and the daily roll-ups it is sent, in monitor_daily). workerd logged: ${logs.summary()}.`,
      ],
    };
  } finally {
    await worker.dispose();
  }
}

// ---------------------------------------------------------------- the StatusPage under reports

/** Reports timed per measurement, sent 25 to a round trip through the driver Worker. */
const REPORTS = 200;
/** The StatusPage keeps one response-time row per component and hour, for 48 h. */
const LATENCY_HOURS = 48;

/**
 * Figure 7: what the StatusPage object pays per Monitor object's report, and
 * for a snapshot rebuild, with 1,000 monitors configured: first with nothing
 * stored yet, then with 48 h of hourly response times in latency_hourly
 * for every component, as after two days of running. The monitors are real (they
 * were kicked and made one check each) but check hourly, so they stay quiet
 * while the reports are sent by the bench through the driver Worker.
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
    let at = Date.now();
    const pid = worker.workerdPid;
    /** A sign of life with unchanged state, as most reports are: no component changes, no new version. */
    const measureReports = async () => {
      const calls: Call[] = Array.from({ length: REPORTS }, (_, i) => {
        const id = ids[(i * 37) % ids.length] as string;
        const known = states.get(id) ?? { state: "unknown" as const, since: at };
        at += 1;
        const report: MonitorReport = {
          monitorId: id,
          region: REGION,
          at,
          state: known.state,
          since: known.since,
          transition: null,
          latency: { from: at - REPORT_EVERY_MS, to: at, checks: 5, failures: 0, meanMs: 201 },
          rollups: [],
        };
        return ["reportMonitor", report];
      });
      await worker.batch(PAGE_OBJECT, calls.slice(0, 10));
      const cpu0 = processCpuMs(pid);
      const t0 = performance.now();
      for (let i = 10; i < calls.length; i += 25) await worker.batch(PAGE_OBJECT, calls.slice(i, i + 25));
      const wall = (performance.now() - t0) / (calls.length - 10);
      const cpu1 = processCpuMs(pid);
      const cpu = cpu0 !== null && cpu1 !== null ? (cpu1 - cpu0) / (calls.length - 10) : Number.NaN;
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
    const rate = ids.length / (REPORT_EVERY_MS / 1000);
    const busy = (fullReports.cpu * rate) / 1000;
    return {
      rows: [
        {
          figure: `7  StatusPage, one report of ${count(ids.length)}: nothing stored → 48 h`,
          value: `${fullReports.cpu < 0.005 && freshReports.cpu < 0.005 ? "n/a" : `${freshReports.cpu.toFixed(2)} → ${fullReports.cpu.toFixed(2)} ms`}`,
          budget: "workerd CPU",
        },
        {
          figure: `   its reports at ${rate.toFixed(1)}/s keep the object busy`,
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
        `7: ${count(ids.length)} HTTP monitors configured through reconcile() (hourly, so they stay quiet after their first check), ` +
          `${count(REPORTS - 10)} reports timed after 10 warm-up, each a sign of life with unchanged state, sent 25 per round trip through ` +
          `the driver Worker; workerd CPU from /proc per report, wall time per report ${millis(freshReports.wall)} → ${millis(fullReports.wall)}. ` +
          `Stored latency rows ${count(Number(before?.n ?? 0))} → ${count(Number(stored?.n ?? 0))} (${LATENCY_HOURS} per component: ` +
          `one row per hour for 48 h, whatever the number of reports). "Busy" is CPU per report × ${count(ids.length)} monitors' steady report rate. Snapshot rebuild ` +
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
        figure: 4,
        prefix: "m",
        healthy: settings.monitorsAt60s,
        intervalSeconds: 60,
        hangers: 10,
        hangTimeoutMs: 10_000,
      },
      ...(settings.control
        ? [
            {
              figure: 4,
              prefix: "m",
              healthy: settings.monitorsAt60s,
              intervalSeconds: 60,
              hangers: 0,
              hangTimeoutMs: 0,
              control: true,
            },
          ]
        : []),
      { figure: 5, prefix: "f", healthy: 100, intervalSeconds: 10, hangers: 0, hangTimeoutMs: 0 },
    ];
    let heldAt: [number, number][] | undefined;
    for (const scenario of scenarios) {
      if (!settings.parts.has(scenario.intervalSeconds === 60 ? "60s" : "10s")) continue;
      if (scenario.control && !heldAt) continue;
      const held = scenario.control ? heldAt : undefined;
      const outcome = await runScenario(bundlePath, scratch, targets, scenario, settings, progress, held);
      heldAt ??= outcome.heldAt;
      rows.push(...outcome.rows);
      allNotes.push(...outcome.notes);
    }
    if (settings.parts.has("storage")) {
      const storage = await storagePerMonitor(bundlePath, scratch, targets, progress);
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
