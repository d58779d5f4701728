/**
 * Figure 22 (`BENCH_ONLY=console`): what each console page costs to serve,
 * beside the public front page in the same run (issue 15, item 8: "every
 * console page renders well under the page budgets", docs/budgets.md "The page").
 *
 * One workerd runs the built Worker with the reference page (bench/reference.ts)
 * in the object named "page" (the one the console and `/` read), plus what the
 * console's pages list: an open incident with 20 public updates and 20
 * internal notes and a drafted report, maintenances, tokens, webhooks,
 * confirmed subscribers and the audit lines all of that wrote. A browser signed
 * in through the sign-in form (its session and CSRF cookies) then asks each
 * page, and `/` as a reader does:
 *
 *   - cost: each page `COST_VIEWS` times in a row, in two passes (the second in
 *     reverse order), summing the Durable Objects'
 *     `cost` lines (durable-objects/shared/cost-meter.ts, at debug level) and
 *     workerd's CPU from /proc (the whole process: Worker, objects, HTTP; 10 ms ticks);
 *   - wall time: `TIME_ROUNDS` rounds, each asking every page once in an order
 *     that turns each round, so drift in the machine's load hits all pages alike.
 *
 * Weight is the page's HTML plus the stylesheets it links, gzipped in Node
 * (zlib level 6) as figure 2 weighs the public page; the budget is that page's
 * 25 kB. Dollars per 1,000 views are at list prices past the included amounts
 * (bench/cost.ts PRICES): one Worker request, the objects' requests, rows and
 * active time. Static assets (CSS, /js/console.js) are not billed as requests.
 */
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ADMIN_TOKEN, api, expectStatus } from "./api-client.ts";
import { type CostLine, costLog, PRICES } from "./cost.ts";
import { type RunningWorker, startWorker } from "./harness.ts";
import { processCpuMs } from "./proc.ts";
import { componentIds, REFERENCE_PAGE_NAME, seedReferencePage } from "./reference.ts";
import { median, ms, quantile, type Row, verdict } from "./stats.ts";

const PAGE_OBJECT = "page";
const COST_VIEWS = 50;
const TIME_ROUNDS = 60;
const WARMUP_ROUNDS = 3;
/** Updates and internal notes of the room's incident. */
const ROOM_UPDATES = 20;
const ROOM_NOTES = 20;
/** Confirmed subscribers: the subscribers page counts them by state (BENCH_CONSOLE_SUBSCRIBERS). */
export function consoleSubscribers(env: NodeJS.ProcessEnv = process.env): number {
  const subscribers = Number(env.BENCH_CONSOLE_SUBSCRIBERS ?? 200);
  if (!Number.isInteger(subscribers) || subscribers < 0) {
    throw new Error(`BENCH_CONSOLE_SUBSCRIBERS must be a whole number, not "${env.BENCH_CONSOLE_SUBSCRIBERS}"`);
  }
  return subscribers;
}
/** subscribe() and confirmSubscription() calls per driver round trip, as bench/mail.ts seeds them. */
const SEED_BATCH = 500;
/** docs/budgets.md, "Reference page": rendered in well under 10 ms of CPU, HTML and CSS under 25 kB gzipped. */
const CPU_BUDGET_MS = 10;
const WEIGHT_BUDGET_KB = 25;

interface Page {
  label: string;
  path: string;
  /** The public page is asked as a reader asks: no cookies. */
  anonymous?: boolean;
}

