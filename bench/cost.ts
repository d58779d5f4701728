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
 *
 * The statuspage scenarios (issue 14; alone with `BENCH_ONLY=providers`)
 * follow local providers' pages (bench/providers.ts) instead: 100 monitors
 * over 10 providers, once with every page steady and once with one provider
 * going through an incident during the window, and add the providers' own
 * counts: how many readings were conditional and how many a 304 answered.
 */
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { defineConfig, type LookoutConfig } from "../worker/config/define-config.ts";
import { type RunningWorker, startWorker } from "./harness.ts";
import { type LocalProviders, startProviders } from "./providers.ts";
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
  /** The statuspage scenario's monitors, and the providers they follow (each monitor one provider's page). */
  providerMonitors: number;
  providers: number;
}

export function costSettings(env: NodeJS.ProcessEnv = process.env): CostSettings {
  const monitors = Number(env.BENCH_COST_MONITORS ?? 20);
  // A healthy monitor reports every REPORT_EVERY_MS (5 min), first at its first check (in the warm-up): six
  // minutes hold each monitor's next report, which comes 5 or 6 checks later at 60 s. Shorter may see none.
  const minutes = Number(env.BENCH_COST_MINUTES ?? 6);
  if (!(monitors >= 1)) throw new Error(`BENCH_COST_MONITORS must be at least 1, not "${env.BENCH_COST_MONITORS}"`);
  if (!(minutes >= 1)) throw new Error(`BENCH_COST_MINUTES must be at least 1, not "${env.BENCH_COST_MINUTES}"`);
  const providerMonitors = Number(env.BENCH_PROVIDER_MONITORS ?? 100);
  const providers = Number(env.BENCH_PROVIDERS ?? 10);
  if (!(providerMonitors >= 1)) {
    throw new Error(`BENCH_PROVIDER_MONITORS must be at least 1, not "${env.BENCH_PROVIDER_MONITORS}"`);
  }
  if (!(providers >= 1 && providers <= providerMonitors)) {
    throw new Error(`BENCH_PROVIDERS must be from 1 to BENCH_PROVIDER_MONITORS, not "${env.BENCH_PROVIDERS}"`);
  }
  return {
    monitors: Math.round(monitors),
    minutes,
    providerMonitors: Math.round(providerMonitors),
    providers: Math.round(providers),
  };
}

type Kind = "http" | "tcp" | "heartbeat" | "statuspage";

interface Scenario {
  kind: Kind;
  intervalSeconds: number;
  /** Statuspage only: one provider goes through an incident in the window (otherwise every page stays as it is). */
  providerIncident?: boolean;
}

/** "http at 60 s"; a statuspage scenario says whether a provider moved. */
const scenarioName = (s: Scenario) =>
  `${s.kind} at ${s.intervalSeconds} s${s.kind !== "statuspage" ? "" : s.providerIncident ? ", an incident" : ", steady"}`;

const SCENARIOS: readonly Scenario[] = [
  { kind: "http", intervalSeconds: 60 },
  { kind: "http", intervalSeconds: 10 },
  { kind: "tcp", intervalSeconds: 60 },
  { kind: "heartbeat", intervalSeconds: 60 },
  { kind: "statuspage", intervalSeconds: 60, providerIncident: false },
  { kind: "statuspage", intervalSeconds: 60, providerIncident: true },
];

/** Which scenarios a run measures: all of them (`BENCH_ONLY=cost`), or the providers' alone (`BENCH_ONLY=providers`). */
export type CostPart = "all" | "providers";

/**
 * What the statuspage monitors follow on each provider's page (the real
 * Instructure sample, scripts/provider-scenarios.ts): half of them something
 * the incident touches (its group "Canvas", children of it, or the whole
 * page), half something it leaves alone, as a team follows a few providers
 * narrowed to the parts it uses. A change on a provider's page then costs
 * both ways: a new status for the first half (a state change, a report), new
 * validators only for the second (the page changed, not what they follow).
 */
const PROVIDER_SELECTIONS: readonly (string[] | undefined)[] = [
  ["Canvas"],
  ["— Chat"],
  ["— Media tools"],
  ["9dlvqx1drp3d"],
  undefined,
  ["Portfolium"],
  ["Website"],
  ["MasteryConnect"],
  ["Portal"],
  ["Reporting"],
];

