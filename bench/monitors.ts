/**
 * The health checker's figures of DESIGN.md "Budgets" (issue 3, "Benchmarks"):
 *
 *   4. 1,000 monitors at 60 s against a local target answering in 200 ms, plus
 *      10 whose target hangs: share of slots checked within ±5 s, and whether
 *      a hanging target held up anyone else
 *   5. 100 monitors at 10 s: the same share
 *   6. storage of one Monitor object after a year of roll-ups; CPU per check
 *
 * Each scenario runs the built Worker in a fresh workerd (Miniflare), applies
 * its config with the StatusPage object's reconcile() RPC (never tick(), which
 * would re-apply the bundled lookout.config.ts), lets the object's alarm kick
 * the Monitor objects as in production, and after a warm-up measures a window
 * of BENCH_MONITOR_MINUTES minutes. The slot of a check is
 * `phase + k × interval`, phase from worker/core/monitors/schedule.ts; a check's
 * time is its sample's `at` in the Monitor object's SQLite, which is when the
 * probe started.
 */
import { mkdtempSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { defineConfig, type LookoutConfig } from "../worker/config/define-config.ts";
import { phaseOffsetMs } from "../worker/core/monitors/schedule.ts";
import { DAY_MS } from "../worker/core/uptime.ts";
import { type MonitorInspection, type RunningWorker, startWorker } from "./harness.ts";
import { machineCpu, processCpuMs, processRssMb } from "./proc.ts";
import { count, quantile, type Row, verdict } from "./stats.ts";
import { startTargets, type Targets } from "./targets.ts";

const PAGE_OBJECT = "page";
const REGION = "default";
/** A check counts as on time within this much of its slot (issue 3). */
const TOLERANCE_MS = 5_000;
/** The healthy target's answer time (issue 3). */
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
}

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
  return { minutes, eviction, monitorsAt60s: Math.round(monitorsAt60s) };
}