interface PageCost {
  requests: number;
  rowsRead: number;
  rowsWritten: number;
  activeMs: number;
  cpuMs: number | null;
  weightKb: number;
  htmlKb: number;
  cache: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function consoleFigures(
  bundlePath: string,
  scratch: string,
  subscribers: number,
  progress: (message: string) => void,
): Promise<{ rows: Row[]; notes: string[] }> {
  const { lines, problems, onLog } = costLog();
  const worker = await startWorker(bundlePath, mkdtempSync(join(scratch, "console-")), {
    vars: { LOG_LEVEL: "debug" },
    onLog,
  });
  try {
    const seeded = await seed(worker, subscribers, progress);
    const cookie = await signIn(worker.url);
    progress("signed in through /console/sign-in");
    const pages: Page[] = [
      { label: "public / (baseline)", path: "/", anonymous: true },
      { label: "sign-in", path: "/console/sign-in" },
      { label: "dashboard", path: "/console" },
      { label: "incidents", path: "/console/incidents" },
      { label: "declare form", path: "/console/incidents/new" },
      {
        label: `incident room (${ROOM_UPDATES} updates, ${ROOM_NOTES} notes)`,
        path: `/console/incidents/${seeded.room}`,
      },
      { label: "report", path: `/console/incidents/${seeded.room}/report` },
      { label: "maintenances", path: "/console/maintenances" },
      { label: "flags", path: "/console/flags" },
      { label: "tokens", path: "/console/tokens" },
      { label: "audit", path: "/console/audit" },
      { label: "alerts", path: "/console/alerts" },
      { label: "webhooks", path: "/console/webhooks" },
      { label: "subscribers", path: "/console/subscribers" },
    ];
    const ask = (page: Page) => view(worker.url, page, cookie);

    // Every page answers 200 with its own content before anything is measured.
    for (const page of pages) {
      const answer = await ask(page);
      if (answer.status !== 200)
        throw new Error(`${page.path} answered ${answer.status}: ${answer.text.slice(0, 300)}`);
    }
    const css = new Map<string, string>();
    for (const sheet of ["/css/lookout.css", "/css/console.css"]) {
      const response = await fetch(new URL(sheet, worker.url));
      if (!response.ok) throw new Error(`${sheet} answered ${response.status}`);
      css.set(sheet, await response.text());
    }

    // Two passes, the second in reverse order, so drift in the machine's load hits all pages alike.
    const tallies = new Map<string, { lines: CostLine[]; cpuMs: number | null; last: string; cache: string }>();
    for (const pass of [pages, [...pages].reverse()]) {
      for (const page of pass) {
        for (let i = 0; i < 3; i++) await ask(page);
        await sleep(300);
        const before = lines.length;
        const cpuBefore = processCpuMs(worker.workerdPid);
        let last = await ask(page);
        for (let i = 1; i < COST_VIEWS; i++) last = await ask(page);
        const cpuAfter = processCpuMs(worker.workerdPid);
        // Cost lines travel through workerd's log pipe after the answers: let the last ones arrive.
        await sleep(300);
        const tally = tallies.get(page.path) ?? { lines: [], cpuMs: 0, last: "", cache: "" };
        tally.lines.push(...lines.slice(before));
        tally.cpuMs =
          tally.cpuMs === null || cpuBefore === null || cpuAfter === null ? null : tally.cpuMs + cpuAfter - cpuBefore;
        tally.last = last.text;
        tally.cache = last.cache;
        tallies.set(page.path, tally);
      }
    }
    const views = 2 * COST_VIEWS;
    const costs = new Map<string, PageCost>();
    for (const [path, tally] of tallies) {
      const sum = (pick: (line: CostLine) => number) => tally.lines.reduce((total, line) => total + pick(line), 0);
      const linked = [...tally.last.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1] as string);
      const cssText = linked.map((href) => css.get(href) ?? "").join("");
      const weight = gzipSync(tally.last).length + (cssText ? gzipSync(cssText).length : 0);
      costs.set(path, {
        requests: tally.lines.length / views,
        rowsRead: sum((l) => l.rowsRead) / views,
        rowsWritten: sum((l) => l.rowsWritten + l.setAlarms) / views,
        activeMs: sum((l) => l.activeMs) / views,
        cpuMs: tally.cpuMs === null ? null : tally.cpuMs / views,
        weightKb: weight / 1000,
        htmlKb: tally.last.length / 1000,
        cache: tally.cache,
      });
    }
    progress(`cost: ${views} views of each of ${pages.length} pages`);

    const samples = new Map<string, number[]>(pages.map((page) => [page.path, []]));
    for (let round = 0; round < WARMUP_ROUNDS + TIME_ROUNDS; round++) {
      for (let k = 0; k < pages.length; k++) {
        const page = pages[(round + k) % pages.length] as Page;
        const answer = await ask(page);
        if (answer.status !== 200) throw new Error(`${page.path} answered ${answer.status} in round ${round}`);
        if (round >= WARMUP_ROUNDS) samples.get(page.path)?.push(answer.ms);
      }
      if ((round + 1) % 20 === 0) progress(`wall time: round ${round + 1}/${WARMUP_ROUNDS + TIME_ROUNDS}`);
    }

    return report(pages, costs, samples, seeded, problems);
  } finally {
    await worker.dispose();
  }
}

