/**
 * `BENCH_ONLY=mail`: the mail budget of docs/budgets.md, one incident update
 * delivered to 10,000 email subscribers over local SMTP within 5 minutes, none
 * twice, also while the SMTP server refuses some transactions.
 *
 *  12. one incident declared through the API to 10,000 confirmed subscribers:
 *      time until the last has its mail, mails per second, duplicates, missing
 *  13. the same with the SMTP server refusing a random 10 % of transactions
 *      (451 at RCPT or at the end of DATA): the time until the last mail, and
 *      the retries the outbox made
 *  14. (diagnostic) the declaring API call with 10,000 subscribers and with
 *      none: the fan-out into the outbox happens in its transaction
 *
 * The Worker is the built bundle under Miniflare, with SMTP_HOST pointing at
 * an `smtp-server` in this process that counts what it accepts per recipient
 * and event (the Message-ID Lookout gives each mail names both); nothing is
 * parsed beyond that header. Subscribers are made through the StatusPage
 * object's subscribe() and confirmSubscription() RPCs by the bench driver.
 *
 * Prints figures; never fails on them.
 *
 * Environment:
 *   BENCH_MAIL_SUBSCRIBERS=10000   confirmed subscribers (smaller for a quick run)
 *   BENCH_MAIL_TIMEOUT_MINUTES=9   give up waiting for a scenario's last mail after this long (the
 *                                  retries' backoff can take figure 13's last mail past 7 min)
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { SMTPServer } from "smtp-server";
import { ADMIN_TOKEN, api, declareIncident, expectStatus } from "./api-client.ts";
import { type Call, type RunningWorker, startWorker } from "./harness.ts";
import { processCpuMs } from "./proc.ts";
import { componentIds, referenceConfig } from "./reference.ts";
import { count, median, ms, quantile, type Row } from "./stats.ts";

type Progress = (message: string) => void;

interface Section {
  rows: Row[];
  notes: string[];
}

export interface MailBenchSettings {
  subscribers: number;
  timeoutMinutes: number;
}

/** Read before anything runs, so a bad value fails at once. */
export function mailSettings(): MailBenchSettings {
  const subscribers = Number(process.env.BENCH_MAIL_SUBSCRIBERS ?? 10_000);
  const timeoutMinutes = Number(process.env.BENCH_MAIL_TIMEOUT_MINUTES ?? 9);
  if (!Number.isInteger(subscribers) || subscribers < 1) {
    throw new Error(
      `BENCH_MAIL_SUBSCRIBERS must be a positive whole number, not "${process.env.BENCH_MAIL_SUBSCRIBERS}"`,
    );
  }
  if (!(timeoutMinutes > 0)) {
    throw new Error(
      `BENCH_MAIL_TIMEOUT_MINUTES must be a positive number, not "${process.env.BENCH_MAIL_TIMEOUT_MINUTES}"`,
    );
  }
  return { subscribers, timeoutMinutes };
}

const PUBLIC_URL = "https://status.bench.example";
/** Share of SMTP transactions refused with 451 in figure 13: half at RCPT, half after the whole DATA. */
const FAILURE_RATE = 0.1;
/** subscribe() and confirmSubscription() calls per driver round trip. */
const SEED_BATCH = 500;
/** Declarations timed with no subscribers at all (after one untimed). */
const EMPTY_DECLARATIONS = 5;
const POLL_MS = 100;
/** The component the declared incidents degrade; every subscriber follows it. */
const AFFECTED = componentIds[0] as string;

/** One phase of the SMTP server's life: what it accepted and refused since it began. */
interface Phase {
  /** Accepted mails by event (from the Message-ID), then by recipient. */
  accepted: Map<string, Map<string, number>>;
  /** performance.now() of each accepted mail, by event. */
  arrivals: Map<string, number[]>;
  /** Accepted mails without a Message-ID Lookout would give. */
  unknown: number;
  transactions: number;
  refusedAtRcpt: number;
  refusedAtData: number;
  connections: number;
  /** How long each connection (one alarm run's batch) stayed open, ms. */
  connectionMs: number[];
}

const newPhase = (): Phase => ({
  accepted: new Map(),
  arrivals: new Map(),
  unknown: 0,
  transactions: 0,
  refusedAtRcpt: 0,
  refusedAtData: 0,
  connections: 0,
  connectionMs: [],
});

