/**
 * What a check costs on Cloudflare's bill (`BENCH_ONLY=cost`), from the cost
 * lines every Durable Object logs at debug level (durable-objects/shared/cost-meter.ts):
 * Durable Object requests (alarms and RPC calls), SQLite rows written (each
 * `setAlarm()` included) and read, `setAlarm()` calls and active wall time.
 *
 * Each scenario (HTTP monitors at 60 s and at 10 s, TCP at 60 s, heartbeat at
 * 60 s pinged once an interval) runs the built Worker in its own workerd against
 * healthy local targets, side by side, applies its config with reconcile(),
 * and after a warm-up sums the lines of a window. The cron heartbeat runs as in
 * production, once a minute, as the StatusPage's tick() with the scenario's
 * config (the deployed one would replace it). Then the figures become dollars
 * a month on the paid plan and monitors that fit the free plan's daily limits,
 * at the list prices below.
 */
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { defineConfig, type LookoutConfig } from "../worker/config/define-config.ts";
import { type RunningWorker, startWorker } from "./harness.ts";
import type { Row } from "./stats.ts";
import { startTargets, type Targets } from "./targets.ts";

/**
 * Cloudflare's list prices and free-plan limits, as docs/reference/cloudflare-platform.md
 * took them from the Durable Objects and Workers pricing pages (late 2026).
 */
export const PRICES = {
  taken: "late 2026 (docs/reference/cloudflare-platform.md)",
  paidBaseUsd: 5,
  /** Per month: included, then USD per million over it. */
  paid: {
    doRequests: { included: 1_000_000, usdPerMillion: 0.15 },
    durationGbS: { included: 400_000, usdPerMillion: 12.5 },
    rowsWritten: { included: 50_000_000, usdPerMillion: 1.0 },
    rowsRead: { included: 25_000_000_000, usdPerMillion: 0.001 },
    workerRequests: { included: 10_000_000, usdPerMillion: 0.3 },
  },
  /** Per day; past one, operations of that kind fail until 00:00 UTC. */
  free: {
    doRequests: 100_000,
    durationGbS: 13_000,
    rowsWritten: 100_000,
    rowsRead: 5_000_000,
    workerRequests: 100_000,
  },
  /** Duration is billed at 128 MB per object, whatever it uses. */
  memoryGb: 0.125,
} as const;

const PAGE_OBJECT = "page";
const REGION = "default";
/** Healthy targets answer after this long, as in the monitor figures (bench/monitors.ts). */
const TARGET_DELAY_MS = 200;
/**
 * The first check comes within 10 s of a group's assignment; a monitor's
 * memory is rewritten on its first few checks (until its streak reaches the
 * largest threshold, 3 by default) and then not while it stays healthy. The
 * window starts after four intervals, in the steady state a month is made of.
 */
const warmUpMs = (intervalSeconds: number) => Math.max(25_000, 4 * intervalSeconds * 1000 + 15_000);
const MONTH_S = 30 * 86_400;
const DAY_S = 86_400;

export interface CostSettings {
  monitors: number;
  minutes: number;
}

export function costSettings(env: NodeJS.ProcessEnv = process.env): CostSettings {
  const monitors = Number(env.BENCH_COST_MONITORS ?? 20);
  // A healthy monitor reports every REPORT_EVERY_MS (5 min), first at its first check (in the warm-up): six
  // minutes hold each monitor's next report, which comes 5 or 6 checks later at 60 s. Shorter may see none.
  const minutes = Number(env.BENCH_COST_MINUTES ?? 6);
  if (!(monitors >= 1)) throw new Error(`BENCH_COST_MONITORS must be at least 1, not "${env.BENCH_COST_MONITORS}"`);
  if (!(minutes >= 1)) throw new Error(`BENCH_COST_MINUTES must be at least 1, not "${env.BENCH_COST_MINUTES}"`);
  return { monitors: Math.round(monitors), minutes };
}

type Kind = "http" | "tcp" | "heartbeat";

interface Scenario {
  kind: Kind;
  intervalSeconds: number;
}

const SCENARIOS: readonly Scenario[] = [
  { kind: "http", intervalSeconds: 60 },
  { kind: "http", intervalSeconds: 10 },
  { kind: "tcp", intervalSeconds: 60 },
  { kind: "heartbeat", intervalSeconds: 60 },
];

