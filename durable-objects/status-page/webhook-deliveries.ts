import { connect as socketsConnect } from "cloudflare:sockets";
import { ambiguousFetchError, classifyFetchError } from "../../worker/core/probes/classify-network-error.ts";
import { describeFailure } from "../../worker/core/probes/describe-failure.ts";
import type { PageSnapshot } from "../../worker/core/read-model.ts";
import type { ComponentStatus } from "../../worker/core/statuses.ts";
import {
  componentWebhook,
  incidentWebhook,
  testWebhook,
  type WebhookMeta,
} from "../../worker/core/webhooks/payloads.ts";
import { judgeWebhookResponse, retryAfterMs } from "../../worker/core/webhooks/retry.ts";
import { signWebhook } from "../../worker/core/webhooks/signing.ts";
import { refusedWebhookTarget } from "../../worker/core/webhooks/target-address.ts";
import { readTextAtMost } from "../../worker/platform/bounded-read.ts";
import { opensTcp } from "../shared/opens-tcp.ts";
import { loadEvents } from "./events.ts";
import { claimDue, isLastAttempt, settle } from "./outbox/claims.ts";
import type { OutboxRow, Outcome } from "./outbox/rows.ts";
import { iso } from "./time.ts";
import { type AttemptVerdict, readWebhook, recordAttempt, signingSecrets } from "./webhooks.ts";

/** How much of a receiver's error answer is read, to quote in the endpoint's record. */
const ERROR_BODY_BYTES = 200;
/** How long the second look that names a network failure may take (see fetchFailureInWords). */
const SECOND_LOOK_MS = 2_000;

/** A receiver gets this long to answer (Statuspage's 30 s unless WEBHOOK_TIMEOUT_SECONDS says otherwise). */
function timeoutMs(env: Env): number {
  const seconds = Number(env.WEBHOOK_TIMEOUT_SECONDS ?? 30);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 60) * 1000 : 30_000;
}

export interface WebhookAttempt {
  outcome: Outcome;
  /** How the endpoint answered; null when nothing was sent (the row could not be rendered). */
  verdict: AttemptVerdict | null;
}

/**
 * What sends one claimed webhook row: renders it from the stored event (the
 * update or status change it announces never changes), signs it with the
 * endpoint's secrets and POSTs it without following redirects. Never rejects.
 */
export function webhookSender(
  sql: SqlStorage,
  env: Env,
  snapshot: () => PageSnapshot,
): (row: OutboxRow) => Promise<WebhookAttempt> {
  const base = (env.PUBLIC_URL ?? "").replace(/\/$/, "");
  const timeout = timeoutMs(env);
  return (row) =>
    deliverOne(row).catch(
      // One row that cannot even be signed (a damaged secret) must not hold up, or re-claim forever, the rest.
      (error): WebhookAttempt => ({
        outcome: { outcome: "permanent", reason: `could not send: ${error}` },
        verdict: null,
      }),
    );

  async function deliverOne(row: OutboxRow): Promise<WebhookAttempt> {
    const hook = readWebhook(sql, row.recipient);
    if (!hook) return { outcome: { outcome: "permanent", reason: "the webhook was deleted" }, verdict: null };
    const refused = refusedWebhookTarget(hook.url, env.ENVIRONMENT);
    if (refused) return failed("refused", `the URL ${refused}`);
    let body: string;
    try {
      const current = snapshot();
      const origin = base || current.page.url.replace(/\/$/, "");
      const meta: WebhookMeta = {
        documentation: `${origin}/api/v1/docs`,
        unsubscribe: `${origin}/api/v1/webhooks/${encodeURIComponent(row.recipient)}`,
        generatedAt: iso(Date.now()),
      };
      const payload = renderPayload(sql, current, row, meta);
      if (!payload)
        return { outcome: { outcome: "permanent", reason: "the event is no longer public" }, verdict: null };
      body = JSON.stringify(payload);
    } catch (error) {
      return { outcome: { outcome: "permanent", reason: `could not render: ${String(error)}` }, verdict: null };
    }
    const signed = await signWebhook(
      signingSecrets(hook, Date.now()),
      `msg_${row.seq}`,
      Math.floor(Date.now() / 1000),
      body,
    );
    let response: Response;
    try {
      response = await fetch(hook.url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "Lookout-Webhooks/1", ...signed },
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(timeout),
      });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
      return failed(
        "failed",
        timedOut ? `no answer within ${timeout / 1000} s` : await fetchFailureInWords(hook.url, error),
      );
    }
    const verdict = judgeWebhookResponse(response.status);
    if (verdict === "delivered") {
      await response.body?.cancel();
      return { outcome: { outcome: "sent" }, verdict };
    }
    // A receiver's error page is quoted, never downloaded: a 500 with 400 MB costs this much.
    const said = await readTextAtMost(response, ERROR_BODY_BYTES);
    const reason = `HTTP ${response.status}${response.status >= 300 && response.status < 400 ? " (redirects are not followed)" : ""}${said ? `: ${said}` : ""}`;
    return failed(verdict, reason, retryAfterMs(response.headers.get("retry-after"), Date.now()));
  }
}

