/**
 * `BENCH_ONLY=api`: what the communicator API (/api/v1) costs and how fast
 * its writes reach readers. Every request goes to Lookout's public address
 * with the bootstrap token, as a communicator's client would send it.
 *
 *   8. latency of POST /incidents/:id/updates, idle and while readers load the cached `/`
 *   9. sustained writes per second to the one StatusPage object from concurrent clients
 *  10. from a write's 2xx to `/` showing it (docs/budgets.md: "on the page within 5 s, in every location")
 *  11. GET /export and POST /import of a page with 10,000 incidents, and whether the restore reads the same
 *
 * Prints figures; never fails on them.
 */
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Worker } from "node:worker_threads";
import type { ComponentStatus } from "../worker/core/statuses.ts";
import { ADMIN_TOKEN, type Answer, api, expectStatus } from "./api-client.ts";
import { type RunningWorker, startWorker } from "./harness.ts";
import { HistoryDocument } from "./history-document.ts";
import type { LoadResult, LoadTarget } from "./load.ts";
import { machineCpu, processCpuMs, processRssMb } from "./proc.ts";
import type { ReadLoadSettings } from "./read-load-thread.ts";
import { affectedName, componentIds, quietComponents, referenceConfig, seedReferencePage } from "./reference.ts";
import { count, median, ms, quantile, type Row } from "./stats.ts";

type Progress = (message: string) => void;

const VARS = { ADMIN_TOKEN };

/** Figure 8: updates timed per condition, split into rounds that alternate idle and loaded. */
const LATENCY = { warmup: 30, updates: 300, rounds: 2, perIncident: 10 };
/** The readers of figure 8: as figure 1 drives the cached `/`. */
const READERS = 16;
const PAGE_TARGET: LoadTarget = { path: "/", headers: { "accept-encoding": "gzip" } };
/** Figure 9. */
const SUSTAINED = { clients: 8, seconds: 10, baselineSeconds: 5 };
/** Figure 10: declarations staggered through the cache's 5 s freshness, so each probe meets a different age. */
const FRESHNESS = { probes: 5, pollMs: 100, staggerMs: 1_000, timeoutMs: 30_000 };
/** Figure 11. */
const BACKUP = { incidents: 10_000 };

/** Set by figure 9 (the audit log's bytes per API write), read by figure 11. */
let auditBytesPerWrite = Number.NaN;

const MESSAGE =
  "Engineers have narrowed the cause down to a configuration change and are rolling it back region by region. " +
  "Next update within 30 minutes.";

const idOf = (answer: Answer) => (JSON.parse(answer.text) as { id: string }).id;

const declaration = (name: string, component: string) => ({
  name,
  message: "We are investigating reports of elevated error rates.",
  impact: "minor",
  components: { [component]: "degraded_performance" },
});

/** The status of an incident's update number `n` (0-based) of `of`: the last one resolves it. */
function statusOfUpdate(n: number, of: number): "identified" | "monitoring" | "resolved" {
  if (n === of - 1) return "resolved";
  return n < of / 3 ? "identified" : "monitoring";
}

/**
 * A communicator posting updates: each incident gets `perIncident` updates,
 * the last one resolving it, then the next is declared (untimed). Returns
 * the timed update's answer.
 */
function communicator(base: URL, label: string, component: string, perIncident: number): () => Promise<Answer> {
  let incident: string | null = null;
  let posted = 0;
  let declared = 0;
  return async () => {
    if (incident === null) {
      declared++;
      incident = idOf(
        expectStatus(
          await api(base, "POST", "/incidents", declaration(`${label} ${declared}`, component)),
          201,
          "declaring",
        ),
      );
      posted = 0;
    }
    const status = statusOfUpdate(posted, perIncident);
    const answer = await api(base, "POST", `/incidents/${incident}/updates`, {
      status,
      message: `${MESSAGE} (${posted + 1})`,
    });
    posted++;
    if (status === "resolved") incident = null;
    return answer;
  };
}