/** The provider that changes during the window, and when (fractions of the window): an incident's life. */
const PROVIDER_MOVES = [
  { share: 0.15, scenario: "degraded" },
  { share: 0.4, scenario: "incident" },
  { share: 0.65, scenario: "resolved" },
] as const;

/** The provider's keys on the local server: p01, p02, … */
const providerKeys = (providers: number) =>
  Array.from({ length: providers }, (_, i) => `p${String(i + 1).padStart(2, "0")}`);

/** What the providers' pages counted in the window (scripts/provider-page.ts ProviderStats), and what moved. */
interface ProviderCounts {
  providers: number;
  requests: number;
  conditional: number;
  notModified: number;
  bytesWritten: number;
  moves: string[];
}

/**
 * A meter's `cost` line (durable-objects/shared/cost-meter.ts CostLine) as workerd printed it, with
 * the time it was logged; declared here as the Node tsconfig does not load the objects' workerd types.
 */
export interface CostLine {
  time: string;
  object: string;
  name: string | null;
  method: string;
  rowsRead: number;
  rowsWritten: number;
  setAlarms: number;
  activeMs: number;
}

/** What one workerd logged while a bench ran: the cost lines in order, and its warnings and errors counted by event. */
export interface CostLog {
  lines: CostLine[];
  problems: Map<string, number>;
  /** For startWorker's `onLog` (bench/harness.ts), with LOG_LEVEL debug: swallows every line, keeping what counts. */
  onLog: (level: string, message: string) => boolean;
}

/** Gathers what one workerd logs: each scenario here starts one, and so does the console figure (bench/console.ts). */
export function costLog(): CostLog {
  const lines: CostLine[] = [];
  const problems = new Map<string, number>();
  const onLog = (level: string, message: string): boolean => {
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
  };
  return { lines, problems, onLog };
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
  /** The statuspage scenario's: the providers' counts, and how many rows each probe group's alarm wrote. */
  providers?: ProviderCounts;
  alarmRows?: Map<number, number>;
}

/** The local parts a scenario checks: healthy targets, or providers' pages. */
type Endpoints = { targets: Targets; providers?: undefined } | { providers: LocalProviders; targets?: undefined };

function scenarioConfig(scenario: Scenario, monitors: number, endpoints: Endpoints, settings: CostSettings) {
  if (endpoints.providers) return providerConfig(scenario, monitors, endpoints.providers, settings.providers);
  const targets = endpoints.targets;
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

/** Each statuspage monitor drives a third-party component of its own, as a provider's components are shown. */
function providerConfig(
  scenario: Scenario,
  monitors: number,
  providers: LocalProviders,
  providerCount: number,
): LookoutConfig {
  const keys = providerKeys(providerCount);
  const ids = monitorIds(scenario, monitors);
  return defineConfig({
    page: { name: "Bench Cost", url: "https://status.bench.example" },
    groups: [{ id: "third-party", name: "Third-party services" }],
    components: ids.map((id) => ({ id, name: id, group: "third-party" })),
    monitors: ids.map((id, i) => {
      const selection = PROVIDER_SELECTIONS[Math.floor(i / providerCount) % PROVIDER_SELECTIONS.length];
      return {
        id,
        kind: "statuspage" as const,
        url: providers.pageUrl(keys[i % providerCount] as string),
        components: [id],
        intervalSeconds: scenario.intervalSeconds,
        ...(selection ? { providerComponents: selection } : {}),
      };
    }),
  });
}

const monitorsOf = (scenario: Scenario, settings: CostSettings) =>
  scenario.kind === "statuspage" ? settings.providerMonitors : settings.monitors;

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
  const label = `${scenario.kind} ${scenario.intervalSeconds} s${scenario.kind === "statuspage" ? (scenario.providerIncident ? " (incident)" : " (steady)") : ""}`;
  const { lines, problems, onLog } = costLog();
  const endpoints: Endpoints =
    scenario.kind === "statuspage"
      ? { providers: await startProviders(TARGET_DELAY_MS) }
      : { targets: await startTargets(TARGET_DELAY_MS) };
  const monitors = monitorsOf(scenario, settings);
  const worker: RunningWorker = await startWorker(bundlePath, mkdtempSync(join(scratch, `cost-${scenario.kind}-`)), {
    vars: { LOG_LEVEL: "debug" },
    onLog,
  });
  try {
    const config = scenarioConfig(scenario, monitors, endpoints, settings);
    const ids = monitorIds(scenario, monitors);
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
    progress(`${label}: ${monitors} monitors, measuring ${settings.minutes} min`);
    const providers = endpoints.providers;
    const keys = providerKeys(settings.providers);
    const before = providers ? await providers.stats(keys) : null;
    const moves: string[] = [];
    const moved: NodeJS.Timeout[] = [];
    if (providers && scenario.providerIncident) {
      // One provider's page goes through an incident in the window; the others stay as they are.
      const [key = "p01"] = keys;
      for (const move of PROVIDER_MOVES) {
        const afterMs = Math.round(move.share * settings.minutes * 60_000);
        const run = () =>
          providers.move(key, move.scenario).then(() => {
            moves.push(`${key} ${move.scenario} at +${Math.round(afterMs / 1000)} s`);
          });
        moved.push(setTimeout(safely(run), afterMs));
      }
    }
    await sleep(settings.minutes * 60_000);
    const to = Date.now();
    for (const timer of timers) clearInterval(timer);
    for (const timer of moved) clearTimeout(timer);
    const after = providers ? await providers.stats(keys) : null;
    // A check that ended in the window logged then; give workerd's output a moment to arrive.
    await sleep(2_000);
    const inWindow = lines.filter((line) => {
      const at = Date.parse(line.time);
      return at >= from && at < to;
    });
    const measured = summarize(scenario, monitors, inWindow, await checksIn(worker, from, to));
    if (before && after) {
      measured.providers = {
        providers: keys.length,
        requests: after.requests - before.requests,
        conditional: after.conditional - before.conditional,
        notModified: after.notModified - before.notModified,
        bytesWritten: after.bytesWritten - before.bytesWritten,
        moves,
      };
      measured.alarmRows = alarmRows(inWindow);
    }
    if (problems.size > 0) {
      progress(`${label}: warnings ${[...problems].map(([key, n]) => `${key} ×${n}`).join(", ")}`);
    }
    return measured;
  } finally {
    await worker.dispose();
    await (endpoints.providers ?? endpoints.targets).close();
  }
}

