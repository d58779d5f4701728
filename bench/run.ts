/**
 * `npm run bench`: the budgets of docs/budgets.md that one machine can
 * measure in a few minutes, each taken as a ratio, a size or a share within
 * one run so that the machine's speed cancels out as far as it can. Prints
 * figures; never fails on them.
 *
 *   1. cached `/` throughput against `/robots.txt`, same Worker, same run, and beside it
 *      the page-freshness figure: age of what readers are served while the page changes (bench/freshness.ts)
 *   2. uncached render of the reference page, and its gzipped weight
 *   3. snapshot rebuild + render with 10 and with 10,000 resolved incidents
 *   4. 1,000 monitors at 60 s + 10 hanging targets: checks on their slots (bench/monitors.ts)
 *   5. 100 monitors at 10 s: checks on their slots
 *   6. storage of one probe group after 48 h of runs; CPU per check (with 4 and 5)
 *   7. the StatusPage object's cost per probe group's report and per snapshot, before and after 48 h of latency
 *   8. communicator API: latency of posting an incident update, idle and under read load (bench/api.ts)
 *   9. sustained API writes per second to the one StatusPage object
 *  10. from a write's 2xx to the page showing it
 *  11. export and import of a page with 10,000 incidents
 *  12. one incident update to 10,000 email subscribers over local SMTP (bench/mail.ts)
 *  13. the same through an SMTP server refusing 10 % of transactions
 *  14. the declaring API call with 10,000 subscribers and with none
 *  15. one incident to 100 webhook endpoints over local HTTP, signatures verified (bench/webhooks.ts)
 *  16. the same with 10 more endpoints that never answer
 *  17. the declaring API call with 110 webhook endpoints and with none
 *  18. outage → first alert at a local Slack-speaking receiver, 20 outages (bench/alerts.ts)
 *  19. escalation steps' timing error against the policy
 *  20. 1,000 monitors down within 10 s: messages per channel, rate limits
 *  21. what a check costs on Cloudflare's bill, per monitor kind and interval, and in dollars (bench/cost.ts);
 *      among them 100 statuspage monitors at 60 s against local providers, and the share of readings a 304 answered
 *  22. each console page beside the public front page: wall time, Durable Object requests, rows, workerd CPU,
 *      weight and dollars per 1,000 views (bench/console.ts; only with BENCH_ONLY=console)
 *
 * Environment:
 *   BENCH_ONLY=page|freshness|api|mail|webhooks|monitors|alerts|cost|providers|console   run one part (default all: page ~1 min + the
 *                              freshness run, api ~2 min, mail ~6 min, webhooks ~2 min, monitors ~3 × window + 2 min,
 *                              alerts ~4 min + the storm window);
 *                              freshness = figure 1 and the freshness figure only; cost ~11 min;
 *                              providers = figure 21's statuspage scenario alone (~11 min);
 *                              console = figure 22 (~1 min), not part of the default run
 *   BENCH_FRESHNESS_SECONDS=300   length of the freshness run (the budget's 5 minutes; shorter for a quick run)
 *   BENCH_FRESHNESS_CHANGE_SECONDS=30   a change readers see (through the API) this often during it
 *   BENCH_FRESHNESS_READERS=12   readers polling `/` and v2 JSON, each pausing at random between GETs
 *   BENCH_FRESHNESS_MAX_PAUSE_SECONDS=10   longest pause (uniform from 0)
 *   BENCH_MAIL_SUBSCRIBERS=10000   email subscribers of figures 12 and 13 (smaller for a quick run)
 *   BENCH_MAIL_TIMEOUT_MINUTES=9   stop waiting for a mail scenario's last mail after this long
 *   BENCH_MONITOR_MINUTES=5    measured window of figures 4 and 5 (the budget's 5; 2 for a quick run)
 *   BENCH_MONITOR_EVICTION=allow|prevent   probe groups (Monitor objects) evicted when idle (workerd's default) or kept
 *   BENCH_MONITOR_COUNT=1000   healthy monitors at 60 s (smaller only for a smoke run)
 *   BENCH_MONITOR_CONTROL=1    also rerun figure 4 with the hanging targets answering (one more window)
 *   BENCH_MONITOR_PARTS=60s,10s,storage,reports   which monitor figures run (4, 5, 6, 7; default these; "mixed" adds 5b:
 *                              a 60 s monitor whose target hangs 30 s beside 10 s ones)
 *   BENCH_MONITOR_DUMP=dir     write each monitor scenario's samples, runs and target arrivals there as JSON
 *   BENCH_ALERT_OUTAGES=20     outages of figures 18 and 19 (5 for a quick run)
 *   BENCH_ALERT_STORM_MONITORS=1000   monitors going down in figure 20
 *   BENCH_ALERT_STORM_MINUTES=5   figure 20's observed window (1 for a quick run)
 *   BENCH_ALERT_PARTS=outage,storm   which alert figures run (18 and 19, 20; default both)
 *   BENCH_COST_MONITORS=20     monitors per cost scenario (HTTP 60 s, HTTP 10 s, TCP 60 s, heartbeat 60 s; run side by side)
 *   BENCH_COST_MINUTES=6       measured window of the cost scenarios, after a 25 s warm-up (a healthy monitor
 *                              reports every 5 min: a shorter window may see no report)
 *   BENCH_PROVIDER_MONITORS=100   statuspage monitors of the cost figures' providers scenario
 *   BENCH_PROVIDERS=10         local provider pages they follow (each monitor one page)
 *   BENCH_CONSOLE_SUBSCRIBERS=200   confirmed subscribers on the page of figure 22 (its subscribers page counts them)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { alertFigures, alertSettings } from "./alerts.ts";
import { apiFigures } from "./api.ts";
import { consoleFigures, consoleSubscribers } from "./console.ts";
import { costFigures, costSettings } from "./cost.ts";
import { type FreshnessSettings, freshnessFigures, freshnessSettings } from "./freshness.ts";
import { buildWorker, type RunningWorker, type StatusPageRpc, startWorker } from "./harness.ts";
import { drive, type LoadResult, type LoadTarget } from "./load.ts";
import { mailFigures, mailSettings } from "./mail.ts";
import { monitorFigures, monitorSettings } from "./monitors.ts";
import { invalidateSnapshot, REFERENCE_PAGE_NAME, type SeededIncident, seedReferencePage } from "./reference.ts";
import { loadRenderer, type RenderStatusPage } from "./render.ts";
import { count, median, ms, quantile, type Row, table, verdict } from "./stats.ts";
import { webhookFigures } from "./webhooks.ts";

// Offline by default: Miniflare would otherwise try to download request.cf data.
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";
process.env.WRANGLER_SEND_METRICS ??= "false";

const LOAD = { rounds: 4, seconds: 3, warmupSeconds: 1, concurrency: 16 };
const RENDER = { warmup: 50, samples: 400 };
const HISTORY = { small: 10, large: 10_000, warmup: 5, rounds: 60 };
/** The object the Worker's `/` reads. It holds the small history, so figures 2 and 3 reuse it. */
const PAGE_OBJECT = "page";
const LARGE_OBJECT = "history-large";