/** Readers of the cached `/` in a worker thread (bench/read-load-thread.ts), until stopped. */
async function startReadLoad(base: URL): Promise<{ stop(): Promise<LoadResult[]> }> {
  const settings: ReadLoadSettings = { base: base.href, target: PAGE_TARGET, concurrency: READERS };
  const thread = new Worker(new URL("./read-load-thread.ts", import.meta.url), { workerData: settings });
  await once(thread, "message");
  return {
    stop: async () => {
      thread.postMessage("stop");
      const [rounds] = (await once(thread, "message")) as [LoadResult[]];
      await thread.terminate();
      return rounds;
    },
  };
}

interface Section {
  rows: Row[];
  notes: string[];
}

/** Figure 8: the same communicator's updates, idle and under read load, alternating in rounds. */
async function updateLatency(worker: RunningWorker, progress: Progress): Promise<Section> {
  const post = communicator(worker.url, "Latency probe", quietComponents[0] as string, LATENCY.perIncident);
  for (let i = 0; i < LATENCY.warmup; i++) expectStatus(await post(), 201, "a warm-up update");
  const idle: number[] = [];
  const loaded: number[] = [];
  const reads: LoadResult[] = [];
  let failed = 0;
  const perRound = LATENCY.updates / LATENCY.rounds;
  /** workerd's CPU and the wall time, per condition, for its share of a core. */
  const busy = { idle: { cpu: 0, wall: 0 }, loaded: { cpu: 0, wall: 0 } };
  const measure = async (into: number[], condition: keyof typeof busy) => {
    const cpu = processCpuMs(worker.workerdPid) ?? Number.NaN;
    const started = performance.now();
    for (let i = 0; i < perRound; i++) {
      const answer = await post();
      if (answer.status === 201) into.push(answer.ms);
      else failed++;
    }
    busy[condition].cpu += (processCpuMs(worker.workerdPid) ?? Number.NaN) - cpu;
    busy[condition].wall += performance.now() - started;
  };
  for (let round = 0; round < LATENCY.rounds; round++) {
    await measure(idle, "idle");
    const load = await startReadLoad(worker.url);
    await measure(loaded, "loaded");
    reads.push(...(await load.stop()));
    progress(`update latency round ${round + 1}/${LATENCY.rounds}`);
  }

  const readSeconds = reads.reduce((sum, r) => sum + r.seconds, 0);
  const readRate = reads.reduce((sum, r) => sum + r.requests, 0) / readSeconds;
  const readErrors = reads.reduce((sum, r) => sum + r.errors, 0);
  const states = new Map<string, number>();
  for (const r of reads) for (const [state, n] of r.cache) states.set(state, (states.get(state) ?? 0) + n);
  const served = [...states.values()].reduce((a, b) => a + b, 0);
  const cacheShare = [...states].map(([state, n]) => `${state} ${((100 * n) / served).toFixed(1)}%`).join(", ");
  const pair = (samples: number[]) => `${ms(median(samples))} / ${ms(quantile(samples, 0.99))}`;
  const ratio = (q: number) => (quantile(loaded, q) / quantile(idle, q)).toFixed(2);
  const share = (condition: keyof typeof busy) => `${((100 * busy[condition].cpu) / busy[condition].wall).toFixed(0)}%`;
  return {
    rows: [
      { figure: "8  POST /incidents/:id/updates, page idle, median / p99", value: pair(idle) },
      { figure: `   same, ${READERS} readers on cached /, median / p99`, value: pair(loaded) },
      { figure: "   under read load ÷ idle, median / p99", value: `${ratio(0.5)} / ${ratio(0.99)}` },
      { figure: "   (diagnostic) reads of / meanwhile", value: `${count(readRate)} req/s` },
    ],
    notes: [
      `8: ${idle.length} + ${loaded.length} sequential updates (after ${LATENCY.warmup} warm-up), ${LATENCY.rounds} rounds of idle then loaded; ` +
        `each incident takes ${LATENCY.perIncident} updates, the last resolving it, before the next is declared (declarations untimed). ` +
        `${failed} updates failed.`,
      `   Timed from Node: fetch to the Worker, validation, the object's transaction with its audit line, the answer. ` +
        `Readers in a worker thread: ${READERS} keep-alive GETs of / (gzip), ${count(readRate)} req/s, cache ${cacheShare}, ${readErrors} errors.`,
      `   workerd (Worker and object in one process) used ${share("idle")} of a core while idle, ${share("loaded")} under read load.`,
    ],
  };
}