/** One `cost` line (durable-objects/shared/cost-meter.ts, CostLine) as it reaches Node. */
/**
 * A meter's `cost` line (durable-objects/shared/cost-meter.ts CostLine) as workerd printed it, with
 * the time it was logged; declared here as the Node tsconfig does not load the objects' workerd types.
 */
interface CostLine {
  time: string;
  object: string;
  name: string | null;
  method: string;
  rowsRead: number;
  rowsWritten: number;
  setAlarms: number;
  activeMs: number;
}

/** Sums of cost lines. `rowsWritten` here is SQL rows only; `billedWritten` adds setAlarm calls. */
interface Sum {
  requests: number;
  alarms: number;
  rowsRead: number;
  rowsWritten: number;
  setAlarms: number;
  activeMs: number;
}

const empty = (): Sum => ({ requests: 0, alarms: 0, rowsRead: 0, rowsWritten: 0, setAlarms: 0, activeMs: 0 });

function add(sum: Sum, line: CostLine): void {
  sum.requests++;
  if (line.method === "alarm") sum.alarms++;
  sum.rowsRead += line.rowsRead;
  sum.rowsWritten += line.rowsWritten;
  sum.setAlarms += line.setAlarms;
  sum.activeMs += line.activeMs;
}

function scaled(sum: Sum, by: number): Sum {
  return {
    requests: sum.requests / by,
    alarms: sum.alarms / by,
    rowsRead: sum.rowsRead / by,
    rowsWritten: sum.rowsWritten / by,
    setAlarms: sum.setAlarms / by,
    activeMs: sum.activeMs / by,
  };
}

function plus(a: Sum, b: Sum): Sum {
  return {
    requests: a.requests + b.requests,
    alarms: a.alarms + b.alarms,
    rowsRead: a.rowsRead + b.rowsRead,
    rowsWritten: a.rowsWritten + b.rowsWritten,
    setAlarms: a.setAlarms + b.setAlarms,
    activeMs: a.activeMs + b.activeMs,
  };
}

/** What one scenario measured: per check, per report and per cron tick. */
interface Measured {
  scenario: Scenario;
  monitors: number;
  checks: number;
  /** Monitor objects' costs per check. */
  monitor: Sum;
  /** The StatusPage's costs the monitors cause (reports, its alarm's kicks), per check, by method. */
  pageByMethod: Map<string, Sum>;
  /** Flag reads per check as production would see them (see `asInProduction`). */
  page: Sum;
  /** Per report (StatusPage methods named report…), and how many there were. */
  report: Sum | null;
  reports: number;
  /** One cron tick: the StatusPage's tick() and the alarm runs it causes, per tick. */
  tick: Sum;
  ticks: number;
  /** Worker requests per check: a heartbeat's ping reaches the Worker's /heartbeat route. */
  workerRequests: number;
  /** Monitors seen checking in the window, of those configured. */
  seen: number;
}

function scenarioConfig(scenario: Scenario, monitors: number, targets: Targets): LookoutConfig {
  const target = new URL(targets.url);
  const ids = monitorIds(scenario, monitors);
  return defineConfig({
    page: { name: "Bench Cost", url: "https://status.bench.example" },
    components: [{ id: "svc", name: "Service" }],
    monitors: ids.map((id) => {
      const common = { id, components: ["svc"], intervalSeconds: scenario.intervalSeconds };
      if (scenario.kind === "tcp")
        return { ...common, kind: "tcp" as const, host: target.hostname, port: Number(target.port) };
      if (scenario.kind === "heartbeat") return { ...common, kind: "heartbeat" as const };
      return { ...common, url: `${targets.url}/ok/${id}` };
    }),
  });
}