interface Catcher {
  port: number;
  /** Share of transactions refused from now on. */
  failureRate: number;
  phase: Phase;
  close(): Promise<void>;
}

function refusal(message: string): Error {
  return Object.assign(new Error(message), { responseCode: 451 });
}

/**
 * An smtp-server on 127.0.0.1 that counts, not parses: for each accepted
 * mail the event and recipient, from the envelope and the Message-ID header
 * (`<subscriber.update.<updateId>@host>`, stable per subscriber and event).
 */
async function startCatcher(): Promise<Catcher> {
  const opened = new Map<string, number>();
  /** Sessions whose current transaction is refused after its DATA. */
  const failAtData = new Set<string>();
  const catcher: Catcher = {
    port: 0,
    failureRate: 0,
    phase: newPhase(),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    disableReverseLookup: true,
    banner: "Lookout bench catcher",
    closeTimeout: 100,
    onConnect(session, callback) {
      catcher.phase.connections++;
      opened.set(session.id, performance.now());
      callback();
    },
    onClose(session) {
      const at = opened.get(session.id);
      opened.delete(session.id);
      failAtData.delete(session.id);
      if (at !== undefined) catcher.phase.connectionMs.push(performance.now() - at);
    },
    onRcptTo(_address, session, callback) {
      catcher.phase.transactions++;
      const draw = Math.random();
      if (draw < catcher.failureRate / 2) {
        catcher.phase.refusedAtRcpt++;
        return callback(refusal("4.3.0 Try again later (bench)"));
      }
      if (draw < catcher.failureRate) failAtData.add(session.id);
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        if (failAtData.delete(session.id)) {
          catcher.phase.refusedAtData++;
          return callback(refusal("4.3.0 Try again later (bench)"));
        }
        const raw = Buffer.concat(chunks).toString("latin1");
        const headerEnd = raw.indexOf("\r\n\r\n");
        const id = /^Message-ID:\s*<[^.>]+\.([^@>]+)@/im.exec(headerEnd < 0 ? raw : raw.slice(0, headerEnd));
        const phase = catcher.phase;
        if (!id?.[1]) phase.unknown++;
        else {
          const event = id[1];
          const byRecipient = phase.accepted.get(event) ?? new Map<string, number>();
          const times = phase.arrivals.get(event) ?? [];
          phase.accepted.set(event, byRecipient);
          phase.arrivals.set(event, times);
          times.push(performance.now());
          for (const rcpt of session.envelope.rcptTo) {
            byRecipient.set(rcpt.address, (byRecipient.get(rcpt.address) ?? 0) + 1);
          }
        }
        callback(null, "queued");
      });
    },
  });
  server.on("error", () => undefined);
  catcher.port = await new Promise<number>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.server.address() as AddressInfo).port));
  });
  return catcher;
}

function declare(worker: RunningWorker, name: string): Promise<{ id: string; ms: number; sentAt: number }> {
  return declareIncident(worker.url, name, { impact: "major", components: { [AFFECTED]: "partial_outage" } });
}

/** Subscribers: three in four follow everything, one in four picks the affected component and another. */
async function seedSubscribers(worker: RunningWorker, total: number): Promise<{ subscribe: number; confirm: number }> {
  const t0 = performance.now();
  for (let first = 0; first < total; first += SEED_BATCH) {
    const calls: Call[] = [];
    for (let n = first; n < Math.min(total, first + SEED_BATCH); n++) {
      const components = n % 4 === 3 ? [AFFECTED, componentIds[1 + (n % (componentIds.length - 1))] as string] : null;
      calls.push(["subscribe", `subscriber-${n + 1}@mail.bench.example`, components]);
    }
    const results = await worker.batch("page", calls);
    const refused = results.filter((r) => r !== "accepted").length;
    if (refused > 0) throw new Error(`${refused} subscribe() calls were not accepted`);
  }
  const t1 = performance.now();
  const pending = await worker.sql("page", `SELECT id FROM subscribers WHERE state = 'pending'`);
  for (let first = 0; first < pending.length; first += SEED_BATCH) {
    const calls: Call[] = pending
      .slice(first, first + SEED_BATCH)
      .map((row) => ["confirmSubscription", String(row.id)] as Call);
    await worker.batch("page", calls);
  }
  return { subscribe: (t1 - t0) / 1000, confirm: (performance.now() - t1) / 1000 };
}