interface WriteRun {
  clients: number;
  writes: number;
  seconds: number;
  declared: number;
  latencies: number[];
  failures: Map<string, number>;
  /** workerd's CPU per write, ms (NaN without /proc). */
  cpuPerWrite: number;
  /** The whole machine's cores busy, as a share (NaN without /proc). */
  machineBusy: number;
}

/** Clients that each declare an incident, post three updates (the last resolving it), and start over, for `seconds`. */
async function writeRun(worker: RunningWorker, clients: number, seconds: number): Promise<WriteRun> {
  const base = worker.url;
  const latencies: number[] = [];
  const failures = new Map<string, number>();
  const fail = (why: string) => failures.set(why, (failures.get(why) ?? 0) + 1);
  let declared = 0;
  const tally = async (request: () => Promise<Answer>, expected: number): Promise<Answer | null> => {
    try {
      const answer = await request();
      if (answer.status === expected) {
        latencies.push(answer.ms);
        return answer;
      }
      fail(`HTTP ${answer.status}`);
    } catch (error) {
      fail(error instanceof Error ? error.message : String(error));
    }
    return null;
  };

  const cpuBefore = processCpuMs(worker.workerdPid);
  const machineBefore = machineCpu();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const client = async (k: number) => {
    const component = quietComponents[(k + 1) % quietComponents.length] as string;
    for (let cycle = 1; performance.now() < deadline; cycle++) {
      const created = await tally(
        () => api(base, "POST", "/incidents", declaration(`Sustained ${clients}/${k + 1}.${cycle}`, component)),
        201,
      );
      if (!created) continue;
      declared++;
      const id = idOf(created);
      for (const status of ["identified", "monitoring", "resolved"]) {
        await tally(() => api(base, "POST", `/incidents/${id}/updates`, { status, message: MESSAGE }), 201);
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, k) => client(k)));
  const cpuAfter = processCpuMs(worker.workerdPid);
  const machineAfter = machineCpu();
  const writes = latencies.length;
  return {
    clients,
    writes,
    // Cycles running at the deadline finish, so divide by the time actually taken.
    seconds: (performance.now() - started) / 1000,
    declared,
    latencies,
    failures,
    cpuPerWrite: cpuBefore !== null && cpuAfter !== null ? (cpuAfter - cpuBefore) / writes : Number.NaN,
    machineBusy:
      machineBefore && machineAfter
        ? (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total)
        : Number.NaN,
  };
}