/** How many rows (setAlarm included) each probe group's run wrote: a run of steady readings writes its fixed few. */
function alarmRows(lines: readonly CostLine[]): Map<number, number> {
  const runs = new Map<number, number>();
  for (const line of lines) {
    if (line.object !== "Monitor" || line.method !== "alarm") continue;
    const rows = line.rowsWritten + line.setAlarms;
    runs.set(rows, (runs.get(rows) ?? 0) + 1);
  }
  return new Map([...runs].sort(([a], [b]) => a - b));
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
  const name = scenarioName(m.scenario);
  const title = `${name.slice(0, name.indexOf(" ")).toUpperCase()}${name.slice(name.indexOf(" "))}: ${m.monitors} monitors, ${m.checks} checks (${m.seen} monitors seen), ${m.reports} reports, ${m.ticks} cron ticks`;
  const rows = [
    costRow("per check: Monitor object", m.monitor),
    ...[...m.pageByMethod].map(([method, sum]) => costRow(`  StatusPage ${method} (measured)`, sum)),
    costRow("per check: StatusPage", m.page),
    costRow("per check: total", plus(m.monitor, m.page)),
    ...(m.report ? [costRow("per report (StatusPage)", m.report)] : []),
    costRow("per cron tick (StatusPage, fixed)", m.tick),
  ];
  const worker = m.workerRequests > 0 ? `\n  + ${fixed(m.workerRequests)} Worker requests per check (the ping)` : "";
  return `${title}\n${grid(COST_HEADER, rows)}${worker}${providerLines(m)}`;
}