interface Delivery {
  declaredMs: number;
  /** From sending the declaration, seconds; NaN when it never came. */
  first: number;
  half: number;
  p99: number;
  last: number;
  ninety: number;
  /** Mails per second from the first to the last. */
  rate: number;
  /** Mails per second from the first to the 90th percentile: the first pass, before retries' backoff. */
  rate90: number;
  delivered: number;
  duplicates: number;
  missing: number;
  otherMails: number;
  outbox: Record<string, number>;
  retries: number;
  maxAttempts: number;
  refused: { rcpt: number; data: number };
  transactions: number;
  connections: number;
  connectionMs: number[];
  cpuPerMail: number;
  catcherCpuPerMail: number;
  timedOut: boolean;
}

/** Declares one incident and waits until its update is settled in the outbox for every subscriber. */
async function deliverOnce(
  worker: RunningWorker,
  catcher: Catcher,
  subscribers: number,
  label: string,
  timeoutMinutes: number,
  progress: Progress,
): Promise<Delivery> {
  catcher.phase = newPhase();
  const cpu = processCpuMs(worker.workerdPid) ?? Number.NaN;
  const catcherCpu = process.cpuUsage();
  const declared = await declare(worker, `${label}: elevated error rates`);
  const [update] = await worker.sql(
    "page",
    `SELECT id FROM incident_updates WHERE incident_id = ? ORDER BY created_at LIMIT 1`,
    declared.id,
  );
  const event = `update.${String(update?.id)}`;
  const outboxEvent = `update:${String(update?.id)}`;
  const states = async () => {
    const rows = await worker.sql(
      "page",
      `SELECT state, COUNT(*) AS n, SUM(attempts) AS attempts, MAX(attempts) AS most FROM outbox WHERE dedupe_key = ? GROUP BY state`,
      outboxEvent,
    );
    return rows;
  };
  const deadline = declared.sentAt + timeoutMinutes * 60_000;
  let timedOut = false;
  let lastReport = performance.now();
  for (;;) {
    await sleep(POLL_MS);
    const got = catcher.phase.accepted.get(event)?.size ?? 0;
    if (performance.now() - lastReport > 30_000) {
      lastReport = performance.now();
      progress(`${label}: ${count(got)} of ${count(subscribers)} have their mail`);
    }
    if (got >= subscribers) {
      const open = (await states()).filter((r) => r.state === "pending" || r.state === "sending");
      if (open.length === 0) break;
    }
    if (performance.now() > deadline) {
      const open = (await states()).filter((r) => r.state === "pending" || r.state === "sending");
      if (open.length === 0) break;
      timedOut = true;
      break;
    }
  }
  const cpuAfter = processCpuMs(worker.workerdPid) ?? Number.NaN;
  const catcherUsed = process.cpuUsage(catcherCpu);
  const phase = catcher.phase;
  const rows = await states();
  const outbox: Record<string, number> = {};
  let attempts = 0;
  let settled = 0;
  let maxAttempts = 0;
  for (const row of rows) {
    outbox[String(row.state)] = Number(row.n);
    attempts += Number(row.attempts);
    settled += Number(row.n);
    maxAttempts = Math.max(maxAttempts, Number(row.most));
  }
  const byRecipient = phase.accepted.get(event) ?? new Map<string, number>();
  const times = (phase.arrivals.get(event) ?? []).map((at) => (at - declared.sentAt) / 1000);
  const delivered = times.length;
  const at = (q: number) => quantile(times, q);
  const first = times.length > 0 ? Math.min(...times) : Number.NaN;
  const last = times.length > 0 ? Math.max(...times) : Number.NaN;
  let otherMails = phase.unknown;
  for (const [other, recipients] of phase.accepted) {
    if (other !== event) for (const n of recipients.values()) otherMails += n;
  }
  return {
    declaredMs: declared.ms,
    first,
    half: at(0.5),
    ninety: at(0.9),
    p99: at(0.99),
    last,
    rate: delivered / Math.max(0.001, last - first),
    rate90: (0.9 * delivered) / Math.max(0.001, at(0.9) - first),
    delivered,
    duplicates: [...byRecipient.values()].filter((n) => n > 1).length,
    missing: subscribers - byRecipient.size,
    otherMails,
    outbox,
    retries: attempts - settled,
    maxAttempts,
    refused: { rcpt: phase.refusedAtRcpt, data: phase.refusedAtData },
    transactions: phase.transactions,
    connections: phase.connections,
    connectionMs: phase.connectionMs,
    cpuPerMail: (cpuAfter - cpu) / Math.max(1, delivered),
    catcherCpuPerMail: (catcherUsed.user + catcherUsed.system) / 1000 / Math.max(1, delivered),
    timedOut,
  };
}