/** Figure 9: one client, then several, writing as fast as answers come back. */
async function sustainedWrites(worker: RunningWorker, progress: Progress): Promise<Section> {
  const runs: WriteRun[] = [];
  for (const [clients, seconds] of [
    [1, SUSTAINED.baselineSeconds],
    [SUSTAINED.clients, SUSTAINED.seconds],
  ] as const) {
    const run = await writeRun(worker, clients, seconds);
    runs.push(run);
    progress(
      `sustained writes, ${clients} client(s): ${count(run.writes)} in ${run.seconds.toFixed(1)} s, ` +
        `${[...run.failures.values()].reduce((a, b) => a + b, 0)} errors`,
    );
  }
  const [one, many] = runs as [WriteRun, WriteRun];
  const rate = (run: WriteRun) => run.writes / run.seconds;
  const errors = runs.reduce((sum, run) => sum + [...run.failures.values()].reduce((a, b) => a + b, 0), 0);
  const pair = (run: WriteRun) => `${ms(median(run.latencies))} / ${ms(quantile(run.latencies, 0.99))}`;

  // What the audit log keeps per write, for what an export of a page made through the API weighs (figure 11).
  const [audit] = await worker.sql(
    "page",
    `SELECT COUNT(*) AS n, SUM(LENGTH(COALESCE(a.before, '')) + LENGTH(COALESCE(a.after, ''))) AS bytes
     FROM audit_log a JOIN incidents i ON i.id = a.target WHERE i.name LIKE 'Sustained %'`,
  );
  auditBytesPerWrite = Number(audit?.bytes ?? 0) / Math.max(1, Number(audit?.n ?? 0));
  const percent = (share: number) => `${(100 * share).toFixed(0)}%`;
  return {
    rows: [
      {
        figure: `9  sustained writes, ${many.clients} clients × ${SUSTAINED.seconds} s, one object`,
        value: `${count(rate(many))} writes/s`,
      },
      { figure: "   errors (all writes of figure 9)", value: String(errors) },
      { figure: `   write latency at ${many.clients} clients, median / p99`, value: pair(many) },
      { figure: `   1 client × ${SUSTAINED.baselineSeconds} s, same cycle`, value: `${count(rate(one))} writes/s` },
      { figure: `   ${many.clients} clients ÷ 1 client`, value: (rate(many) / rate(one)).toFixed(2) },
      { figure: "   (diagnostic) workerd CPU per write", value: ms(many.cpuPerWrite) },
    ],
    notes: [
      `9: each client declares an incident on its own component, posts identified, monitoring and resolved, and starts over. ` +
        runs
          .map(
            (run) =>
              `${run.clients} client(s): ${count(run.declared)} incidents, ${count(run.writes)} writes in ${run.seconds.toFixed(1)} s, ` +
              `latency ${pair(run)}, workerd ${ms(run.cpuPerWrite)} CPU per write, machine ${percent(run.machineBusy)} busy`,
          )
          .join("; ") +
        (errors > 0
          ? `; failures: ${runs.flatMap((run) => [...run.failures].map(([why, n]) => `${why} ×${n}`)).join(", ")}`
          : "") +
        `. CPU: the whole workerd process from /proc; "machine busy" counts both cores, whatever else runs on them.`,
    ],
  };
}

/**
 * Figure 10: a reader polls `/` every 100 ms throughout; each probe declares
 * an incident with a unique name and measures from the 2xx to the first poll
 * whose page names it. A poll answered MISS or REVALIDATED has just checked
 * the cached page against the object; probe k is declared k seconds after one,
 * so the probes meet the cache at ages 0 to 4 s of its 4 s freshness.
 */