interface Seeded {
  room: string;
  maintenances: number;
  tokens: number;
  webhooks: number;
  subscribers: number;
  auditLines: number;
}

/** The console's pages filled as a page in use would be, every write through the API as a communicator's. */
async function seed(worker: RunningWorker, subscribers: number, progress: (message: string) => void): Promise<Seeded> {
  await seedReferencePage(worker, PAGE_OBJECT, 10);
  const base = worker.apiAt(PAGE_OBJECT);
  const write = async (method: string, path: string, body: unknown, status: number, headers = {}) =>
    JSON.parse(expectStatus(await api(base, method, path, body, headers), status, `${method} ${path}`).text) as {
      id: string;
    };

  const room = await write(
    "POST",
    "/incidents",
    {
      name: "Checkout failing for some cards",
      impact: "major",
      components: { "c1-2": "partial_outage", "c3-1": "degraded_performance" },
      message: "We are investigating failed card payments at checkout.",
      lead: "Grace Hopper",
      communicator: "Ada Lovelace",
      scribe: "Alan Turing",
      investigator: "Edsger Dijkstra",
      notify: false,
    },
    201,
  );
  const statuses = ["investigating", "identified", "monitoring"] as const;
  // The declaration is the first update; 19 more make the room's 20.
  for (let i = 1; i < ROOM_UPDATES; i++) {
    await write(
      "POST",
      `/incidents/${room.id}/updates`,
      {
        status: statuses[Math.min(2, Math.floor((i * 3) / ROOM_UPDATES))],
        message: `Update ${i + 1}: the payment provider's EU endpoint is answering slowly; retries are on and we are moving traffic to the US endpoint. Next update in 15 minutes.`,
        notify: false,
      },
      201,
    );
  }
  for (let i = 0; i < ROOM_NOTES; i++) {
    await write(
      "POST",
      `/incidents/${room.id}/notes`,
      {
        message: `Note ${i + 1}: checked the provider's dashboard, error rate ${40 - i} %; rolled back deploy 41${i}.`,
      },
      201,
    );
  }
  const paragraph = "Card payments failed for some customers in Europe while the provider's endpoint was slow. ";
  await write(
    "PUT",
    `/incidents/${room.id}/report`,
    {
      summary: paragraph.repeat(3),
      whoWasAffected: paragraph.repeat(2),
      whatHappened: paragraph.repeat(6),
      prevention: paragraph.repeat(2),
      followUps: [
        {
          title: "Fail over to the second provider automatically",
          owner: "Grace Hopper",
          url: "https://tracker.bench.example/1",
        },
        { title: "Alert on payment error rate", owner: "Alan Turing", url: "https://tracker.bench.example/2" },
        { title: "Runbook for provider outages", owner: "Ada Lovelace", url: null },
      ],
    },
    200,
    { "if-match": "*" },
  );

  const day = 86_400_000;
  const maintenances = 4;
  for (let i = 0; i < maintenances; i++) {
    await write(
      "POST",
      "/maintenances",
      {
        name: `Database upgrade, part ${i + 1}`,
        message: "We will upgrade the primary database; writes may pause for up to a minute.",
        scheduledFor: new Date(Date.now() + (i + 1) * day).toISOString(),
        scheduledUntil: new Date(Date.now() + (i + 1) * day + 2 * 3_600_000).toISOString(),
        components: [componentIds[8 + i] as string],
        notify: false,
      },
      201,
    );
  }
  const tokens = 5;
  const scopeSets = [["read"], ["incidents"], ["incidents", "maintenances"], ["read"], ["incidents"]];
  for (let i = 0; i < tokens; i++) {
    await write("POST", "/tokens", { name: `Bench token ${i + 1}`, scopes: scopeSets[i] }, 201);
  }
  for (let first = 0; first < subscribers; first += SEED_BATCH) {
    const calls = Array.from(
      { length: Math.min(SEED_BATCH, subscribers - first) },
      (_, n) => ["subscribe", `reader-${first + n + 1}@mail.bench.example`, null] as ["subscribe", string, null],
    );
    await worker.batch(PAGE_OBJECT, calls);
  }
  const pending = await worker.sql(PAGE_OBJECT, `SELECT id FROM subscribers WHERE state = 'pending'`);
  for (let first = 0; first < pending.length; first += SEED_BATCH) {
    await worker.batch(
      PAGE_OBJECT,
      pending
        .slice(first, first + SEED_BATCH)
        .map((row) => ["confirmSubscription", String(row.id)] as ["confirmSubscription", string]),
    );
  }
  // Last, so no update above is delivered to them (nothing listens on port 9).
  const webhooks = 3;
  for (let i = 0; i < webhooks; i++) {
    await write(
      "POST",
      "/webhooks",
      { url: `http://127.0.0.1:9/hooks/${i + 1}`, description: `Bench endpoint ${i + 1}` },
      201,
    );
  }
  const [audit] = await worker.sql(PAGE_OBJECT, "SELECT COUNT(*) AS n FROM audit_log");
  progress(
    `seeded: reference page, an incident with ${ROOM_UPDATES} updates and ${ROOM_NOTES} notes, ${maintenances} maintenances, ` +
      `${tokens} tokens, ${pending.length} subscribers, ${webhooks} webhooks`,
  );
  return {
    room: room.id,
    maintenances,
    tokens,
    webhooks,
    subscribers: pending.length,
    auditLines: Number(audit?.n ?? 0),
  };
}