/** Duplicates and missing; a mail still waiting for its retry when the wait ran out is missing but not lost. */
function lost(d: Delivery): string {
  const queued = (d.outbox.pending ?? 0) + (d.outbox.sending ?? 0);
  return `${d.duplicates} / ${d.missing}${queued > 0 ? ` (${queued} still queued)` : ""}`;
}

const sec = (value: number) => (Number.isNaN(value) ? "never" : `${value.toFixed(1)} s`);
const minSec = (value: number) =>
  Number.isNaN(value)
    ? "never"
    : value < 60
      ? sec(value)
      : `${Math.floor(value / 60)} min ${String(Math.round(value % 60)).padStart(2, "0")} s (${value.toFixed(0)} s)`;

function describe(d: Delivery): string {
  const outbox = Object.entries(d.outbox)
    .map(([state, n]) => `${state} ${count(n)}`)
    .join(", ");
  return (
    `first mail ${sec(d.first)}, half ${sec(d.half)}, 90 % ${sec(d.ninety)}, 99 % ${sec(d.p99)}, last ${sec(d.last)} after the declaration was sent; ` +
    `${count(d.transactions)} SMTP transactions over ${count(d.connections)} connections (one per batch of 100), ` +
    `median ${ms(median(d.connectionMs))} per connection; outbox: ${outbox}; ` +
    `${d.otherMails} mails of other events; workerd ${ms(d.cpuPerMail)} CPU per mail, the catcher ${ms(d.catcherCpuPerMail)}` +
    (d.timedOut ? "; GAVE UP WAITING (BENCH_MAIL_TIMEOUT_MINUTES)" : "")
  );
}