const started = performance.now();
const notes: string[] = [];

function progress(message: string): void {
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${message}\n`);
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await work();
  return [value, performance.now() - t0];
}

const rate = (list: readonly LoadResult[]) =>
  list.reduce((sum, r) => sum + r.requests, 0) / list.reduce((sum, r) => sum + r.seconds, 0);

/**
 * Figure 1. Each round drives every target in turn, starting with a different
 * one each round, so drift in the machine's load hits all of them alike. A
 * third target, `/` revalidated with its ETag (304, no body), runs the same
 * Worker code as a cache hit without the bytes; it tells code from weight.
 */
async function cachedThroughput(worker: RunningWorker): Promise<Row[]> {
  // Warm: the first `/` renders (MISS); go on until the memory layer answers with the reference page.
  let etag = "";
  for (let attempt = 0; !etag; attempt++) {
    // Asked as the targets below ask: the gzip body has its own ETag (RFC 9110 §8.8.3).
    const response = await fetch(new URL("/", worker.url), { headers: { "accept-encoding": "gzip" } });
    const body = await response.text();
    if (response.headers.get("x-lookout-cache") === "HIT" && body.includes(REFERENCE_PAGE_NAME)) {
      etag = response.headers.get("etag") ?? "";
    }
    if (attempt > 50) throw new Error(`"/" never became a cache HIT of the reference page`);
  }
  const targets: LoadTarget[] = [
    // As a browser asks: every reader's browser accepts gzip.
    { path: "/", headers: { "accept-encoding": "gzip" } },
    { path: "/robots.txt", headers: { "accept-encoding": "gzip" } },
    { path: "/", headers: { "accept-encoding": "gzip", "if-none-match": etag }, expect: 304 },
  ];
  for (const target of targets) await drive(worker.url, target, LOAD.warmupSeconds, LOAD.concurrency);

  const results: LoadResult[][] = targets.map(() => []);
  for (let round = 0; round < LOAD.rounds; round++) {
    for (let k = 0; k < targets.length; k++) {
      const index = (round + k) % targets.length;
      const result = await drive(worker.url, targets[index] as LoadTarget, LOAD.seconds, LOAD.concurrency);
      results[index]?.push(result);
    }
    progress(`load round ${round + 1}/${LOAD.rounds}`);
  }
  const [page = [], trivial = [], revalidated = []] = results;
  const ratio = rate(page) / rate(trivial);
  const perRound = page.map((r, i) => {
    const baseline = trivial[i];
    return baseline ? (r.requests / r.seconds / (baseline.requests / baseline.seconds)).toFixed(2) : "?";
  });

  const states = new Map<string, number>();
  for (const r of page) for (const [state, n] of r.cache) states.set(state, (states.get(state) ?? 0) + n);
  const served = [...states.values()].reduce((a, b) => a + b, 0);
  const errors = results.flat().reduce((sum, r) => sum + r.errors, 0);
  const bodyKb = page.reduce((sum, r) => sum + r.bytes, 0) / Math.max(1, served) / 1000;
  const clientCpu = Math.max(...results.flat().map((r) => r.clientCpu));
  const share = [...states].map(([state, n]) => `${state} ${((100 * n) / served).toFixed(1)}%`).join(", ");
  notes.push(
    `1: Worker built by wrangler deploy --dry-run, run by Miniflare (workerd, SQLite-backed object, static assets); ` +
      `${LOAD.rounds} rounds × ${LOAD.seconds} s per target, ${LOAD.concurrency} concurrent keep-alive GETs to 127.0.0.1.`,
    `   Per-round ratios ${perRound.join(", ")}. "/" bodies ${bodyKb.toFixed(1)} kB on the wire (gzip); cache ${share}; ` +
      `${errors} errors; the load generator peaked at ${(clientCpu * 100).toFixed(0)}% of one core.`,
  );
  return [
    { figure: "1  cached / (reference page)", value: `${count(rate(page))} req/s` },
    { figure: "   /robots.txt (trivial, same Worker)", value: `${count(rate(trivial))} req/s` },
    { figure: "   cached / ÷ /robots.txt", value: ratio.toFixed(2), budget: "≥ 0.80", verdict: verdict(ratio >= 0.8) },
    {
      figure: "   (diagnostic) / as 304 ÷ /robots.txt",
      value: (rate(revalidated) / rate(trivial)).toFixed(2),
      budget: "no body",
    },
  ];
}

/** Figure 2: the render alone, from a snapshot already in hand, as a cache miss pays for it. */
async function referenceRender(worker: RunningWorker, render: RenderStatusPage): Promise<Row[]> {
  const snapshot = await worker.object(PAGE_OBJECT).snapshot();
  for (let i = 0; i < RENDER.warmup; i++) await render(snapshot);
  const samples: number[] = [];
  let html = "";
  for (let i = 0; i < RENDER.samples; i++) {
    const [page, took] = await timed(() => render(snapshot));
    html = page;
    samples.push(took);
  }

  const cssResponse = await fetch(new URL("/css/lookout.css", worker.url));
  if (!cssResponse.ok) throw new Error(`/css/lookout.css answered ${cssResponse.status}`);
  const css = await cssResponse.text();
  const htmlGz = gzipSync(html).length;
  const cssGz = gzipSync(css).length;
  const weight = (htmlGz + cssGz) / 1000;
  const scripts = (html.match(/<script\b/gi) ?? []).length;
  const segments = (html.match(/<path\b/g) ?? []).length;
  const p99 = quantile(samples, 0.99);

  notes.push(
    `2: rendered in Node ${process.versions.node} (V8, like workerd) with worker/views bundled by esbuild, because workerd's ` +
      `clocks stand still while code runs; ${RENDER.samples} renders after ${RENDER.warmup} warm-up.`,
    `   ${snapshot.components.length} components in ${snapshot.groups.length} groups, ${snapshot.activeIncidents.length} active incidents, ` +
      `${segments} bar segments; the snapshot is ${(JSON.stringify(snapshot).length / 1000).toFixed(0)} kB as JSON. HTML ${(html.length / 1000).toFixed(1)} kB → ${(htmlGz / 1000).toFixed(1)} kB gzipped, ` +
      `CSS (as served) ${(css.length / 1000).toFixed(1)} kB → ${(cssGz / 1000).toFixed(1)} kB (zlib level 6; kB = 1,000 bytes).`,
  );
  return [
    { figure: "2  reference render, median", value: ms(median(samples)) },
    { figure: "   reference render, p99", value: ms(p99), budget: "< 10 ms", verdict: verdict(p99 < 10) },
    {
      figure: "   HTML + CSS, gzipped",
      value: `${weight.toFixed(1)} kB`,
      budget: "< 25 kB",
      verdict: verdict(weight < 25),
    },
    { figure: "   <script> elements", value: String(scripts), budget: "none", verdict: verdict(scripts === 0) },
  ];
}