async function writeToPage(worker: RunningWorker, progress: Progress): Promise<Section> {
  const url = new URL("/", worker.url);
  const watching = new Map<string, (at: number) => void>();
  let refreshed: ((at: number) => void)[] = [];
  let polling = true;
  let polls = 0;
  let pollErrors = 0;
  const poller = (async () => {
    while (polling) {
      const started = performance.now();
      try {
        const response = await fetch(url);
        const body = await response.text();
        const at = performance.now();
        polls++;
        if (!response.ok) pollErrors++;
        for (const [name, seen] of watching) {
          if (body.includes(name)) {
            watching.delete(name);
            seen(at);
          }
        }
        if (["MISS", "REVALIDATED"].includes(response.headers.get("x-lookout-cache") ?? "")) {
          for (const waiter of refreshed) waiter(at);
          refreshed = [];
        }
      } catch {
        pollErrors++;
      }
      await sleep(Math.max(0, FRESHNESS.pollMs - (performance.now() - started)));
    }
  })();

  const seconds: number[] = [];
  const ages: number[] = [];
  let timeouts = 0;
  try {
    for (let probe = 0; probe < FRESHNESS.probes; probe++) {
      const refresh = await new Promise<number>((resolve) => refreshed.push(resolve));
      await sleep(probe * FRESHNESS.staggerMs);
      const name = `Freshness probe ${probe + 1} ${randomBytes(4).toString("hex")}`;
      // Watched before the write, so a poll that answers between the commit and the 2xx is not missed.
      const shown = new Promise<number>((resolve) => watching.set(name, resolve));
      const declared = expectStatus(
        await api(worker.url, "POST", "/incidents", declaration(name, quietComponents[9] as string)),
        201,
        "a probe's declaration",
      );
      ages.push((declared.endedAt - refresh) / 1000);
      const at = await Promise.race([shown, sleep(FRESHNESS.timeoutMs, Number.NaN)]);
      watching.delete(name);
      if (Number.isNaN(at)) timeouts++;
      else seconds.push(Math.max(0, at - declared.endedAt) / 1000);
      expectStatus(
        await api(worker.url, "POST", `/incidents/${idOf(declared)}/updates`, { status: "resolved", message: "Done." }),
        201,
        "resolving a probe",
      );
    }
  } finally {
    polling = false;
    await poller;
  }
  progress(`write → page: ${seconds.map((s) => s.toFixed(1)).join(", ")} s`);
  const sec = (value: number) => `${value.toFixed(1)} s`;
  return {
    rows: [
      {
        figure: `10 write's 2xx → on /, ${FRESHNESS.probes} probes, median / max`,
        value: `${sec(median(seconds))} / ${sec(Math.max(...seconds))}`,
        budget: "within 5 s",
      },
    ],
    notes: [
      `10: / polled every ${FRESHNESS.pollMs} ms throughout (${count(polls)} polls, ${pollErrors} errors); the probes' writes met ` +
        `the cached / ${ages.map((a) => a.toFixed(1)).join(", ")} s after its last refresh and showed after ` +
        `${seconds.map((s) => s.toFixed(2)).join(", ")} s${timeouts > 0 ? `; ${timeouts} not seen within ${FRESHNESS.timeoutMs / 1000} s` : ""}. ` +
        `The API write and the readers share one isolate here, so the write marks its cached / not fresh and the next read renders afresh; readers on other isolates see it within the 4 s freshness.`,
    ],
  };
}

/**
 * 10,000 incidents of three updates each (declared investigating with a
 * component degraded, identified, resolved with it operational), ten minutes
 * apart, written as the API's writes leave them into an export document made
 * in Node and restored with one `POST /api/v1/import` (bench/history-document.ts);
 * through the API one by one, the seed would take longer than the figures.
 */
async function seedHistory(worker: RunningWorker): Promise<void> {
  await worker.object("page").reconcile(referenceConfig);
  const history = new HistoryDocument();
  const start = Date.now() - (BACKUP.incidents + 1) * 600_000;
  // Every component operational from the start, as the config left it.
  for (const id of componentIds) history.statusChange(id, "operational", start);
  for (let n = 0; n < BACKUP.incidents; n++) {
    const component = componentIds[n % componentIds.length] as string;
    const name = affectedName(component);
    const at = start + (n + 1) * 600_000;
    history.statusChange(component, "degraded_performance", at);
    history.statusChange(component, "operational", at + 120_000);
    const change = (oldStatus: ComponentStatus, newStatus: ComponentStatus) => [
      { code: component, name, oldStatus, newStatus },
    ];
    history.incident({
      name: `Past incident ${n + 1}: elevated error rates`,
      impact: n % 4 === 0 ? "major" : "minor",
      components: [component],
      updates: [
        {
          status: "investigating",
          body: "We are investigating reports of elevated error rates.",
          at,
          affected: change("operational", "degraded_performance"),
        },
        {
          status: "identified",
          body: MESSAGE,
          at: at + 60_000,
          affected: change("degraded_performance", "degraded_performance"),
        },
        {
          status: "resolved",
          body: "Error rates are back to normal.",
          at: at + 120_000,
          affected: change("degraded_performance", "operational"),
        },
      ],
    });
  }
  await history.importInto(worker.url);
}