/** Figures 12–14 on one Worker and one catcher. */
export async function mailFigures(
  bundlePath: string,
  scratch: string,
  settings: MailBenchSettings,
  progress: Progress,
): Promise<Section> {
  const n = settings.subscribers;
  const catcher = await startCatcher();
  const worker = await startWorker(bundlePath, mkdtempSync(join(scratch, "mail-")), {
    vars: {
      ADMIN_TOKEN,
      SMTP_HOST: "127.0.0.1",
      SMTP_PORT: String(catcher.port),
      SMTP_TLS: "none",
      MAIL_FROM: "Bench Reference Cloud Status <status@mail.bench.example>",
      LINK_SECRET: randomBytes(32).toString("hex"),
      PUBLIC_URL,
    },
  });
  try {
    await worker.object("page").reconcile(referenceConfig);

    // Figure 14's baseline: declaring with no subscriber at all.
    await declare(worker, "Warm-up");
    const empty: number[] = [];
    for (let i = 0; i < EMPTY_DECLARATIONS; i++) empty.push((await declare(worker, `No subscribers ${i + 1}`)).ms);

    // Confirmation mails are held while seeding (email_notifications off), then counted as sent long ago.
    expectStatus(
      await api(worker.url, "PUT", "/flags/email_notifications", { value: false }),
      200,
      "turning email off",
    );
    const seeded = await seedSubscribers(worker, n);
    const [confirmed] = await worker.sql("page", `SELECT COUNT(*) AS n FROM subscribers WHERE state = 'confirmed'`);
    if (Number(confirmed?.n) !== n) throw new Error(`${confirmed?.n} of ${n} subscribers confirmed`);
    await worker.sql(
      "page",
      `UPDATE outbox SET state = 'sent', sent_at = ? WHERE kind = 'confirm' AND state = 'pending'`,
      Date.now(),
    );
    expectStatus(
      await api(worker.url, "PUT", "/flags/email_notifications", { value: null }),
      200,
      "turning email back on",
    );
    const [left] = await worker.sql("page", `SELECT COUNT(*) AS n FROM outbox WHERE state IN ('pending', 'sending')`);
    if (Number(left?.n) !== 0) throw new Error(`${left?.n} outbox rows pending before the first declaration`);
    progress(
      `mail: ${count(n)} subscribers: subscribe() ${seeded.subscribe.toFixed(1)} s, confirmSubscription() ${seeded.confirm.toFixed(1)} s; ` +
        `catcher on 127.0.0.1:${catcher.port}`,
    );

    catcher.failureRate = 0;
    const clean = await deliverOnce(worker, catcher, n, "Mail to all", settings.timeoutMinutes, progress);
    progress(`mail, no failures: last of ${count(clean.delivered)} after ${sec(clean.last)}`);
    catcher.failureRate = FAILURE_RATE;
    const flaky = await deliverOnce(worker, catcher, n, "Mail through failures", settings.timeoutMinutes, progress);
    progress(`mail, 10 % refused: last of ${count(flaky.delivered)} after ${sec(flaky.last)}`);
    catcher.failureRate = 0;

    const people = count(n);
    const rate = (d: Delivery) => `${count(d.rate)} mails/s`;
    const refused = flaky.refused.rcpt + flaky.refused.data;
    return {
      rows: [
        {
          figure: `12 one update to ${people} subscribers: last mail`,
          value: minSec(clean.last),
          budget: "within 5 min",
        },
        { figure: "   mails per second, first to last", value: rate(clean) },
        { figure: "   duplicates / missing", value: lost(clean), budget: "0 / 0" },
        {
          figure: `13 same, SMTP refusing ${FAILURE_RATE * 100} %: last mail`,
          value: minSec(flaky.last),
          budget: "within 5 min",
        },
        { figure: "   90 % / 99 % delivered after", value: `${sec(flaky.ninety)} / ${sec(flaky.p99)}` },
        { figure: "   mails per second, first to 90 %", value: `${count(flaky.rate90)} mails/s` },
        { figure: "   duplicates / missing", value: lost(flaky), budget: "0 / 0" },
        {
          figure: "   retries / 451s answered",
          value: `${count(flaky.retries)} / ${count(refused)}`,
        },
        {
          figure: `14 (diagnostic) declaring, ${people} subscribers / none`,
          value: `${ms(median([clean.declaredMs, flaky.declaredMs]))} / ${ms(median(empty))}`,
        },
      ],
      notes: [
        `12: ${people} confirmed subscribers (three in four follow everything, one in four the affected component and another), ` +
          `made by the bench driver with the object's subscribe() (${seeded.subscribe.toFixed(1)} s) and confirmSubscription() ` +
          `(${seeded.confirm.toFixed(1)} s) RPCs, ${SEED_BATCH} per round trip, with email_notifications off; their confirmation ` +
          `mails were then marked sent in SQL, as on a page whose subscribers confirmed long ago. One incident declared through ` +
          `POST /api/v1/incidents; times from sending it to the catcher's 250 for the mail. ${describe(clean)}.`,
        `13: a new incident to the same subscribers, the catcher answering 451 to a random ${FAILURE_RATE * 100} % of transactions ` +
          `(${count(flaky.refused.rcpt)} at RCPT, ${count(flaky.refused.data)} after DATA, retries included). The outbox retries ` +
          `a refused message after 10–20 s up to four times, then with doubling waits (worker/core/delivery/retry.ts), so the tail is the backoff of the mails ` +
          `refused more than once (most attempts for one mail: ${flaky.maxAttempts}). ${describe(flaky)}.`,
        `14: the declaring call, sent to its 201, with ${people} confirmed subscribers: ${ms(clean.declaredMs)} and ` +
          `${ms(flaky.declaredMs)} (figures 12, 13), against a median of ${ms(median(empty))} over ${EMPTY_DECLARATIONS} with none ` +
          `(${empty.map((v) => v.toFixed(1)).join(", ")} ms); the outbox rows are written in the declaration's transaction.`,
      ],
    };
  } finally {
    await worker.dispose();
    await catcher.close();
  }
}