/**
 * What went wrong, in the probes' words ("connection refused", "DNS lookup
 * failed for …", "TLS error: …"), never workerd's "internal error; reference
 * = …": workerd gives one message for several causes, so, as the HTTP probe
 * does, a plain TCP connection to the receiver tells them apart.
 */
async function fetchFailureInWords(url: string, error: unknown): Promise<string> {
  let reachable: boolean | null = null;
  if (ambiguousFetchError(error)) {
    const signal = AbortSignal.timeout(SECOND_LOOK_MS);
    const timedOut = new Promise<never>((_, reject) =>
      signal.addEventListener("abort", () => reject(signal.reason), { once: true }),
    );
    timedOut.catch(() => undefined);
    reachable = await opensTcp(url, {
      connect: socketsConnect,
      race: (step) => Promise.race([step, timedOut]),
      gaveUp: () => signal.aborted,
    });
  }
  return describeFailure(classifyFetchError(error, { url, duringBody: false, reachable }));
}

function failed(verdict: Exclude<AttemptVerdict, "delivered">, reason: string, wait?: number): WebhookAttempt {
  const outcome: Outcome =
    verdict === "failed"
      ? { outcome: "temporary", reason, cause: "message", ...(wait === undefined ? {} : { retryAfterMs: wait }) }
      : { outcome: "permanent", reason };
  return { outcome, verdict };
}

function renderPayload(sql: SqlStorage, snapshot: PageSnapshot, row: OutboxRow, meta: WebhookMeta): object | null {
  if (row.kind === "test") return testWebhook(snapshot, meta);
  if (row.kind === "component") {
    const change = sql
      .exec<{ component_id: string; status: ComponentStatus; at: number; old: ComponentStatus | null }>(
        `SELECT h.component_id, h.status, h.at, (SELECT p.status FROM component_status_history p
           WHERE p.component_id = h.component_id AND p.seq < h.seq ORDER BY p.seq DESC LIMIT 1) AS old
         FROM component_status_history h WHERE h.seq = ?`,
        Number(row.ref),
      )
      .toArray()[0];
    if (!change || !snapshot.components.some((c) => c.id === change.component_id)) return null;
    return componentWebhook(
      snapshot,
      {
        id: String(row.ref),
        componentId: change.component_id,
        oldStatus: change.old ?? "operational",
        newStatus: change.status,
        at: iso(change.at),
      },
      meta,
    );
  }
  const event = loadEvents(sql, {
    where: `visibility = 'public' AND id = (SELECT incident_id FROM incident_updates WHERE id = ?)`,
    params: [row.ref],
  })[0];
  if (!event?.updates.some((u) => u.id === row.ref)) return null;
  return incidentWebhook(snapshot, event, row.ref as string, meta);
}

export interface PoolLimits {
  /** Deliveries in flight at once. */
  slots: number;
  /** Rows one endpoint may have in flight; it gets no more until they are answered. */
  perEndpoint: number;
  /** No new claims after this long; what is in flight is still waited for. */
  forMs: number;
}

/**
 * Due webhooks through a pool of slots: a slot freed by an answer is refilled
 * at once, so a receiver that hangs holds only its own few slots until its
 * timeout while every other endpoint's deliveries keep flowing. Each outcome,
 * and the endpoint's record, is written in its own transaction as soon as the
 * receiver answers, so an invocation that dies midway resends only what had no
 * answer yet (with the same webhook-id, which receivers deduplicate on).
 */
export async function deliverDueWebhooks(
  storage: DurableObjectStorage,
  env: Env,
  snapshot: () => PageSnapshot,
  limits: PoolLimits,
): Promise<{ claimed: number; sent: number }> {
  const sql = storage.sql;
  const send = webhookSender(sql, env, snapshot);
  const deadline = Date.now() + limits.forMs;
  const inFlight = new Map<Promise<void>, string>();
  let claimed = 0;
  let sent = 0;
  for (;;) {
    const free = limits.slots - inFlight.size;
    if (free > 0 && Date.now() < deadline) {
      const busy = [...new Set(inFlight.values())];
      const rows = storage.transactionSync(() =>
        claimDue(sql, "webhook", Date.now(), free, {
          perRecipient: limits.perEndpoint,
          except: busy,
          // An endpoint that failed last time is tried with one delivery, not a slot-full that may all hang.
          one: failingEndpoints(sql),
        }),
      );
      claimed += rows.length;
      for (const row of rows) {
        const flight: Promise<void> = send(row).then(({ outcome, verdict }) => {
          inFlight.delete(flight);
          if (outcome.outcome === "sent") sent++;
          storage.transactionSync(() => {
            const now = Date.now();
            settle(sql, row, outcome, now);
            if (verdict) {
              recordAttempt(sql, row, verdict, "reason" in outcome ? outcome.reason : "", isLastAttempt(row), now);
            }
          });
        });
        inFlight.set(flight, row.recipient);
      }
    }
    if (inFlight.size === 0) break;
    await Promise.race(inFlight.keys());
  }
  return { claimed, sent };
}

function failingEndpoints(sql: SqlStorage): string[] {
  return sql
    .exec<{ id: string }>(`SELECT id FROM webhooks WHERE failures_in_a_row > 0 AND disabled_at IS NULL`)
    .toArray()
    .map((row) => row.id);
}