/** Signs in through the form, as a person does; answers the Cookie header the browser would send from then on. */
async function signIn(origin: URL): Promise<string> {
  const form = await fetch(new URL("/console/sign-in", origin), { redirect: "manual" });
  const html = await form.text();
  const csrfCookie = cookiesOf(form);
  const csrf = /name="_csrf" value="([0-9a-f]{32})"/.exec(html)?.[1];
  if (!csrf || !csrfCookie) throw new Error("the sign-in page gave no CSRF value");
  const body = new URLSearchParams({ _csrf: csrf, person: "Ada Lovelace", token: ADMIN_TOKEN, next: "/console" });
  const answer = await fetch(new URL("/console/sign-in", origin), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie },
    body: body.toString(),
    redirect: "manual",
  });
  await answer.body?.cancel();
  const session = cookiesOf(answer);
  if (answer.status !== 303 || !session) throw new Error(`sign-in answered ${answer.status}`);
  return `${csrfCookie}; ${session}`;
}

function cookiesOf(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0] ?? "")
    .filter((pair) => pair.includes("=") && !pair.endsWith("="))
    .join("; ");
}

async function view(
  origin: URL,
  page: Page,
  cookie: string,
): Promise<{ status: number; text: string; ms: number; cache: string }> {
  const headers: Record<string, string> = { "accept-encoding": "gzip" };
  if (!page.anonymous) headers.cookie = cookie;
  const started = performance.now();
  const response = await fetch(new URL(page.path, origin), { headers, redirect: "manual" });
  const text = await response.text();
  return {
    status: response.status,
    text,
    ms: performance.now() - started,
    cache: response.headers.get("x-lookout-cache") ?? "-",
  };
}

/** Dollars for 1,000 views at list prices past the included amounts: one Worker request each, plus the objects'. */
function dollarsPerThousand(cost: PageCost): number {
  const p = PRICES.paid;
  const views = 1_000;
  return (
    ((views * 1) / 1e6) * p.workerRequests.usdPerMillion +
    ((views * cost.requests) / 1e6) * p.doRequests.usdPerMillion +
    ((views * cost.rowsRead) / 1e6) * p.rowsRead.usdPerMillion +
    ((views * cost.rowsWritten) / 1e6) * p.rowsWritten.usdPerMillion +
    ((views * (cost.activeMs / 1000) * PRICES.memoryGb) / 1e6) * p.durationGbS.usdPerMillion
  );
}