interface ExportDocument {
  tables: Record<string, { columns: string[]; rows: unknown[][] }>;
}

/** incidents.json whole, and without page.updated_at (when the page last changed), for telling which differs. */
function comparable(json: string): { whole: string; rest: string; updatedAt: string } {
  const parsed = JSON.parse(json) as { page: { updated_at: string }; incidents: unknown[] };
  const { updated_at: updatedAt, ...page } = parsed.page;
  return { whole: JSON.stringify(parsed), rest: JSON.stringify({ ...parsed, page }), updatedAt };
}

/** workerd's resident memory while `work` runs: before and the highest seen (sampled every 20 ms), in MB. */
async function watchMemory<T>(
  pid: number | null,
  work: () => Promise<T>,
): Promise<[T, { before: number; peak: number }]> {
  const before = processRssMb(pid) ?? Number.NaN;
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, processRssMb(pid) ?? Number.NaN);
  }, 20);
  try {
    const value = await work();
    peak = Math.max(peak, processRssMb(pid) ?? Number.NaN);
    return [value, { before, peak }];
  } finally {
    clearInterval(timer);
  }
}

/**
 * Figure 11: export a page of 10,000 incidents, import the document into a
 * fresh Worker (new Miniflare, new storage, the same config applied), and
 * compare what readers get from both.
 */