const percent = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)} %` : "n/a");

/** The providers' side of the statuspage scenario: readings, how many were conditional, how many a 304 answered. */
function providerLines(m: Measured): string {
  const p = m.providers;
  if (!p) return "";
  const runs = [...(m.alarmRows ?? [])].map(([rows, n]) => `${rows} rows ×${n}`).join(", ");
  return [
    "",
    `  providers: ${p.providers} local pages; moved in the window: ${p.moves.join(", ") || "none"}`,
    `  readings ${p.requests}: conditional ${p.conditional} (${percent(p.conditional, p.requests)}), ` +
      `answered 304 ${p.notModified} (${percent(p.notModified, p.requests)}), read whole ${p.requests - p.notModified} ` +
      `(${(p.bytesWritten / 1000).toFixed(1)} kB)`,
    `  probe groups' runs by rows written (setAlarm included): ${runs || "none"}`,
  ].join("\n");
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
    const name = scenarioName(m.scenario);
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
    free.push([scenarioName(m.scenario), ...limits.map(([, n]) => shown(n)), `${shown(binding[1])} (${binding[0]})`]);
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
  part: CostPart = "all",
): Promise<{ rows: Row[]; notes: string[] }> {
  const scenarios = SCENARIOS.filter((s) => part === "all" || s.kind === "statuspage");
  // Side by side, each in its own workerd: the whole part takes one scenario's time.
  const measured = await Promise.all(
    scenarios.map((scenario) => runScenario(bundlePath, scratch, scenario, settings, progress)),
  );
  const notes = [
    "What a check costs on Cloudflare (BENCH_ONLY=cost; durable-objects/shared/cost-meter.ts). Per check: the Monitor",
    "object's alarm and RPC calls, plus the StatusPage's requests the monitors cause (reports, its alarm's",
    "kicks and deliveries), divided by the checks made. Rows written include one per setAlarm(). Active ms is wall time",
    "with a request in flight (awaiting the target included; targets answer in 200 ms). Monitors share probe groups of",
    "20 (decision 0038): a run's alarm, setAlarm and row are shared by its checks. The cron tick is a fixed cost per",
    "page: one Worker request and one StatusPage tick() a minute.",
    "Not in a window of minutes: a probe group's once-a-day roll-up (one read of the day's runs; it deletes nothing in the steady state).",
    ...(scenarios.some((s) => s.kind === "statuspage")
      ? [
          `Statuspage at 60 s (BENCH_ONLY=providers alone): ${settings.providerMonitors} monitors over ${settings.providers} local`,
          "provider pages (bench/providers.ts; BENCH_PROVIDER_MONITORS, BENCH_PROVIDERS), each monitor a component of its own",
          "and a selection of the page's components, half of them in the group the incident touches; pages answer in 200 ms.",
          "Two runs side by side: steady (no page changes) and an incident (one provider goes degraded, partial outage,",
          "resolved in the window: far more often than a real provider changes). Readings and 304s are the providers' own counts.",
        ]
      : []),
    "",
    ...measured.map(scenarioTable).flatMap((table) => [table, ""]),
    projection(measured),
  ];
  const http60 = measured.find((m) => m.scenario.kind === "http" && m.scenario.intervalSeconds === 60);
  const rows: Row[] = [...(http60 ? httpRows(http60) : [])];
  const steady = measured.find((m) => m.scenario.kind === "statuspage" && !m.scenario.providerIncident);
  const incident = measured.find((m) => m.scenario.kind === "statuspage" && m.scenario.providerIncident);
  if (steady && incident) rows.push(...providerRows(steady, incident));
  return { rows, notes };
}

function httpRows(http60: Measured): Row[] {
  return [
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
  ];
}

/** The statuspage figures, steady | with one provider's incident in the window. */
function providerRows(steady: Measured, incident: Measured): Row[] {
  const both = (of: (m: Measured) => string) => `${of(steady)} | ${of(incident)}`;
  const check = (m: Measured) => {
    const sum = plus(m.monitor, m.page);
    return `${fixed(sum.requests)} / ${fixed(billedWritten(sum))} / ${fixed(sum.rowsRead)}`;
  };
  const share = (m: Measured) => {
    const p = m.providers;
    return p ? `${percent(p.conditional, p.requests)} / ${percent(p.notModified, p.requests)}` : "n/a";
  };
  const dollars = (m: Measured) =>
    `$${fixed(monthlyUsd(usage(m, 100, MONTH_S)))} / $${fixed(monthlyUsd(usage(m, 1_000, MONTH_S)))}`;
  return [
    {
      figure: `cost: statuspage check at 60 s (${steady.monitors} monitors), DO requests / rows written / rows read, steady | an incident`,
      value: both(check),
    },
    { figure: "providers: readings conditional / answered 304, steady | an incident", value: both(share) },
    {
      figure: "cost: 100 / 1,000 statuspage monitors at 60 s, paid plan a month, steady | an incident",
      value: both(dollars),
    },
  ];
}