interface HistorySample {
  /** snapshot() right after a write: the object rebuilds, then the snapshot travels to Node. */
  rebuild: number;
  render: number;
  /** snapshot() again: served from the object's memory, so only the travel. */
  cached: number;
}

/**
 * Figure 3: after a write, a fresh page costs the object's snapshot rebuild
 * plus the render. Timed from Node, so each sample also carries the snapshot's
 * trip out of workerd; a second, cached snapshot() measures that trip, and the
 * difference is the object's own rebuild.
 */
async function historyGrowth(
  worker: RunningWorker,
  render: RenderStatusPage,
  active: ReadonlyMap<string, SeededIncident[]>,
): Promise<Row[]> {
  const objects: [history: number, name: string, stub: StatusPageRpc][] = [
    [HISTORY.small, PAGE_OBJECT, worker.object(PAGE_OBJECT)],
    [HISTORY.large, LARGE_OBJECT, worker.object(LARGE_OBJECT)],
  ];
  const samples = new Map<number, HistorySample[]>(objects.map(([history]) => [history, []]));

  for (let round = 0; round < HISTORY.warmup + HISTORY.rounds; round++) {
    const order = round % 2 === 0 ? objects : [...objects].reverse();
    for (const [history, name, stub] of order) {
      await invalidateSnapshot(worker.apiAt(name), active.get(name) ?? [], round);
      const [snapshot, rebuild] = await timed(() => stub.snapshot());
      const [, renderTime] = await timed(() => render(snapshot));
      const [, cached] = await timed(() => stub.snapshot());
      if (round >= HISTORY.warmup) samples.get(history)?.push({ rebuild, render: renderTime, cached });
    }
  }

  const summary = new Map<number, { total: number; own: number }>();
  for (const [history, name] of objects) {
    const list = samples.get(history) ?? [];
    const [stored] = await worker.sql(name, `SELECT COUNT(*) AS n FROM incidents WHERE status = 'resolved'`);
    const entry = {
      total: median(list.map((s) => s.rebuild + s.render)),
      own: median(list.map((s) => s.rebuild - s.cached)),
    };
    summary.set(history, entry);
    notes.push(
      `3: ${count(Number(stored?.n ?? 0))} resolved incidents in "${name}"'s SQLite: medians snapshot() after a write ${ms(median(list.map((s) => s.rebuild)))}, ` +
        `cached snapshot() ${ms(median(list.map((s) => s.cached)))}, render ${ms(median(list.map((s) => s.render)))}.`,
    );
  }
  notes.push(
    `   ${HISTORY.rounds} rounds after ${HISTORY.warmup} warm-up, objects alternating, each after an open incident's impact was changed and back through the API; ` +
      `the snapshot reaches Node as JSON through a bench-only Worker (bench/driver.worker.ts).`,
  );
  const small = summary.get(HISTORY.small);
  const large = summary.get(HISTORY.large);
  const ratio = (large?.total ?? Number.NaN) / (small?.total ?? Number.NaN);
  return [
    { figure: `3  ${count(HISTORY.small)} resolved: rebuild + render`, value: ms(small?.total ?? Number.NaN) },
    { figure: `   ${count(HISTORY.large)} resolved: rebuild + render`, value: ms(large?.total ?? Number.NaN) },
    {
      figure: `   ${count(HISTORY.large)} ÷ ${count(HISTORY.small)}`,
      value: ratio.toFixed(2),
      budget: "≤ 1.20",
      verdict: verdict(ratio <= 1.2),
    },
    {
      figure: "   (diagnostic) the object's rebuild alone",
      value: `${ms(small?.own ?? Number.NaN)} → ${ms(large?.own ?? Number.NaN)}`,
      budget: "no travel",
    },
  ];
}

