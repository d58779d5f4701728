/**
 * `BENCH_ONLY=alerts`: on-call alerting's figures (issue 12's budgets).
 *
 *  18. outage → first alert: 20 monitors at 10 s (3 failures to down) whose
 *      local targets break one after another, 3 s apart, each routed to its
 *      own Slack-speaking channel: from the break to the message's arrival,
 *      median and max (budget: under 35 s, the detection time plus ≤ 2 s)
 *  19. escalation: the same 20 alerts, unacknowledged, reach their policy's
 *      steps at 30 s and 90 s; the error of each arrival against the alert's
 *      opening plus the step's delay (budget ≤ 5 s)
 *  20. storm: 1,000 monitors go down within 10 s; messages per channel in
 *      the first 5 minutes (budget ≤ 5), time to the first and the last, and
 *      whether any channel was sent to faster than Slack's one a second
 *
 * Lookout is the built bundle under Miniflare (bench/harness.ts), its config
 * applied with the StatusPage object's reconcile() RPC; the channels' URL
 * secrets are text bindings pointing at bench/alert-receiver.ts in this
 * process. In figure 18 real Monitor objects check real targets. In figure 19
 * probing is off (FLAG_PROBING) and the bench sends the 1,000 monitors' state
 * reports itself, as their Monitor objects would, through the StatusPage
 * object's reportMonitor() RPC: 1,000 real probes 10 s apart are figure 5's
 * business, and the reports are what the alerting path reacts to.
 *
 * Prints figures; never fails on them.
 */
import { mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { defineConfig } from "../worker/config/define-config.ts";
import type { MonitorReport } from "../worker/core/monitors/monitor-report.ts";
import { type AlertArrival, type AlertReceiver, SLACK_SPACING_MS, startAlertReceiver } from "./alert-receiver.ts";
import { type Call, type RunningWorker, startWorker } from "./harness.ts";
import { count, median, type Row, verdict } from "./stats.ts";

type Progress = (message: string) => void;

interface Section {
  rows: Row[];
  notes: string[];
}

export interface AlertBenchSettings {
  /** Outages of figures 18 and 20 (20 in the budget). */
  outages: number;
  /** Monitors of figure 19's storm (1,000 in the budget). */
  stormMonitors: number;
  /** Figure 19's observed window (the budget's 5 minutes). */
  stormMinutes: number;
  /** Which parts run: "outage" (18 and 20), "storm" (19). */
  parts: Set<string>;
}

const PARTS = ["outage", "storm"] as const;

export function alertSettings(env: NodeJS.ProcessEnv = process.env): AlertBenchSettings {
  const outages = Number(env.BENCH_ALERT_OUTAGES ?? 20);
  const stormMonitors = Number(env.BENCH_ALERT_STORM_MONITORS ?? 1000);
  const stormMinutes = Number(env.BENCH_ALERT_STORM_MINUTES ?? 5);
  if (!(outages >= 1 && outages <= 100))
    throw new Error(`BENCH_ALERT_OUTAGES must be 1–100, not "${env.BENCH_ALERT_OUTAGES}"`);
  if (!(stormMonitors >= 1)) throw new Error(`BENCH_ALERT_STORM_MONITORS must be at least 1`);
  if (!(stormMinutes > 0)) throw new Error(`BENCH_ALERT_STORM_MINUTES must be a positive number`);
  const parts = new Set((env.BENCH_ALERT_PARTS ?? PARTS.join(",")).split(",").map((part) => part.trim()));
  for (const part of parts) {
    if (!(PARTS as readonly string[]).includes(part)) {
      throw new Error(`BENCH_ALERT_PARTS takes a list of ${PARTS.join(", ")}, not "${part}"`);
    }
  }
  return { outages: Math.round(outages), stormMonitors: Math.round(stormMonitors), stormMinutes, parts };
}

const PAGE_OBJECT = "page";
const REGION = "default";
/** The outages' breaks, this far apart: each meets its monitor at another point of its 10 s interval. */
const BREAK_EVERY_MS = 3_000;
/** The escalation steps of figure 20, after the alert opened. */
const STEP_MINUTES = [0.5, 1.5] as const;
/** Give up waiting for one outage's first alert after this long (the budget is 35 s). */
const ALERT_TIMEOUT_MS = 120_000;
/** Give up waiting for a step's message this long after it was due. */
const STEP_TIMEOUT_MS = 90_000;
/** The storm's down reports are sent within this long. */
const STORM_SPREAD_MS = 10_000;
const STORM_BATCH = 25;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
/** Seconds to a tenth; under a second, milliseconds (delivery and step errors live there). */
const seconds = (ms: number) =>
  !Number.isFinite(ms) ? "n/a" : Math.abs(ms) < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
const signedSeconds = (ms: number) => (Number.isFinite(ms) ? `${ms < 0 ? "−" : "+"}${seconds(Math.abs(ms))}` : "n/a");
const maximum = (values: readonly number[]) => (values.length === 0 ? Number.NaN : Math.max(...values));
const minimum = (values: readonly number[]) => (values.length === 0 ? Number.NaN : Math.min(...values));

async function until(deadline: number, done: () => boolean | Promise<boolean>): Promise<boolean> {
  while (Date.now() < deadline) {
    if (await done()) return true;
    await sleep(250);
  }
  return done();
}

/** Local targets that answer 200 until `break(id)`, then 503 until `fix(id)`. */
async function startBreakableTargets(): Promise<{
  url: string;
  break(id: string): void;
  fix(id: string): void;
  close(): Promise<void>;
}> {
  const broken = new Set<string>();
  const server = createServer((request, response) => {
    const id = /^\/svc\/([\w-]+)$/.exec(request.url ?? "")?.[1] ?? "";
    const down = broken.has(id);
    response
      .writeHead(down ? 503 : 200, { "content-type": "application/json" })
      .end(JSON.stringify({ status: down ? "down" : "ok" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    break: (id) => broken.add(id),
    fix: (id) => broken.delete(id),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function instanceStates(worker: RunningWorker): Promise<Map<string, string>> {
  const rows = await worker.sql(
    PAGE_OBJECT,
    `SELECT monitor_id, state, started_fingerprint FROM monitor_instances WHERE removed_at IS NULL`,
  );
  return new Map(
    rows.map((row) => [String(row.monitor_id), row.started_fingerprint === null ? "" : String(row.state)]),
  );
}

/** Each alert's opening time by the monitor it is about (the latest, should a monitor have two). */
async function openedByMonitor(worker: RunningWorker): Promise<Map<string, { id: string; openedAt: number }>> {
  const rows = await worker.sql(PAGE_OBJECT, `SELECT id, details, opened_at FROM alerts ORDER BY opened_at`);
  const opened = new Map<string, { id: string; openedAt: number }>();
  for (const row of rows) {
    const monitorId = (JSON.parse(String(row.details)) as { monitorId?: string | null }).monitorId;
    if (monitorId) opened.set(monitorId, { id: String(row.id), openedAt: Number(row.opened_at) });
  }
  return opened;
}

const firstAt = (arrivals: readonly AlertArrival[], channel: string, after: number) =>
  arrivals.find((a) => a.channel === channel && a.at >= after)?.at ?? Number.NaN;

// ---------------------------------------------------------------- figures 18 and 19

async function outageFigures(
  bundle: string,
  scratch: string,
  receiver: AlertReceiver,
  settings: AlertBenchSettings,
  progress: Progress,
): Promise<Section> {
  const targets = await startBreakableTargets();
  const ids = Array.from({ length: settings.outages }, (_, i) => `out-${String(i + 1).padStart(2, "0")}`);
  const vars: Record<string, string> = {};
  const channel = (id: string, kind: string) => {
    const name = `${kind}-${id}`;
    vars[`BENCH_${name.toUpperCase().replaceAll("-", "_")}`] = receiver.slackUrl(name);
    return {
      id: name,
      kind: "slack" as const,
      urlSecret: `BENCH_${name.toUpperCase().replaceAll("-", "_")}`,
    };
  };
  const config = defineConfig({
    page: { name: "Bench Alerts", url: "https://status.bench.example" },
    components: ids.map((id) => ({ id: `c-${id}`, name: `Service ${id}` })),
    monitors: ids.map((id) => ({
      id,
      url: `${targets.url}/svc/${id}`,
      components: [`c-${id}`],
      intervalSeconds: 10,
      failuresToDown: 3,
    })),
    alerting: {
      channels: ids.flatMap((id) => [channel(id, "first"), channel(id, "step1"), channel(id, "step2")]),
      policies: ids.map((id) => ({
        id: `p-${id}`,
        steps: [
          { channels: [`first-${id}`] },
          { afterMinutes: STEP_MINUTES[0], channels: [`step1-${id}`] },
          { afterMinutes: STEP_MINUTES[1], channels: [`step2-${id}`] },
        ],
      })),
      routes: ids.map((id) => ({ monitors: [id], policy: `p-${id}` })),
    },
  });
  const worker = await startWorker(bundle, mkdtempSync(join(scratch, "alerts-outage-")), {
    vars,
    onLog: quietLogs(progress),
  });
  try {
    await worker.object(PAGE_OBJECT).reconcile(config);
    const upBy = Date.now() + 120_000;
    const allUp = await until(upBy, async () => {
      const states = await instanceStates(worker);
      return ids.every((id) => states.get(id) === "up");
    });
    if (!allUp) throw new Error(`outage figures: not every monitor was up within 2 min`);
    progress(`alerts: ${ids.length} monitors at 10 s are up; breaking one every ${BREAK_EVERY_MS / 1000} s`);

    const brokeAt = new Map<string, number>();
    for (const [i, id] of ids.entries()) {
      if (i > 0) await sleep(BREAK_EVERY_MS);
      targets.break(id);
      brokeAt.set(id, Date.now());
    }
    const lastBreak = Date.now();
    await until(lastBreak + ALERT_TIMEOUT_MS, () =>
      ids.every((id) => Number.isFinite(firstAt(receiver.arrivals(), `first-${id}`, brokeAt.get(id) ?? 0))),
    );
    progress("alerts: first alerts in; waiting for the escalation steps");
    const lastStep = (STEP_MINUTES.at(-1) ?? 0) * 60_000;
    await until(lastBreak + ALERT_TIMEOUT_MS + lastStep + STEP_TIMEOUT_MS, () =>
      ids.every((id) => Number.isFinite(firstAt(receiver.arrivals(), `step2-${id}`, 0))),
    );
    const opened = await openedByMonitor(worker);

    // Mended: the recovery follows on the channel first alerted (a diagnostic).
    const fixedAt = new Map<string, number>();
    for (const id of ids) {
      targets.fix(id);
      fixedAt.set(id, Date.now());
    }
    const slackBefore = new Map(
      ids.map((id) => [id, receiver.arrivals().filter((a) => a.channel === `first-${id}`).length]),
    );
    await until(Date.now() + 90_000, () =>
      ids.every(
        (id) => receiver.arrivals().filter((a) => a.channel === `first-${id}`).length > (slackBefore.get(id) ?? 0),
      ),
    );

    const toAlert: number[] = [];
    const detection: number[] = [];
    const delivery: number[] = [];
    const stepErrors: number[][] = STEP_MINUTES.map(() => []);
    const recoveries: number[] = [];
    for (const id of ids) {
      const broke = brokeAt.get(id) ?? Number.NaN;
      const first = firstAt(receiver.arrivals(), `first-${id}`, broke);
      if (Number.isFinite(first)) toAlert.push(first - broke);
      const alert = opened.get(id);
      if (alert) {
        detection.push(alert.openedAt - broke);
        if (Number.isFinite(first)) delivery.push(first - alert.openedAt);
        STEP_MINUTES.forEach((minutes, step) => {
          const at = firstAt(receiver.arrivals(), `step${step + 1}-${id}`, 0);
          if (Number.isFinite(at)) stepErrors[step]?.push(at - (alert.openedAt + minutes * 60_000));
        });
      }
      const later = receiver.arrivals().filter((a) => a.channel === `first-${id}`)[slackBefore.get(id) ?? 0];
      if (later) recoveries.push(later.at - (fixedAt.get(id) ?? Number.NaN));
    }
    const missing = ids.length - toAlert.length;
    const allErrors = stepErrors.flat();
    const worstError = maximum(allErrors.map(Math.abs));
    const stepRows: Row[] = STEP_MINUTES.map((minutes, step) => {
      const errors = stepErrors[step] ?? [];
      return {
        figure: `   step at ${minutes * 60} s: error median / min / max`,
        value: `${signedSeconds(median(errors))} / ${signedSeconds(minimum(errors))} / ${signedSeconds(maximum(errors))} (${errors.length}/${ids.length})`,
      };
    });
    const n = ids.length;
    return {
      rows: [
        {
          figure: `18 outage → first alert (Slack), ${n} outages, median / max`,
          value: `${seconds(median(toAlert))} / ${seconds(maximum(toAlert))}`,
          budget: "< 35 s",
          verdict: verdict(missing === 0 && maximum(toAlert) < 35_000),
        },
        {
          figure: "   of which detection (break → alert opened), median / max",
          value: `${seconds(median(detection))} / ${seconds(maximum(detection))}`,
          budget: "3 × 10 s",
        },
        {
          figure: "   and delivery (opened → at the receiver), median / max",
          value: `${seconds(median(delivery))} / ${seconds(maximum(delivery))}`,
          budget: "≤ 2 s",
          verdict: verdict(delivery.length === n && maximum(delivery) <= 2_000),
        },
        { figure: "   outages never alerted", value: String(missing), budget: "0", verdict: verdict(missing === 0) },
        contractRow(receiver),
        {
          figure: `19 escalation step timing error, worst of ${allErrors.length}`,
          value: seconds(worstError),
          budget: "≤ 5 s",
          verdict: verdict(allErrors.length === n * STEP_MINUTES.length && worstError <= 5_000),
        },
        ...stepRows,
        {
          figure: "   (diagnostic) mended → next Slack message, median / max",
          value: `${seconds(median(recoveries))} / ${seconds(maximum(recoveries))} (${recoveries.length}/${n})`,
        },
      ],
      notes: [
        `18/19: ${n} monitors at 10 s, 3 failures to down, each routed to its own policy of three Slack-speaking channels ` +
          `(at once, ${STEP_MINUTES.map((m) => `${m * 60} s`).join(", ")}); targets broken ${BREAK_EVERY_MS / 1000} s apart in this process, ` +
          `nobody acknowledges. "Opened" is the alert's opened_at in the StatusPage object's SQLite; arrivals are the receiver's clock (the same machine's). ` +
          `Answered 429 as too soon: ${receiver.tooSoon()}.`,
      ],
    };
  } finally {
    await worker.dispose();
    await targets.close();
  }
}

/** Shows workerd's first few errors; swallows the rest, and everything else. */
function quietLogs(progress: Progress): (level: string, message: string) => boolean {
  let shown = 0;
  return (level, message) => {
    if (level === "error" && shown++ < 5) progress(`workerd error: ${message.slice(0, 300)}`);
    return true;
  };
}

/** Requests so far that broke the provider's documented contract (the receiver answered 400). */
function contractRow(receiver: AlertReceiver): Row {
  const broken = receiver.violations();
  return {
    figure: "   requests breaking the provider's contract",
    value: broken.length === 0 ? "0" : `${broken.length}: ${broken[0]?.slice(0, 60)}`,
    budget: "0",
    verdict: verdict(broken.length === 0),
  };
}

// ---------------------------------------------------------------- figure 20

function report(id: string, from: MonitorReport["state"], to: MonitorReport["state"], at: number): MonitorReport {
  const summary = to === "down" ? "HTTP 503 from the storm's shared dependency" : "HTTP 200";
  return {
    monitorId: id,
    region: REGION,
    at,
    state: to,
    since: at,
    transition: {
      from,
      to,
      at,
      summary,
      firstFailure: to === "down" ? { at: at - 20_000, summary } : null,
    },
    latency: {
      from: at - 10_000,
      to: at,
      checks: 1,
      failures: to === "down" ? 1 : 0,
      meanMs: to === "down" ? null : 20,
    },
    rollups: [],
  };
}

async function sendReports(
  worker: RunningWorker,
  ids: readonly string[],
  make: (id: string) => MonitorReport,
  spreadMs: number,
) {
  const batches = Math.ceil(ids.length / STORM_BATCH);
  const start = Date.now();
  for (let b = 0; b < batches; b++) {
    await sleep(start + (b * spreadMs) / batches - Date.now());
    const calls: Call[] = ids.slice(b * STORM_BATCH, (b + 1) * STORM_BATCH).map((id) => ["reportMonitor", make(id)]);
    await worker.batch(PAGE_OBJECT, calls);
  }
  return Date.now() - start;
}

async function stormFigures(
  bundle: string,
  scratch: string,
  receiver: AlertReceiver,
  settings: AlertBenchSettings,
  progress: Progress,
): Promise<Section> {
  const ids = Array.from({ length: settings.stormMonitors }, (_, i) => `st-${String(i + 1).padStart(4, "0")}`);
  const perComponent = 20;
  const channels = ["storm-a", "storm-b"];
  const signing = `whsec_${Buffer.from("the bench's storm webhook key!!!").toString("base64")}`;
  const vars: Record<string, string> = {
    BENCH_STORM_A: receiver.slackUrl("storm-a"),
    BENCH_STORM_B: receiver.slackUrl("storm-b"),
    BENCH_STORM_HOOK: receiver.webhookUrl("storm-hook"),
    BENCH_STORM_SIGNING: signing,
    // The bench sends the monitors' reports itself (see the top of this file).
    FLAG_PROBING: "off",
  };
  const config = defineConfig({
    page: { name: "Bench Storm", url: "https://status.bench.example" },
    components: Array.from({ length: Math.ceil(ids.length / perComponent) }, (_, i) => ({
      id: `svc-${i + 1}`,
      name: `Service ${i + 1}`,
    })),
    monitors: ids.map((id, i) => ({
      id,
      url: `http://127.0.0.1:9/${id}`,
      components: [`svc-${Math.floor(i / perComponent) + 1}`],
      intervalSeconds: 3600,
    })),
    alerting: {
      channels: [
        { id: "storm-a", kind: "slack", urlSecret: "BENCH_STORM_A" },
        { id: "storm-b", kind: "slack", urlSecret: "BENCH_STORM_B" },
        { id: "storm-hook", kind: "webhook", urlSecret: "BENCH_STORM_HOOK", signingSecret: "BENCH_STORM_SIGNING" },
      ],
      policies: [{ id: "storm", steps: [{ channels: ["storm-a", "storm-b", "storm-hook"] }] }],
      routes: [{ policy: "storm" }],
    },
  });
  const worker = await startWorker(bundle, mkdtempSync(join(scratch, "alerts-storm-")), {
    vars,
    onLog: quietLogs(progress),
  });
  try {
    await worker.object(PAGE_OBJECT).reconcile(config);
    const started = await until(Date.now() + 300_000, async () => {
      const states = await instanceStates(worker);
      return ids.every((id) => states.has(id) && states.get(id) !== "");
    });
    if (!started) throw new Error("storm: the Monitor objects did not all start within 5 min");
    const upTook = await sendReports(worker, ids, (id) => report(id, "unknown", "up", Date.now()), 0);
    progress(
      `alerts: storm of ${count(ids.length)}: all up (${seconds(upTook)}); now down within ${STORM_SPREAD_MS / 1000} s`,
    );
    await sleep(5_000);
    const t0 = Date.now();
    const spread = await sendReports(worker, ids, (id) => report(id, "up", "down", Date.now()), STORM_SPREAD_MS);
    const windowMs = settings.stormMinutes * 60_000;
    await sleep(t0 + windowMs - Date.now());
    const arrived = receiver.arrivals().filter((a) => a.at >= t0 && a.at < t0 + windowMs);
    const [opened] = await worker.sql(PAGE_OBJECT, `SELECT COUNT(*) AS n FROM alerts WHERE kind = 'monitor_down'`);
    const alertsOpened = Number(opened?.n ?? 0);
    const [down] = await worker.sql(
      PAGE_OBJECT,
      `SELECT COUNT(*) AS n FROM monitor_instances WHERE removed_at IS NULL AND state = 'down'`,
    );

    const rows: Row[] = [];
    const perChannel = [...channels, "storm-hook"].map((name) => {
      const list = arrived.filter((a) => a.channel === name);
      const gaps = list.slice(1).map((a, i) => a.at - (list[i] as AlertArrival).at);
      return { name, list, gaps };
    });
    const worstCount = maximum(perChannel.map((c) => c.list.length));
    const allTimes = arrived.map((a) => a.at - t0);
    const slackGaps = perChannel.filter((c) => c.name !== "storm-hook").flatMap((c) => c.gaps);
    const refused = receiver.tooSoon();
    const listed = new Set(
      perChannel
        .find((c) => c.name === "storm-hook")
        ?.list.flatMap((a) => a.notices.filter((n) => n.notice === "trigger").map((n) => n.alertId)) ?? [],
    );
    rows.push(
      {
        figure: `20 storm, ${count(ids.length)} down in ${seconds(spread)}: messages per channel, first ${settings.stormMinutes} min`,
        value: perChannel.map((c) => String(c.list.length)).join(" / "),
        budget: "≤ 5",
        verdict: verdict(worstCount >= 1 && worstCount <= 5),
      },
      {
        figure: "   first / last message after the first down report",
        value: `${seconds(minimum(allTimes))} / ${seconds(maximum(allTimes))}`,
      },
      {
        figure: "   closest two messages to one Slack webhook",
        value: seconds(minimum(slackGaps)),
        budget: `≥ ${SLACK_SPACING_MS / 1000} s`,
        verdict: verdict(slackGaps.length === 0 || minimum(slackGaps) >= SLACK_SPACING_MS),
      },
      {
        figure: "   answered 429 (sooner than 1/s)",
        value: String(refused),
        budget: "0",
        verdict: verdict(refused === 0),
      },
      contractRow(receiver),
      {
        figure: "   alerts opened / listed in the webhook's messages",
        value: `${count(alertsOpened)} / ${count(listed.size)}`,
        budget: "all listed",
        verdict: verdict(alertsOpened === ids.length && listed.size === alertsOpened),
      },
    );
    const bytes = perChannel.map(
      (c) => `${c.name} ${c.list.map((a) => `${(a.bytes / 1000).toFixed(1)} kB`).join(", ")}`,
    );
    return {
      rows,
      notes: [
        `20: ${count(ids.length)} monitors in ${Math.ceil(ids.length / perComponent)} components, one policy sending to two Slack-speaking channels ` +
          `(storm-a, storm-b) and one generic webhook (storm-hook), default grouping; their reports sent by the bench ` +
          `${STORM_BATCH} to a round trip through reportMonitor() (probing off); ${count(Number(down?.n ?? 0))} monitors down at the end of the window. ` +
          `Message sizes: ${bytes.join("; ")}.`,
      ],
    };
  } finally {
    await worker.dispose();
  }
}

export async function alertFigures(
  bundle: string,
  scratch: string,
  settings: AlertBenchSettings,
  progress: Progress,
): Promise<Section> {
  const receiver = await startAlertReceiver();
  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    if (settings.parts.has("outage")) {
      const outage = await outageFigures(bundle, scratch, receiver, settings, progress);
      rows.push(...outage.rows);
      notes.push(...outage.notes);
    }
    if (settings.parts.has("storm")) {
      const storm = await stormFigures(bundle, scratch, receiver, settings, progress);
      rows.push(...storm.rows);
      notes.push(...storm.notes);
    }
  } finally {
    await receiver.close();
  }
  return { rows, notes };
}
