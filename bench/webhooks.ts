/**
 * `BENCH_ONLY=webhooks`: one incident to many webhook endpoints, and whether
 * receivers that never answer hold up the ones that do (docs/decisions/0020-webhooks.md).
 *
 *  15. one incident declared through the API to 100 endpoints that answer 204
 *      at once: time until the last has its `incident.updated`, deliveries
 *      per second, duplicates, missing, signatures that fail to verify
 *  16. the same 100 plus 10 endpoints that never answer (the Worker's own
 *      timeout, 30 s unless WEBHOOK_TIMEOUT_SECONDS says otherwise, ends each
 *      attempt): the same for the healthy ones, and the attempts the hanging
 *      ones received
 *  17. (diagnostic) the declaring API call with 110 endpoints and with none:
 *      the fan-out into the outbox happens in its transaction
 *
 * The Worker is the built bundle under Miniflare (ENVIRONMENT local, so
 * loopback http URLs are accepted), its endpoints registered through
 * `POST /api/v1/webhooks` and pointing at a node:http server in this process
 * that records each delivery (endpoint, arrival, `webhook-id`,
 * `meta.event_type`, `incident.id`) and verifies its signature with the
 * reference `standardwebhooks` library.
 *
 * Prints figures; never fails on them.
 */
import { mkdtempSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Webhook } from "standardwebhooks";
import { ADMIN_TOKEN, api, declareIncident, expectStatus } from "./api-client.ts";
import { type RunningWorker, startWorker } from "./harness.ts";
import { processCpuMs } from "./proc.ts";
import { referenceConfig } from "./reference.ts";
import { count, median, ms, quantile, type Row } from "./stats.ts";

type Progress = (message: string) => void;

interface Section {
  rows: Row[];
  notes: string[];
}

const PUBLIC_URL = "https://status.bench.example";
const HEALTHY = 100;
const HANGING = 10;
/** Declarations timed with no endpoint at all (after one untimed). */
const EMPTY_DECLARATIONS = 5;
const POLL_MS = 50;
/** The Worker's default (durable-objects/status-page/webhook-deliveries.ts); the bench leaves it so. */
const DEFAULT_TIMEOUT_S = 30;
/** Give up waiting for a scenario's healthy deliveries after this long. */
const SCENARIO_TIMEOUT_MS = 4 * 60_000;
/** Arrivals further apart than this start a new wave (a later alarm run's batch). */
const WAVE_GAP_S = 2;

/** One POST the receiver took in whole. */
interface Arrival {
  name: string;
  /** performance.now() when its body had fully arrived. */
  at: number;
  webhookId: string;
  eventType: string | null;
  incidentId: string | null;
  verified: boolean;
}

/** One attempt at a hanging endpoint: when it came, and when the Worker gave up on it (closed the socket). */
interface Hang {
  name: string;
  at: number;
  closedAt: number | null;
}

interface Receiver {
  port: number;
  /** Endpoint name → its whsec_ secret, known once registered. */
  secrets: Map<string, string>;
  arrivals: Arrival[];
  hangs: Hang[];
  close(): Promise<void>;
}

/**
 * A node:http server on 127.0.0.1: POST /hooks/<name> is a delivery. Names
 * starting "hang" are read in whole and never answered; the rest get 204 at once.
 */