/** Figures 1–3; with `freshness`, the freshness figure beside figure 1; with `onlyFirst`, figure 1 (and freshness) alone. */
async function pageFigures(
  bundle: string,
  scratch: string,
  freshness: FreshnessSettings | null,
  onlyFirst = false,
): Promise<Row[]> {
  const render = await loadRenderer(scratch);
  const running = await startWorker(bundle, scratch);
  try {
    progress(`workerd up at ${running.url.origin}; Worker bundle ${(running.bundleBytes / 1000).toFixed(0)} kB`);
    const seeds = [
      [PAGE_OBJECT, HISTORY.small],
      [LARGE_OBJECT, HISTORY.large],
    ] as const;
    const active = new Map<string, SeededIncident[]>();
    for (const [name, history] of onlyFirst ? seeds.slice(0, 1) : seeds) {
      const [incidents, took] = await timed(() => seedReferencePage(running, name, history));
      active.set(name, incidents);
      progress(
        `seeded "${name}": reference page, ${count(history)} resolved incidents (${(took / 1000).toFixed(1)} s)`,
      );
    }
    const rows = await cachedThroughput(running);
    if (freshness) {
      progress(
        `freshness: ${freshness.seconds} s (BENCH_FRESHNESS_SECONDS), a change every ${freshness.changeSeconds} s`,
      );
      const fresh = await freshnessFigures(running, active.get(PAGE_OBJECT) ?? [], freshness, progress);
      rows.push(...fresh.rows);
      notes.push(...fresh.notes);
    }
    if (onlyFirst) return rows;
    return [...rows, ...(await referenceRender(running, render)), ...(await historyGrowth(running, render, active))];
  } finally {
    await running.dispose();
  }
}