interface Scenario {
  figure: number;
  /** Monitor ids are `${prefix}-0001`… */
  prefix: string;
  healthy: number;
  intervalSeconds: number;
  hangers: number;
  hangTimeoutMs: number;
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
function matchSlots(series: Series, from: number, to: number): { records: SlotRecord[]; duplicates: number } {
  const { phase, intervalMs } = series;
  const hits = new Map<number, number>();
  let duplicates = 0;
  for (const check of series.checks) {
    const nearest = phase + Math.round((check.at - phase) / intervalMs) * intervalMs;
    if (Math.abs(check.at - nearest) > TOLERANCE_MS || nearest < from || nearest >= to) continue;
    if (hits.has(nearest)) duplicates++;
    else hits.set(nearest, check.at - nearest);
  }
  const records = slotsIn(phase, intervalMs, from, to).map((slot) => ({
    id: series.id,
    hang: series.hang,
    slot,
    deviation: hits.get(slot) ?? null,
  }));
  return { records, duplicates };
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

const percent = (ratio: number) => (Number.isNaN(ratio) ? "n/a" : `${(ratio * 100).toFixed(2)} %`);
const seconds = (ms: number) => (Number.isNaN(ms) ? "n/a" : `${(ms / 1000).toFixed(1)} s`);
const millis = (ms: number) =>
  Number.isNaN(ms) ? "n/a" : Math.abs(ms) >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
const spread = (values: readonly number[]) =>
  values.length === 0
    ? "n/a"
    : `${millis(quantile(values, 0.5))} / ${millis(quantile(values, 0.99))} / ${millis(Math.max(...values))}`;

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
  const windowMs = settings.minutes * 60_000;
  const healthyIds = Array.from(
    { length: scenario.healthy },
    (_, i) => `${scenario.prefix}-${String(i + 1).padStart(4, "0")}`,
  );
  const hangIds = hangingIds(scenario.prefix, scenario.hangers, intervalMs);
  const total = healthyIds.length + hangIds.length;
  const label = `${count(scenario.healthy)} × ${scenario.intervalSeconds} s${hangIds.length ? ` + ${hangIds.length} hanging` : ""}`;
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

    // Warm-up: every object has made its first check (within 10 s of its start) and is on its slots.
    const from = allStartedAt + FIRST_CHECK_WITHIN_MS + 1_000;
    await sleepUntil(from, progress);
    const to = from + windowMs;
    const cpu0 = processCpuMs(pid);
    const self0 = process.cpuUsage();
    const machine0 = machineCpu();
    progress(`${label}: measuring ${settings.minutes} min`);
    await sleepUntil(to, progress, async () => {
      const c = await targets.counts();
      return `${label}: ${count(c.requests)} requests reached the targets, ${c.hanging} hanging now, ${count(c.connections)} connections`;
    });
    const cpu1 = processCpuMs(pid);
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
      `SELECT COUNT(*) AS n FROM monitor_latency WHERE at >= ? AND at < ?`,
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
    let duplicates = 0;
    const records: SlotRecord[] = [];
    for (const s of series) {
      const matched = matchSlots(s, from, to);
      records.push(...matched.records);
      duplicates += matched.duplicates;
    }
    const all = share(records);
    const healthySeries = series.filter((s) => !s.hang);
    const hangSeries = series.filter((s) => s.hang);
    const checksInWindow = series.reduce((n, s) => n + s.checks.filter((c) => c.at >= from && c.at < to).length, 0);
    const healthyLateness = healthySeries.flatMap((s) => lateness(s, from, to));
    const worstHealthy = healthySeries
      .map((s) => ({ id: s.id, late: Math.max(-Infinity, ...lateness(s, from, to)) }))
      .sort((a, b) => b.late - a.late)[0];

    // A hanging check holds its object from its start until it gives up.
    const holds = hangSeries.flatMap((s) => s.checks.map((c) => [c.at, c.at + c.latencyMs] as const));
    const healthyRecords = records.filter((r) => !r.hang);
    const duringHang = healthyRecords.filter((r) => holds.some(([a, b]) => a <= r.slot && r.slot <= b));
    const clear = healthyRecords.filter((r) => !holds.some(([a, b]) => a <= r.slot && r.slot <= b));
    const deviations = (list: readonly SlotRecord[]) =>
      list.filter((r) => r.deviation !== null).map((r) => r.deviation as number);
    const hangChecks = hangSeries.flatMap((s) => s.checks.filter((c) => c.at >= from && c.at < to));
    const hangShare = share(records.filter((r) => r.hang));

    // The target's view: when each request arrived, against its slot.
    const arrivalDeviations: number[] = [];
    for (const s of healthySeries) {
      for (const at of arrivals.get(s.id) ?? []) {
        if (at < from || at >= to) continue;
        arrivalDeviations.push(at - (s.phase + Math.floor((at + 1_000 - s.phase) / intervalMs) * intervalMs));
      }
    }

    const cpuMs = cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : Number.NaN;
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
        verdict: verdict(healthyLateness.length > 0 && Math.max(...healthyLateness) <= TOLERANCE_MS),
      },
    ];
    if (hangIds.length > 0) {
      const during = share(duringHang);
      const without = share(clear);
      rows.push(
        {
          figure: "   healthy on time: a target hanging / none",
          value: `${percent(during.ratio)} / ${percent(without.ratio)}`,
          budget: "no hold-up",
          verdict: verdict(during.slots > 0 && during.ratio >= 0.999 && during.ratio >= without.ratio - 0.001),
        },
        {
          figure: "   (diagnostic) their deviation p99 / max",
          value: `${spread(deviations(duringHang)).split(" / ").slice(1).join(" / ")} | ${spread(deviations(clear)).split(" / ").slice(1).join(" / ")}`,
          budget: "hang | none",
        },
        {
          figure: "   hanging monitors: on time; gave up after",
          value: `${percent(hangShare.ratio)}; ${millis(
            quantile(
              hangChecks.map((c) => c.latencyMs),
              0.5,
            ),
          )}`,
          budget: `timeout ${seconds(scenario.hangTimeoutMs)}`,
        },
      );
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
            `(ids searched) so their slots fall in the first 10 s of the minute: their holds overlap, and healthy slots outside them are the control`
          : "") +
        `. Window ${settings.minutes} min, from ${seconds(FIRST_CHECK_WITHIN_MS + 1_000)} after the last object started; ` +
        `Monitor objects ${settings.eviction === "prevent" ? "kept in memory (unsafePreventEviction)" : "evicted by workerd after 10 s idle (its default)"}.`,
      `   ${count(checksInWindow)} checks in the window for ${count(all.slots)} slots, ${duplicates} duplicates; ` +
        `${count(all.slots - all.onTime)} slots without a check within ±5 s` +
        (worstHealthy
          ? `; latest healthy check ${millis(worstHealthy.late)} after its slot (${worstHealthy.id})`
          : "") +
        `. Target side (request arrival − slot) p50 / p99 / max ${spread(arrivalDeviations)}; ` +
        `${count(targetCounts.requests)} requests over ${count(targetCounts.connections)} connections since start.`,
      `   CPU over the window (/proc/<pid>/stat, utime+stime, 10 ms ticks): workerd ${seconds(cpuMs)} = ${percent(workerdShare)} of one core ` +
        `(idle before: ${percent(idleShare)}), ${millis(perCheck)} per check counting everything it did (probes, SQLite, reports to the StatusPage, ` +
        `Miniflare's plumbing); the bench process with the targets ${percent(selfShare)} of one core; the whole machine ${percent(machineShare)} ` +
        `busy of ${availableParallelism()} cores (other processes included). workerd RSS ${rssMb === null ? "n/a" : `${rssMb.toFixed(0)} MB`}.`,
      `   StatusPage: ${count(Number(reports?.n ?? 0))} latency reports in the window; monitor states at the end: ${stateText}. ` +
        `workerd logged: ${logs.summary()}.`,
    ];
    return { rows, notes: lines };
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
          `so they span 48–72 h; 10 s is the densest interval. The StatusPage object also keeps, per monitor, 48 h of 5-minute latency ` +
          `reports (576 rows) and every daily roll-up it is sent (monitor_daily is never pruned). workerd logged: ${logs.summary()}.`,
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
      { figure: 5, prefix: "f", healthy: 100, intervalSeconds: 10, hangers: 0, hangTimeoutMs: 0 },
    ];
    for (const scenario of scenarios) {
      const outcome = await runScenario(bundlePath, scratch, targets, scenario, settings, progress);
      rows.push(...outcome.rows);
      allNotes.push(...outcome.notes);
    }
    const storage = await storagePerMonitor(bundlePath, scratch, targets, progress);
    rows.push(...storage.rows);
    allNotes.push(...storage.notes);
  } finally {
    await targets.close();
  }
  return { rows, notes: allNotes };
}