async function startReceiver(): Promise<Receiver> {
  const held = new Set<ServerResponse>();
  const receiver: Receiver = {
    port: 0,
    secrets: new Map(),
    arrivals: [],
    hangs: [],
    close: async () => {
      for (const response of held) response.socket?.destroy();
      held.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const name = /^\/hooks\/([^/?]+)$/.exec(request.url ?? "")?.[1];
    if (request.method !== "POST" || !name) {
      response.writeHead(404).end();
      return;
    }
    const hanging = name.startsWith("hang");
    const hang: Hang | null = hanging ? { name, at: performance.now(), closedAt: null } : null;
    if (hang) {
      receiver.hangs.push(hang);
      held.add(response);
      response.on("close", () => {
        hang.closedAt ??= performance.now();
        held.delete(response);
      });
    }
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const at = performance.now();
      const body = Buffer.concat(chunks).toString("utf8");
      const header = (key: string) => String(request.headers[key] ?? "");
      const headers = {
        "webhook-id": header("webhook-id"),
        "webhook-timestamp": header("webhook-timestamp"),
        "webhook-signature": header("webhook-signature"),
      };
      let verified = false;
      const secret = receiver.secrets.get(name);
      if (secret) {
        try {
          new Webhook(secret).verify(body, headers);
          verified = true;
        } catch {
          // Counted as a failure below.
        }
      }
      let eventType: string | null = null;
      let incidentId: string | null = null;
      try {
        const payload = JSON.parse(body) as { meta?: { event_type?: string }; incident?: { id?: string } };
        eventType = payload.meta?.event_type ?? null;
        incidentId = payload.incident?.id ?? null;
      } catch {
        // Not JSON: recorded with no event, so counted among the deliveries of other events.
      }
      receiver.arrivals.push({ name, at, webhookId: headers["webhook-id"], eventType, incidentId, verified });
      if (!hanging) response.writeHead(204).end();
    });
  });
  server.on("clientError", (_error, socket) => socket.destroy());
  receiver.port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
  return receiver;
}

function declare(worker: RunningWorker, name: string): Promise<{ id: string; ms: number; sentAt: number }> {
  return declareIncident(worker.url, name);
}

interface Endpoint {
  name: string;
  id: string;
}

async function register(worker: RunningWorker, receiver: Receiver, name: string): Promise<Endpoint> {
  const answer = expectStatus(
    await api(worker.url, "POST", "/webhooks", { url: `http://127.0.0.1:${receiver.port}/hooks/${name}` }),
    201,
    `registering webhook ${name}`,
  );
  const { id, secret } = JSON.parse(answer.text) as { id: string; secret: string };
  receiver.secrets.set(name, secret);
  return { name, id };
}

interface Delivery {
  declaredMs: number;
  /** From sending the declaration to the healthy endpoints' first delivery of it, seconds; NaN when none came. */
  first: number;
  half: number;
  ninety: number;
  last: number;
  /** Healthy deliveries per second from the first to the last. */
  rate: number;
  delivered: number;
  duplicates: number;
  missing: number;
  /** Deliveries in this phase that were not this incident's incident.updated. */
  others: number;
  signatureFailures: number;
  /** Deliveries the receiver verified, hanging endpoints' included. */
  checked: number;
  /** Healthy arrivals grouped by gaps above WAVE_GAP_S: [count, last arrival (s)]. */
  waves: [number, number][];
  outbox: Record<string, number>;
  hang: {
    attempts: number;
    endpoints: number;
    /** Seconds from the declaration to each hanging attempt's arrival. */
    arrivals: number[];
    /** Seconds each abandoned attempt was held before the Worker closed it. */
    heldFor: number[];
    open: number;
  };
  cpuPerDelivery: number;
  timedOut: boolean;
}

/**
 * Declares one incident and waits until every healthy endpoint has it and
 * its outbox rows for them are settled; with hanging endpoints, also until
 * their first attempts have been given up on by the Worker (or a bounded wait ran out).
 */