function monitorIds(scenario: Scenario, monitors: number): string[] {
  return Array.from(
    { length: monitors },
    (_, i) => `${scenario.kind}-${scenario.intervalSeconds}s-${String(i + 1).padStart(3, "0")}`,
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

async function runScenario(
  bundlePath: string,
  scratch: string,
  scenario: Scenario,
  settings: CostSettings,
  progress: (message: string) => void,
): Promise<Measured> {
  const label = `${scenario.kind} ${scenario.intervalSeconds} s`;
  const lines: CostLine[] = [];
  const problems = new Map<string, number>();
  const targets = await startTargets(TARGET_DELAY_MS);
  const worker: RunningWorker = await startWorker(bundlePath, mkdtempSync(join(scratch, `cost-${scenario.kind}-`)), {
    vars: { LOG_LEVEL: "debug" },
    onLog: (level, message) => {
      try {
        const parsed = JSON.parse(message) as Partial<CostLine> & { event?: string };
        if (parsed.event === "cost") lines.push(parsed as CostLine);
        else if (level === "warn" || level === "error") {
          const key = parsed.event ?? message.slice(0, 60);
          problems.set(key, (problems.get(key) ?? 0) + 1);
        }
      } catch {
        // Not one of Lookout's lines (workerd's own): not counted.
      }
      return true;
    },
  });
  try {
    const config = scenarioConfig(scenario, settings.monitors, targets);
    const ids = monitorIds(scenario, settings.monitors);
    await worker.object(PAGE_OBJECT).reconcile(config);
    const ping = () =>
      Promise.all(ids.map((id) => worker.monitorBatch(`${id}@${REGION}`, [["heartbeat", id]]))).then(() => undefined);
    const intervalMs = scenario.intervalSeconds * 1000;
    // The heartbeat's job calls once an interval; the cron ticks once a minute. Both start now, as in production.
    const timers: NodeJS.Timeout[] = [];
    const tick = () => worker.batch(PAGE_OBJECT, [["tick", config]]).then(() => undefined);
    const safely = (work: () => Promise<void>) => () => {
      work().catch((error: unknown) => progress(`${label}: ${String(error)}`));
    };
    if (scenario.kind === "heartbeat") {
      await ping();
      timers.push(setInterval(safely(ping), intervalMs));
    }
    timers.push(setInterval(safely(tick), 60_000));
    await sleep(warmUpMs(scenario.intervalSeconds));
    const from = Date.now();
    progress(`${label}: ${settings.monitors} monitors, measuring ${settings.minutes} min`);
    await sleep(settings.minutes * 60_000);
    const to = Date.now();
    for (const timer of timers) clearInterval(timer);
    // A check that ended in the window logged then; give workerd's output a moment to arrive.
    await sleep(2_000);
    const inWindow = lines.filter((line) => {
      const at = Date.parse(line.time);
      return at >= from && at < to;
    });
    const measured = summarize(scenario, settings.monitors, inWindow, await checksIn(worker, from, to));
    if (problems.size > 0) {
      progress(`${label}: warnings ${[...problems].map(([key, n]) => `${key} ×${n}`).join(", ")}`);
    }
    return measured;
  } finally {
    await worker.dispose();
    await targets.close();
  }
}

/**
 * The checks made in [from, to): the samples the probe groups stored (one run,
 * one row, many checks), and how many monitors they cover.
 */
async function checksIn(worker: RunningWorker, from: number, to: number): Promise<{ checks: number; seen: number }> {
  const groups = await worker.sql(PAGE_OBJECT, `SELECT name FROM probe_groups WHERE fingerprint != 'empty'`);
  let checks = 0;
  const seen = new Set<string>();
  for (const { name } of groups) {
    // A run's row carries its slot's time; its samples, when each check began (up to a timeout later).
    const rows = await worker.monitorSql(
      String(name),
      `SELECT results FROM runs WHERE at > ? AND at < ?`,
      from - 60_000,
      to,
    );
    for (const row of rows) {
      for (const [id, at] of JSON.parse(String(row.results)) as [string, number][]) {
        if (at < from || at >= to) continue;
        checks++;
        seen.add(id);
      }
    }
  }
  return { checks, seen: seen.size };
}

function summarize(
  scenario: Scenario,
  monitors: number,
  lines: readonly CostLine[],
  checked: { checks: number; seen: number },
): Measured {
  const monitor = empty();
  const byMethod = new Map<string, Sum>();
  const tick = empty();
  let ticks = 0;
  for (const line of lines) {
    if (line.object === "Monitor") {
      add(monitor, line);
      continue;
    }
    if (line.object !== "StatusPage") continue;
    if (line.method === "tick") {
      add(tick, line);
      ticks++;
      continue;
    }
    const sum = byMethod.get(line.method) ?? empty();
    add(sum, line);
    byMethod.set(line.method, sum);
  }
  const checks = checked.checks;
  const perCheck = (sum: Sum) => scaled(sum, Math.max(1, checks));
  const pageByMethod = new Map([...byMethod].map(([method, sum]) => [method, perCheck(sum)]));
  const reportSums = [...byMethod].filter(([method]) => method.startsWith("report")).map(([, sum]) => sum);
  const reports = reportSums.reduce((n, sum) => n + sum.requests, 0);
  const report = reports > 0 ? scaled(reportSums.reduce(plus, empty()), reports) : null;
  return {
    scenario,
    monitors,
    checks,
    monitor: perCheck(monitor),
    pageByMethod,
    page: pageShare(pageByMethod),
    report,
    reports,
    tick: ticks > 0 ? scaled(tick, ticks) : empty(),
    ticks,
    // Each heartbeat check is answered by one ping, once an interval.
    workerRequests: scenario.kind === "heartbeat" ? 1 : 0,
    seen: checked.seen,
  };
}

/** The StatusPage's share per check: every request the monitors cause there (reports, kicks), summed. */
function pageShare(byMethod: ReadonlyMap<string, Sum>): Sum {
  return [...byMethod.values()].reduce(plus, empty());
}

// ---------------------------------------------------------------- printing

const fixed = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");
const billedWritten = (sum: Sum) => sum.rowsWritten + sum.setAlarms;

function costRow(title: string, sum: Sum): string[] {
  return [
    title,
    fixed(sum.requests),
    fixed(sum.alarms),
    fixed(sum.requests - sum.alarms),
    fixed(billedWritten(sum)),
    fixed(sum.rowsRead),
    fixed(sum.setAlarms),
    fixed(sum.activeMs, 1),
  ];
}

function grid(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

const COST_HEADER = [
  "",
  "DO requests",
  "alarms",
  "RPC",
  "rows written (incl. setAlarm)",
  "rows read",
  "setAlarm",
  "active ms",
];

function scenarioTable(m: Measured): string {
  const title = `${m.scenario.kind.toUpperCase()} at ${m.scenario.intervalSeconds} s: ${m.monitors} monitors, ${m.checks} checks (${m.seen} monitors seen), ${m.reports} reports, ${m.ticks} cron ticks`;
  const rows = [
    costRow("per check: Monitor object", m.monitor),
    ...[...m.pageByMethod].map(([method, sum]) => costRow(`  StatusPage ${method} (measured)`, sum)),
    costRow("per check: StatusPage", m.page),
    costRow("per check: total", plus(m.monitor, m.page)),
    ...(m.report ? [costRow("per report (StatusPage)", m.report)] : []),
    costRow("per cron tick (StatusPage, fixed)", m.tick),
  ];
  const worker = m.workerRequests > 0 ? `\n  + ${fixed(m.workerRequests)} Worker requests per check (the ping)` : "";
  return `${title}\n${grid(COST_HEADER, rows)}${worker}`;
}

interface Usage {
  doRequests: number;
  rowsWritten: number;
  rowsRead: number;
  durationGbS: number;
  workerRequests: number;
}

/** Usage over `seconds` of `monitors` checking every `interval` s, plus one page's cron ticks. */
function usage(m: Measured, monitors: number, seconds: number): Usage {
  const checks = (monitors * seconds) / m.scenario.intervalSeconds;
  const ticks = seconds / 60;
  const check = plus(m.monitor, m.page);
  return {
    doRequests: checks * check.requests + ticks * m.tick.requests,
    rowsWritten: checks * billedWritten(check) + ticks * billedWritten(m.tick),
    rowsRead: checks * check.rowsRead + ticks * m.tick.rowsRead,
    durationGbS: ((checks * check.activeMs + ticks * m.tick.activeMs) / 1000) * PRICES.memoryGb,
    // The cron's own invocation, and each heartbeat ping.
    workerRequests: ticks + checks * m.workerRequests,
  };
}

function monthlyUsd(u: Usage): number {
  const over = (used: number, meter: { included: number; usdPerMillion: number }) =>
    (Math.max(0, used - meter.included) / 1e6) * meter.usdPerMillion;
  const p = PRICES.paid;
  return (
    PRICES.paidBaseUsd +
    over(u.doRequests, p.doRequests) +
    over(u.durationGbS, p.durationGbS) +
    over(u.rowsWritten, p.rowsWritten) +
    over(u.rowsRead, p.rowsRead) +
    over(u.workerRequests, p.workerRequests)
  );
}

function projection(measured: readonly Measured[]): string {
  const out: string[] = [];
  const rows: string[][] = [];
  for (const m of measured) {
    const name = `${m.scenario.kind} at ${m.scenario.intervalSeconds} s`;
    const perMonitor = monthlyUsd(usage(m, 10_000, MONTH_S)) - monthlyUsd(usage(m, 9_999, MONTH_S));
    rows.push([
      name,
      ...[100, 1_000, 10_000].map((n) => `$${fixed(monthlyUsd(usage(m, n, MONTH_S)))}`),
      `$${fixed(perMonitor, 3)}`,
    ]);
  }
  out.push(
    `Paid plan, USD per month (list prices ${PRICES.taken}; $5 base, included amounts taken off; storage not counted)`,
  );
  out.push(grid(["", "100 monitors", "1,000", "10,000", "each monitor past the included"], rows));

  const free: string[][] = [];
  for (const m of measured) {
    const perDay = usage(m, 1, DAY_S);
    const page = usage(m, 0, DAY_S);
    const fitting = (limit: number, key: keyof Usage) => {
      const per = perDay[key] - page[key];
      return per <= 0 ? Number.POSITIVE_INFINITY : Math.floor((limit - page[key]) / per);
    };
    const limits: [string, number][] = [
      ["DO requests", fitting(PRICES.free.doRequests, "doRequests")],
      ["rows written", fitting(PRICES.free.rowsWritten, "rowsWritten")],
      ["rows read", fitting(PRICES.free.rowsRead, "rowsRead")],
      ["duration", fitting(PRICES.free.durationGbS, "durationGbS")],
      ["Worker requests", fitting(PRICES.free.workerRequests, "workerRequests")],
    ];
    const binding = limits.reduce((a, b) => (b[1] < a[1] ? b : a));
    const shown = (n: number) => (Number.isFinite(n) ? n.toLocaleString("en-US") : "∞");
    free.push([
      `${m.scenario.kind} at ${m.scenario.intervalSeconds} s`,
      ...limits.map(([, n]) => shown(n)),
      `${shown(binding[1])} (${binding[0]})`,
    ]);
  }
  out.push("");
  out.push(
    `Free plan: monitors that fit each daily limit (${PRICES.free.doRequests.toLocaleString("en-US")} DO requests, ` +
      `${PRICES.free.rowsWritten.toLocaleString("en-US")} rows written, ${PRICES.free.rowsRead.toLocaleString("en-US")} rows read, ` +
      `${PRICES.free.durationGbS.toLocaleString("en-US")} GB-s at 128 MB, ${PRICES.free.workerRequests.toLocaleString("en-US")} Worker requests), one page's cron included`,
  );
  out.push(grid(["", "DO requests", "rows written", "rows read", "duration", "Worker requests", "fit"], free));
  return out.join("\n");
}

export async function costFigures(
  bundlePath: string,
  scratch: string,
  settings: CostSettings,
  progress: (message: string) => void,
): Promise<{ rows: Row[]; notes: string[] }> {
  // Side by side, each in its own workerd: the whole part takes one scenario's time.
  const measured = await Promise.all(
    SCENARIOS.map((scenario) => runScenario(bundlePath, scratch, scenario, settings, progress)),
  );
  const notes = [
    "What a check costs on Cloudflare (BENCH_ONLY=cost; durable-objects/shared/cost-meter.ts). Per check: the Monitor",
    "object's alarm and RPC calls, plus the StatusPage's requests the monitors cause (reports, its alarm's",
    "kicks and deliveries), divided by the checks made. Rows written include one per setAlarm(). Active ms is wall time",
    "with a request in flight (awaiting the target included; targets answer in 200 ms). Monitors share probe groups of",
    "20 (decision 0038): a run's alarm, setAlarm and row are shared by its checks. The cron tick is a fixed cost per",
    "page: one Worker request and one StatusPage tick() a minute.",
    "Not in a window of minutes: a probe group's once-a-day roll-up (one read of the day's runs; it deletes nothing in the steady state).",
    "",
    ...measured.map(scenarioTable).flatMap((table) => [table, ""]),
    projection(measured),
  ];
  const http60 = measured.find((m) => m.scenario.kind === "http" && m.scenario.intervalSeconds === 60);
  const rows: Row[] = http60
    ? [
        {
          figure: "cost: HTTP check at 60 s, DO requests / rows written / rows read",
          value: (() => {
            const check = plus(http60.monitor, http60.page);
            return `${fixed(check.requests)} / ${fixed(billedWritten(check))} / ${fixed(check.rowsRead)}`;
          })(),
        },
        {
          figure: "cost: 1,000 HTTP monitors at 60 s, paid plan",
          value: `$${fixed(monthlyUsd(usage(http60, 1_000, MONTH_S)))}/month`,
        },
      ]
    : [];
  return { rows, notes };
}