function report(
  pages: readonly Page[],
  costs: ReadonlyMap<string, PageCost>,
  samples: ReadonlyMap<string, number[]>,
  seeded: Seeded,
  problems: ReadonlyMap<string, number>,
): { rows: Row[]; notes: string[] } {
  const base = pages[0] as Page;
  const baseCost = costs.get(base.path) as PageCost;
  const baseMedian = median(samples.get(base.path) ?? []);
  const baseDollars = dollarsPerThousand(baseCost);
  const rows: Row[] = [];
  const table: string[][] = [
    [
      "page",
      "median",
      "p95",
      "÷ /",
      "DO req",
      "rows read",
      "rows written",
      "workerd CPU",
      "above /",
      "HTML+CSS gz",
      "$ / 1,000 views",
      "÷ /",
    ],
  ];
  for (const page of pages) {
    const list = samples.get(page.path) ?? [];
    const cost = costs.get(page.path) as PageCost;
    const med = median(list);
    const p95 = quantile(list, 0.95);
    const dollars = dollarsPerThousand(cost);
    const overCpu = cost.cpuMs !== null && cost.cpuMs >= CPU_BUDGET_MS;
    const overWeight = cost.weightKb >= WEIGHT_BUDGET_KB;
    table.push([
      page.label,
      ms(med),
      ms(p95),
      (med / baseMedian).toFixed(2),
      cost.requests.toFixed(2),
      cost.rowsRead.toFixed(1),
      cost.rowsWritten.toFixed(2),
      cost.cpuMs === null ? "?" : ms(cost.cpuMs),
      cost.cpuMs === null || baseCost.cpuMs === null ? "?" : ms(cost.cpuMs - baseCost.cpuMs),
      `${cost.weightKb.toFixed(1)} kB`,
      `$${dollars.toFixed(6)}`,
      baseDollars > 0 ? (dollars / baseDollars).toFixed(1) : "?",
    ]);
    const name = page === base ? "22 public / (baseline)" : `   ${page.label}`;
    rows.push({
      figure: `${name}: median / p95 (÷ / median)`,
      value: `${ms(med)} / ${ms(p95)} (${(med / baseMedian).toFixed(2)})`,
    });
    rows.push({
      figure: `${" ".repeat(name.length)}  workerd CPU per view; HTML+CSS gz`,
      value: `${cost.cpuMs === null ? "?" : ms(cost.cpuMs)}; ${cost.weightKb.toFixed(1)} kB`,
      budget: `< ${CPU_BUDGET_MS} ms; < ${WEIGHT_BUDGET_KB} kB`,
      verdict: verdict(!overCpu && !overWeight),
    });
  }
  const consolePages = pages.slice(1).map((page) => costs.get(page.path) as PageCost);
  const meanDollars = consolePages.reduce((sum, cost) => sum + dollarsPerThousand(cost), 0) / consolePages.length;
  rows.push({
    figure: "   console pages, mean $ per 1,000 views (list prices)",
    value: `$${meanDollars.toFixed(5)} (${(meanDollars / baseDollars).toFixed(1)}× /)`,
  });

  const width = table[0]?.map((_, i) => Math.max(...table.map((row) => (row[i] ?? "").length))) ?? [];
  const printed = table.map((row) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(width[i] ?? 0) : cell.padStart(width[i] ?? 0))).join("  "),
  );
  const notes = [
    `22: console pages beside the public front page (${REFERENCE_PAGE_NAME}, the reference page), one workerd; a browser signed in ` +
      `through the sign-in form with the bootstrap token (admin: every section shown). Wall time: ${TIME_ROUNDS} rounds after ` +
      `${WARMUP_ROUNDS} warm-up, every page once a round, one request at a time from Node (fetch, keep-alive) to 127.0.0.1. ` +
      `Cost: ${2 * COST_VIEWS} views of each page, ${COST_VIEWS} in a row in each of two passes (the second in reverse order); DO req, rows (setAlarm counted as a written row) and active ms from the objects' ` +
      `cost lines; workerd CPU from /proc for the whole process (Worker, objects, HTTP, the debug log lines) in 10 ms ticks, so ` +
      `an upper bound on the render's own CPU. $ per 1,000 views at list prices past the included amounts (${PRICES.taken}): ` +
      "one Worker request each plus the objects' requests, rows and active time at 128 MB.",
    `   The page holds ${seeded.maintenances} maintenances, ${seeded.tokens} tokens (and the bootstrap one), ${seeded.webhooks} webhooks, ` +
      `${seeded.subscribers} confirmed subscribers, ${seeded.auditLines} audit lines; the public / was served from the Worker's cache ` +
      `(x-lookout-cache ${baseCost.cache}).`,
    "",
    ...printed,
  ];
  if (problems.size > 0) {
    notes.push(`   warnings/errors logged: ${[...problems].map(([key, n]) => `${key} ×${n}`).join(", ")}`);
  }
  return { rows, notes };
}