async function deliverOnce(
  worker: RunningWorker,
  receiver: Receiver,
  healthy: readonly Endpoint[],
  hanging: readonly Endpoint[],
  label: string,
  progress: Progress,
): Promise<Delivery> {
  const arrivalsBefore = receiver.arrivals.length;
  const hangsBefore = receiver.hangs.length;
  const cpu = processCpuMs(worker.workerdPid) ?? Number.NaN;
  const declared = await declare(worker, `${label}: elevated error rates`);
  const [update] = await worker.sql(
    "page",
    `SELECT id FROM incident_updates WHERE incident_id = ? ORDER BY created_at LIMIT 1`,
    declared.id,
  );
  const outboxEvent = `update:${String(update?.id)}`;
  const healthyNames = new Set(healthy.map((e) => e.name));
  const healthyIds = JSON.stringify(healthy.map((e) => e.id));
  const mine = () => receiver.arrivals.slice(arrivalsBefore);
  const ours = (a: Arrival) => a.eventType === "incident.updated" && a.incidentId === declared.id;
  const openForHealthy = async () => {
    const [row] = await worker.sql(
      "page",
      `SELECT COUNT(*) AS n FROM outbox WHERE dedupe_key = ? AND channel = 'webhook'
         AND state IN ('pending', 'sending') AND recipient IN (SELECT value FROM json_each(?))`,
      outboxEvent,
      healthyIds,
    );
    return Number(row?.n ?? 0);
  };

  const deadline = declared.sentAt + SCENARIO_TIMEOUT_MS;
  let timedOut = false;
  let lastReport = performance.now();
  for (;;) {
    await sleep(POLL_MS);
    const got = new Set(
      mine()
        .filter((a) => ours(a) && healthyNames.has(a.name))
        .map((a) => a.name),
    ).size;
    if (performance.now() - lastReport > 30_000) {
      lastReport = performance.now();
      progress(`${label}: ${got} of ${healthy.length} healthy endpoints have their delivery`);
    }
    if (got >= healthy.length && (await openForHealthy()) === 0) break;
    if (performance.now() > deadline) {
      timedOut = true;
      break;
    }
  }
  const healthyDone = performance.now();
  const cpuAfter = processCpuMs(worker.workerdPid) ?? Number.NaN;

  // The hanging endpoints: wait for each to have been tried, and for the Worker to give up on those attempts.
  if (hanging.length > 0) {
    const hangDeadline = Math.max(healthyDone + 5_000, declared.sentAt + (3 * DEFAULT_TIMEOUT_S + 10) * 1000);
    for (;;) {
      const hangs = receiver.hangs.slice(hangsBefore);
      const reached = new Set(hangs.map((h) => h.name)).size;
      if (reached >= hanging.length && hangs.every((h) => h.closedAt !== null)) break;
      if (performance.now() > hangDeadline) break;
      await sleep(POLL_MS * 4);
    }
  }

  const rows = await worker.sql(
    "page",
    `SELECT state, COUNT(*) AS n FROM outbox WHERE dedupe_key = ? AND channel = 'webhook' GROUP BY state`,
    outboxEvent,
  );
  const outbox: Record<string, number> = {};
  for (const row of rows) outbox[String(row.state)] = Number(row.n);

  const arrivals = mine();
  const firstByEndpoint = new Map<string, number>();
  const copies = new Map<string, number>();
  let others = 0;
  for (const a of arrivals) {
    if (!ours(a)) {
      others++;
      continue;
    }
    // A hanging endpoint gets the same webhook-id again on purpose: that is its retry.
    if (!healthyNames.has(a.name)) continue;
    const key = `${a.name} ${a.webhookId}`;
    copies.set(key, (copies.get(key) ?? 0) + 1);
    if (!firstByEndpoint.has(a.name)) firstByEndpoint.set(a.name, a.at);
  }
  const times = [...firstByEndpoint.values()].map((at) => (at - declared.sentAt) / 1000).sort((a, b) => a - b);
  const waves: [number, number][] = [];
  for (const [i, t] of times.entries()) {
    const previous = times[i - 1];
    const wave = waves.at(-1);
    if (wave && previous !== undefined && t - previous <= WAVE_GAP_S) {
      wave[0]++;
      wave[1] = t;
    } else waves.push([1, t]);
  }
  const first = times[0] ?? Number.NaN;
  const last = times.at(-1) ?? Number.NaN;
  const hangs = receiver.hangs.slice(hangsBefore);
  const delivered = times.length;
  return {
    declaredMs: declared.ms,
    first,
    half: quantile(times, 0.5),
    ninety: quantile(times, 0.9),
    last,
    rate: delivered / Math.max(0.001, last - first),
    delivered,
    duplicates: [...copies.values()].reduce((sum, n) => sum + n - 1, 0),
    missing: healthy.length - delivered,
    others,
    signatureFailures: arrivals.filter((a) => !a.verified).length,
    checked: arrivals.length,
    waves,
    outbox,
    hang: {
      attempts: hangs.length,
      endpoints: new Set(hangs.map((h) => h.name)).size,
      arrivals: hangs.map((h) => (h.at - declared.sentAt) / 1000),
      heldFor: hangs.filter((h) => h.closedAt !== null).map((h) => ((h.closedAt as number) - h.at) / 1000),
      open: hangs.filter((h) => h.closedAt === null).length,
    },
    cpuPerDelivery: (cpuAfter - cpu) / Math.max(1, delivered),
    timedOut,
  };
}