async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY ?? "";
  const known = [
    "",
    "page",
    "freshness",
    "api",
    "mail",
    "webhooks",
    "monitors",
    "alerts",
    "cost",
    "providers",
    "console",
  ];
  if (!known.includes(only)) {
    throw new Error(
      `BENCH_ONLY must be "page", "freshness", "api", "mail", "webhooks", "monitors", "alerts", "cost", "providers" or "console", not "${only}"`,
    );
  }
  // Read before anything runs, so a bad value fails at once rather than after the page figures.
  const settings = only === "" || only === "monitors" ? monitorSettings() : null;
  const mail = only === "" || only === "mail" ? mailSettings() : null;
  const freshness = only === "" || only === "freshness" ? freshnessSettings() : null;
  const alerting = only === "" || only === "alerts" ? alertSettings() : null;
  const cost = only === "" || only === "cost" || only === "providers" ? costSettings() : null;
  if (only === "console") consoleSubscribers();
  const scratch = mkdtempSync(join(tmpdir(), "lookout-bench-"));
  // Removed however the run ends. On Ctrl-C, Miniflare's own exit hook stops workerd; exiting
  // synchronously here makes sure the "exit" event, and so this removal, happens at all.
  process.once("exit", () => rmSync(scratch, { recursive: true, force: true }));
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));

  progress("building the Worker: wrangler deploy --dry-run");
  const bundle = await buildWorker(join(scratch, "worker"));
  const rows: Row[] = [];
  if (only === "" || only === "page") rows.push(...(await pageFigures(bundle, scratch, freshness)));
  if (only === "freshness") rows.push(...(await pageFigures(bundle, scratch, freshness, true)));
  if (only === "" || only === "api") {
    const api = await apiFigures(bundle, scratch, progress);
    rows.push(...api.rows);
    notes.push(...api.notes);
  }
  if (mail) {
    progress(`mail figures: ${mail.subscribers.toLocaleString("en-US")} subscribers (BENCH_MAIL_SUBSCRIBERS)`);
    const mailed = await mailFigures(bundle, scratch, mail, progress);
    rows.push(...mailed.rows);
    notes.push(...mailed.notes);
  }
  if (only === "" || only === "webhooks") {
    progress("webhook figures: 100 endpoints, then 10 more that never answer");
    const hooked = await webhookFigures(bundle, scratch, progress);
    rows.push(...hooked.rows);
    notes.push(...hooked.notes);
  }
  if (settings) {
    progress(
      `monitor figures: ${settings.minutes} min window per scenario (BENCH_MONITOR_MINUTES), ` +
        `probe groups ${settings.eviction === "prevent" ? "kept in memory" : "evicted when idle"} (BENCH_MONITOR_EVICTION)`,
    );
    const monitors = await monitorFigures(bundle, scratch, settings, progress);
    rows.push(...monitors.rows);
    notes.push(...monitors.notes);
  }
  if (alerting) {
    progress(
      `alert figures: ${alerting.outages} outages, a storm of ${alerting.stormMonitors.toLocaleString("en-US")} monitors watched ${alerting.stormMinutes} min`,
    );
    const alerted = await alertFigures(bundle, scratch, alerting, progress);
    rows.push(...alerted.rows);
    notes.push(...alerted.notes);
  }
  if (cost) {
    progress(
      only === "providers"
        ? `cost figures, statuspage scenario alone: ${cost.providerMonitors} monitors over ${cost.providers} providers, ${cost.minutes} min window`
        : `cost figures: ${cost.monitors} monitors per scenario, ${cost.minutes} min window (BENCH_COST_MONITORS, BENCH_COST_MINUTES)`,
    );
    const costed = await costFigures(bundle, scratch, cost, progress, only === "providers" ? "providers" : "all");
    rows.push(...costed.rows);
    notes.push(...costed.notes);
  }
  if (only === "console") {
    progress("console figures: every console page beside the public front page");
    const consoled = await consoleFigures(bundle, scratch, consoleSubscribers(), progress);
    rows.push(...consoled.rows);
    notes.push(...consoled.notes);
  }
  progress("done");
  const seconds = Math.round((performance.now() - started) / 1000);
  const parts = only === "" ? "all figures" : `BENCH_ONLY=${only}`;
  const window =
    (settings ? `, monitor window ${settings.minutes} min` : "") +
    (freshness ? `, freshness run ${freshness.seconds} s` : "");
  console.log(
    `\nLookout bench, ${new Date().toISOString()}, Node ${process.versions.node}, ${seconds} s, ${parts}${window}\n`,
  );
  console.log(table(rows));
  console.log(`\n${notes.join("\n")}`);
}

await main();