async function backupFigures(bundlePath: string, scratch: string, progress: Progress): Promise<Section> {
  const source = await startWorker(bundlePath, mkdtempSync(join(scratch, "api-export-")), { vars: VARS });
  let document: string;
  let exported: Answer;
  let exportMemory: { before: number; peak: number };
  let original: string;
  let seedSeconds: number;
  try {
    const started = performance.now();
    await seedHistory(source);
    seedSeconds = (performance.now() - started) / 1000;
    progress(
      `seeded ${count(BACKUP.incidents)} incidents × 3 updates with one POST /api/v1/import (${seedSeconds.toFixed(1)} s)`,
    );
    original = await (await fetch(new URL("/api/v2/incidents.json", source.url))).text();
    [exported, exportMemory] = await watchMemory(source.workerdPid, async () =>
      expectStatus(await api(source.url, "GET", "/export"), 200, "GET /api/v1/export"),
    );
    document = exported.text;
  } finally {
    await source.dispose();
  }
  const bytes = Buffer.byteLength(document);
  progress(`exported ${(bytes / 1e6).toFixed(1)} MB in ${ms(exported.ms)}`);
  const before = JSON.parse(document) as ExportDocument;

  const target = await startWorker(bundlePath, mkdtempSync(join(scratch, "api-import-")), { vars: VARS });
  let imported: Answer;
  let importMemory: { before: number; peak: number };
  let restored: string;
  let after: ExportDocument;
  try {
    // A new deployment of the same Lookout: its config applied, nothing else.
    await target.object("page").reconcile(referenceConfig);
    [imported, importMemory] = await watchMemory(target.workerdPid, async () =>
      expectStatus(await api(target.url, "POST", "/import", document), 200, "POST /api/v1/import"),
    );
    progress(`imported in ${ms(imported.ms)}`);
    restored = await (await fetch(new URL("/api/v2/incidents.json", target.url))).text();
    after = JSON.parse(
      expectStatus(await api(target.url, "GET", "/export"), 200, "GET /api/v1/export after the import").text,
    ) as ExportDocument;
  } finally {
    await target.dispose();
  }

  const a = comparable(original);
  const b = comparable(restored);
  const verdict =
    a.whole === b.whole
      ? "yes"
      : a.rest === b.rest
        ? `no: page.updated_at only (${a.updatedAt} → ${b.updatedAt})`
        : "no";
  const rowsOf = (doc: ExportDocument, table: string) => doc.tables[table]?.rows.length ?? 0;
  const differing = Object.keys(before.tables).filter(
    (table) =>
      table !== "audit_log" && JSON.stringify(before.tables[table]) !== JSON.stringify(after.tables[table] ?? null),
  );
  const auditAdded = rowsOf(after, "audit_log") - rowsOf(before, "audit_log");
  const apiWrites = 3 * BACKUP.incidents;
  const withAudit = (bytes + apiWrites * auditBytesPerWrite) / 1e6;
  const listed = (JSON.parse(original) as { incidents: unknown[] }).incidents.length;
  const mb = (memory: { before: number; peak: number }) => (memory.peak - memory.before).toFixed(0);
  return {
    rows: [
      {
        figure: `11 GET /export, ${count(BACKUP.incidents)} incidents`,
        value: `${(bytes / 1e6).toFixed(1)} MB in ${ms(exported.ms)}`,
      },
      { figure: "   POST /import into a fresh page", value: ms(imported.ms) },
      { figure: "   /api/v2/incidents.json identical after import", value: verdict },
      {
        figure: "   (diagnostic) workerd memory, export / import",
        value: `+${mb(exportMemory)} / +${mb(importMemory)} MB`,
      },
    ],
    notes: [
      `11: seeded with one POST /api/v1/import of a document made in Node (not an API write per update), ${seedSeconds.toFixed(0)} s: ` +
        `${count(rowsOf(before, "incidents"))} incidents, ${count(rowsOf(before, "incident_updates"))} updates, ` +
        `${count(rowsOf(before, "incident_components"))} incident components, ${count(rowsOf(before, "component_status_history"))} status changes, ` +
        `${rowsOf(before, "audit_log")} audit entries. Times from Node, request sent to last byte read.`,
      `   Made through the API, the page would also hold ${count(apiWrites)} audit entries of ~${(auditBytesPerWrite / 1000).toFixed(1)} kB ` +
        `(measured in figure 9): about ${withAudit.toFixed(0)} MB to export, against the import's 16 MB body limit.`,
      `   Imported into a new Miniflare (new storage) with the same config applied; incidents.json (${listed} incidents) compared ` +
        `byte for byte, page.updated_at included. Re-exported after the import: ` +
        `${differing.length === 0 ? "every table as exported" : `differs in ${differing.join(", ")}`}, audit_log +${auditAdded} (the import's own entry).`,
      `   Memory: workerd's resident set (both Workers, the object, the runtime) rose from ${exportMemory.before.toFixed(0)} to a peak of ` +
        `${exportMemory.peak.toFixed(0)} MB during the export and from ${importMemory.before.toFixed(0)} to ${importMemory.peak.toFixed(0)} MB during the import ` +
        `(sampled every 20 ms); Miniflare does not enforce the 128 MB an isolate gets in production.`,
    ],
  };
}

/** Figures 8–11. Figures 8–10 share one Worker whose "page" is the reference page; 11 uses two more. */
export async function apiFigures(bundlePath: string, scratch: string, progress: Progress): Promise<Section> {
  const rows: Row[] = [];
  const notes: string[] = [];
  const add = (section: Section) => {
    rows.push(...section.rows);
    notes.push(...section.notes);
  };
  const worker = await startWorker(bundlePath, mkdtempSync(join(scratch, "api-")), { vars: VARS });
  try {
    await seedReferencePage(worker, "page", 10);
    // Warm: the first `/` renders; readers then get the cached page.
    for (let i = 0; i < 3; i++) await (await fetch(new URL("/", worker.url))).text();
    progress("api: reference page seeded; communicator API at /api/v1 with a bootstrap token");
    add(await updateLatency(worker, progress));
    add(await sustainedWrites(worker, progress));
    add(await writeToPage(worker, progress));
  } finally {
    await worker.dispose();
  }
  add(await backupFigures(bundlePath, scratch, progress));
  return { rows, notes };
}