const sec = (value: number) => (Number.isNaN(value) ? "never" : `${value.toFixed(2)} s`);

function describe(d: Delivery): string {
  const outbox = Object.entries(d.outbox)
    .map(([state, n]) => `${state} ${count(n)}`)
    .join(", ");
  const waves = d.waves.map(([n, by]) => `${n} by ${sec(by)}`).join(", ");
  return (
    `first delivery ${sec(d.first)}, half ${sec(d.half)}, 90 % ${sec(d.ninety)}, last ${sec(d.last)} after the declaration was sent; ` +
    `healthy arrivals in waves (gaps over ${WAVE_GAP_S} s): ${waves || "none"}; outbox rows of the update: ${outbox}; ` +
    `${d.checked} deliveries verified with standardwebhooks, ${d.signatureFailures} failed; ${d.others} deliveries of other events; ` +
    `workerd ${ms(d.cpuPerDelivery)} CPU per healthy delivery` +
    (d.timedOut ? "; GAVE UP WAITING" : "")
  );
}

/** Figures 15–17 on one Worker and one receiver. */
export async function webhookFigures(bundlePath: string, scratch: string, progress: Progress): Promise<Section> {
  const receiver = await startReceiver();
  const worker = await startWorker(bundlePath, mkdtempSync(join(scratch, "webhooks-")), {
    // No WEBHOOK_TIMEOUT_SECONDS: the production default applies.
    vars: { ADMIN_TOKEN, PUBLIC_URL },
  });
  const endpoints: Endpoint[] = [];
  try {
    await worker.object("page").reconcile(referenceConfig);
    expectStatus(
      await api(worker.url, "PUT", "/flags/webhook_notifications", { value: true }),
      200,
      "turning webhooks on",
    );

    // Figure 17's baseline: declaring with no endpoint at all.
    await declare(worker, "Warm-up");
    const empty: number[] = [];
    for (let i = 0; i < EMPTY_DECLARATIONS; i++) empty.push((await declare(worker, `No endpoints ${i + 1}`)).ms);

    const t0 = performance.now();
    const healthy: Endpoint[] = [];
    for (let n = 1; n <= HEALTHY; n++) healthy.push(await register(worker, receiver, `ok-${n}`));
    endpoints.push(...healthy);
    const registering = (performance.now() - t0) / HEALTHY;
    progress(
      `webhooks: ${HEALTHY} endpoints registered (${ms(registering)} per POST /webhooks); receiver on 127.0.0.1:${receiver.port}`,
    );

    const clean = await deliverOnce(worker, receiver, healthy, [], "Webhooks to all", progress);
    progress(`webhooks, all healthy: last of ${clean.delivered} after ${sec(clean.last)}`);

    const hanging: Endpoint[] = [];
    for (let n = 1; n <= HANGING; n++) hanging.push(await register(worker, receiver, `hang-${n}`));
    endpoints.push(...hanging);
    const blocked = await deliverOnce(worker, receiver, healthy, hanging, "Webhooks past hanging receivers", progress);
    progress(
      `webhooks, ${HANGING} hanging: last healthy of ${blocked.delivered} after ${sec(blocked.last)}; ` +
        `${blocked.hang.attempts} attempts at the hanging ones`,
    );

    const rate = (d: Delivery) => `${count(d.rate)} deliveries/s`;
    const lost = (d: Delivery) => `${d.duplicates} / ${d.missing}`;
    const hangHeld = blocked.hang.heldFor;
    return {
      rows: [
        { figure: `15 one incident to ${HEALTHY} webhook endpoints: last`, value: sec(clean.last) },
        { figure: "   50 % / 90 % delivered after", value: `${sec(clean.half)} / ${sec(clean.ninety)}` },
        { figure: "   deliveries per second, first to last", value: rate(clean) },
        { figure: "   duplicates / missing", value: lost(clean), budget: "0 / 0" },
        { figure: "   signatures failing standardwebhooks", value: String(clean.signatureFailures), budget: "0" },
        { figure: `16 same + ${HANGING} hanging endpoints: last healthy`, value: sec(blocked.last) },
        { figure: "   50 % / 90 % of healthy after", value: `${sec(blocked.half)} / ${sec(blocked.ninety)}` },
        { figure: "   healthy deliveries per second, first to last", value: rate(blocked) },
        { figure: "   healthy duplicates / missing", value: lost(blocked), budget: "0 / 0" },
        { figure: "   signatures failing standardwebhooks", value: String(blocked.signatureFailures), budget: "0" },
        {
          figure: "   attempts at the hanging endpoints",
          value: `${blocked.hang.attempts} (at ${blocked.hang.endpoints} of ${HANGING})`,
        },
        {
          figure: `17 (diagnostic) declaring, ${HEALTHY + HANGING} endpoints / none`,
          value: `${ms(blocked.declaredMs)} / ${ms(median(empty))}`,
        },
      ],
      notes: [
        `15: ${HEALTHY} endpoints registered through POST /api/v1/webhooks (${ms(registering)} each), all pointing at a node:http ` +
          `server in the bench process that answers 204 as soon as a body has arrived; webhook_notifications on. One incident ` +
          `declared through POST /api/v1/incidents with no component, so every endpoint follows it; times from sending it ` +
          `to the receiver having the whole body. The alarm POSTs through a pool of 50 slots, at most 10 per endpoint, a freed ` +
          `slot refilled at once. ${describe(clean)}.`,
        `16: ${HANGING} more endpoints whose receiver reads the POST and never answers, then a second incident. The Worker's ` +
          `timeout was its default, ${DEFAULT_TIMEOUT_S} s (WEBHOOK_TIMEOUT_SECONDS unset), as in production. Attempts at the ` +
          `hanging endpoints arrived ${blocked.hang.arrivals.map((t) => t.toFixed(1)).join(", ")} s after the declaration; the Worker ` +
          `closed ${hangHeld.length} of them after a median ${sec(median(hangHeld))} (max ${sec(hangHeld.length > 0 ? Math.max(...hangHeld) : Number.NaN)})` +
          `${blocked.hang.open > 0 ? `, ${blocked.hang.open} still open when the phase ended` : ""}; ` +
          `a failed attempt is retried after 2.5–5 s, then 2.5–5 min, one delivery at a time while the endpoint keeps failing. ` +
          `A hanging attempt holds only its own slot, so the healthy deliveries flow past it (the first version waited for a ` +
          `whole batch of 50 before claiming the next: the last healthy delivery came after 60.2 s). ` +
          `${describe(blocked)}.`,
        `   Locally workerd lets one alarm have every fetch in flight at once; on Cloudflare an invocation has at most 6 ` +
          `connections waiting for response headers and queues the rest, so there 6 or more receivers hanging at the same ` +
          `moment would hold up the others until their timeout. Timings are from one shared machine and vary between runs.`,
        `17: the declaring call, sent to its 201, with ${HEALTHY + HANGING} endpoints: ${ms(blocked.declaredMs)} ` +
          `(${HEALTHY} endpoints, figure 15: ${ms(clean.declaredMs)}), against a median of ${ms(median(empty))} over ` +
          `${EMPTY_DECLARATIONS} with none (${empty.map((v) => v.toFixed(1)).join(", ")} ms); the outbox rows are written ` +
          `in the declaration's transaction.`,
      ],
    };
  } finally {
    let deleted = 0;
    for (const endpoint of endpoints) {
      const answer = await api(worker.url, "DELETE", `/webhooks/${endpoint.id}`).catch(() => null);
      if (answer?.status === 200) deleted++;
    }
    if (deleted < endpoints.length) progress(`webhooks: deleted ${deleted} of ${endpoints.length} endpoints`);
    await worker.dispose();
    await receiver.close();
  }
}
