import type { AlertAttempt } from "../../worker/core/alerting/answer.ts";
import { type AlertChannelConfig, HANDOVER_KINDS } from "../../worker/core/alerting/channels.ts";
import { type DueNotice, nextSendAt, planMessages } from "../../worker/core/alerting/grouping.ts";
import type { AlertMessage, AlertNotice, NoticeKind } from "../../worker/core/alerting/message.ts";
import { renderRequest } from "../../worker/core/alerting/providers/index.ts";
import { isMissing, type ReadSecret } from "../../worker/core/alerting/providers/secrets.ts";
import { RESOLVED, screenNotices } from "../../worker/core/alerting/screening.ts";
import { sendAlert } from "../../worker/platform/alerting/send-alert.ts";
import { sendAlertMail } from "./alert-mail-send.ts";
import { type AlertRow, noticeOf, readAlert } from "./alert-notices.ts";
import { alertChannel } from "./alerts/alerting-config.ts";
import { ALERTS } from "./jobs/settings.ts";
import { claimDue, drop, release, settle, UNANSWERED } from "./outbox/claims.ts";
import { NOT_HELD, type OutboxRow, type Outcome } from "./outbox/rows.ts";
import { pageInfo } from "./page-info.ts";

/**
 * Sends the outbox's alert notices (channel 'alert', recipient = a config
 * channel's id), grouped per channel and time window (docs/decisions/0035).
 * A channel whose next_send_at has not come waits, its notices pending; one
 * that may send claims everything due for it in one transaction and sends it
 * as one message (several for PagerDuty and Opsgenie, one per thread), then
 * settles every notice with the outcome, records the channel's health and
 * when it may next be sent to. Channels are sent to side by side: a provider
 * that hangs holds up only its own channel.
 */

/**
 * Channels with a message in flight, per object, and since when: never two at
 * once to one channel (its rate limit). A channel's sends end well within the
 * claim's lease; an entry older than that (its promise was lost with an
 * invocation) no longer counts, as the claim itself no longer does.
 */
const sending = new WeakMap<DurableObjectStorage, Map<string, number>>();

function inFlight(storage: DurableObjectStorage): Map<string, number> {
  const map = sending.get(storage) ?? new Map<string, number>();
  sending.set(storage, map);
  const stale = Date.now() - ALERTS.leaseMs;
  for (const [id, since] of map) if (since < stale) map.delete(id);
  return map;
}

/** Channels with a notice due now whose window has passed and that are not held. */
function readyChannels(sql: SqlStorage, now: number): string[] {
  return sql
    .exec<{ recipient: string }>(
      `SELECT DISTINCT recipient FROM outbox
       WHERE state IN ('pending', 'sending') AND next_attempt_at <= ? AND channel = 'alert' AND ${NOT_HELD}
         AND COALESCE((SELECT next_send_at FROM alert_channels c WHERE c.id = outbox.recipient), 0) <= ?`,
      now,
      now,
    )
    .toArray()
    .map((row) => row.recipient);
}

/** When the next message may leave: per channel, the later of its first due notice and its next_send_at. */
export function nextAlertAt(sql: SqlStorage): number | null {
  const row = sql
    .exec<{ at: number | null }>(
      `SELECT MIN(MAX(d.due, COALESCE(c.next_send_at, 0))) AS at
       FROM (SELECT recipient, MIN(next_attempt_at) AS due FROM outbox
             WHERE state IN ('pending', 'sending') AND channel = 'alert' AND ${NOT_HELD}
             GROUP BY recipient) d
       LEFT JOIN alert_channels c ON c.id = d.recipient`,
    )
    .toArray()[0];
  return row?.at ?? null;
}

export interface AlertRun {
  /** Requests made (one per message). */
  messages: number;
  /** Notices in messages that were delivered. */
  delivered: number;
}

/**
 * One pass over the channels that may send now. Waits for their answers up to
 * `waitMs`; a channel still waiting then (a hanging provider) finishes on its
 * own and calls `wake` so what it left due gets the alarm.
 */
export async function deliverDueAlerts(
  storage: DurableObjectStorage,
  env: Env,
  wake: () => Promise<void>,
  waitMs = ALERTS.windowMs,
): Promise<AlertRun> {
  const busy = inFlight(storage);
  const run: AlertRun = { messages: 0, delivered: 0 };
  let returned = false;
  const channels = readyChannels(storage.sql, Date.now()).filter((id) => !busy.has(id));
  const all = Promise.all(
    channels.map(async (id) => {
      busy.set(id, Date.now());
      try {
        await deliverChannel(storage, env, id, run);
      } finally {
        busy.delete(id);
        if (returned) await wake();
      }
    }),
  );
  let timer: ReturnType<typeof setTimeout> | null = null;
  await Promise.race([
    all,
    new Promise((resolve) => {
      timer = setTimeout(resolve, waitMs);
    }),
  ]);
  clearTimeout(timer);
  returned = true;
  return run;
}

/** Reads a channel's secret from the Worker's environment (a secret or a variable), by name. */
function secretsOf(env: Env): ReadSecret {
  return (name) => {
    const value = (env as unknown as Record<string, unknown>)[name];
    return typeof value === "string" && value !== "" ? value : undefined;
  };
}

async function deliverChannel(storage: DurableObjectStorage, env: Env, id: string, run: AlertRun): Promise<void> {
  const sql = storage.sql;
  const claimed = storage.transactionSync(() => {
    const now = Date.now();
    const state = sql
      .exec<{ at: number }>(`SELECT next_send_at AS at FROM alert_channels WHERE id = ?`, id)
      .toArray()[0];
    if (state && state.at > now) return [];
    return claimDue(sql, "alert", now, ALERTS.perMessage, { recipient: id });
  });
  if (claimed.length === 0) return;
  claimed.sort((a, b) => a.seq - b.seq);
  const channel = alertChannel(sql, id);
  const page = pageInfo(sql);
  if (!channel || !page) {
    const reason = channel ? "the page has no config applied" : "the channel is no longer in the config";
    storage.transactionSync(() => {
      for (const row of claimed) settle(sql, row, { outcome: "permanent", reason }, Date.now());
    });
    return;
  }
  const now = Date.now();
  const read = new Map<number, { row: OutboxRow; alert: AlertRow | null }>();
  const gone: OutboxRow[] = [];
  const broken: OutboxRow[] = [];
  for (const row of claimed) {
    try {
      const alert = row.ref ? readAlert(sql, row.ref) : null;
      if (row.kind !== "test" && !alert) gone.push(row);
      else read.set(row.seq, { row, alert });
    } catch {
      // One alert that cannot be read must not hold up, or re-claim forever, the rest of the message.
      broken.push(row);
    }
  }
  const claimedSeqs = JSON.stringify(claimed.map((r) => r.seq));
  const screened = screenNotices(
    [...read.values()].map(({ row, alert }) => ({
      seq: row.seq,
      alertId: alert?.id ?? row.dedupeKey,
      notice: row.kind as NoticeKind,
      status: alert?.status ?? null,
      reached: alert !== null && row.kind === "resolve" && reachedChannel(sql, id, alert.id, claimedSeqs),
    })),
  );
  const bySeq = new Map<number, { row: OutboxRow; notice: AlertNotice }>();
  for (const seq of screened.kept) {
    const { row, alert } = read.get(seq) as { row: OutboxRow; alert: AlertRow | null };
    try {
      const notice = await noticeOf(row, alert, page, env, now);
      if (notice) bySeq.set(row.seq, { row, notice });
      else gone.push(row);
    } catch {
      broken.push(row);
    }
  }
  /** A kept row and the earlier rows of the same alert it stands for. */
  const rowsFor = (seq: number): OutboxRow[] =>
    [seq, ...(screened.superseded.get(seq) ?? [])].flatMap((s) => {
      const row = read.get(s)?.row;
      return row ? [row] : [];
    });
  const threaded = HANDOVER_KINDS.includes(channel.kind);
  const plan = planMessages(
    [...bySeq.values()].map(({ row, notice }) => dueNotice(sql, id, row, notice, threaded, claimedSeqs)),
    threaded,
  );
  storage.transactionSync(() => {
    for (const row of gone) drop(sql, row, "the alert no longer exists");
    for (const row of broken) settle(sql, row, { outcome: "permanent", reason: "could not read the alert" }, now);
    for (const { seq, reason } of screened.dropped) drop(sql, read.get(seq)?.row as OutboxRow, reason);
    for (const alertId of screened.resolved) dropWaiting(sql, id, alertId);
    for (const { seq, reason } of plan.skipped) for (const row of rowsFor(seq)) drop(sql, row, reason);
    // A resolve whose trigger is still being sent goes after it: back in the queue until that claim ends.
    for (const seq of plan.deferred) {
      const at = Math.max(now + 1_000, waitingUntil(sql, id, bySeq.get(seq)?.notice.alertId ?? "", claimedSeqs));
      for (const row of rowsFor(seq)) release(sql, row, at);
    }
  });
  for (const [i, planned] of plan.messages.entries()) {
    const items = planned.seqs.map((seq) => bySeq.get(seq) as { row: OutboxRow; notice: AlertNotice });
    const message: AlertMessage = {
      channelId: id,
      id: `alert_${id}_${items[0]?.row.seq ?? 0}`,
      page: { name: page.name, url: page.url },
      notices: items.map((item) => item.notice),
      thread: planned.thread,
    };
    if (planned.opens) {
      // Recorded before the request, not after its answer: a trigger in flight when the object restarts may
      // have opened the thread, and its resolve must close it (a resolve of a thread never opened is a no-op).
      storage.transactionSync(() => {
        for (const { notice } of items) {
          sql.exec(
            `INSERT INTO alert_threads (alert_id, channel_id, thread) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
            notice.alertId,
            id,
            planned.thread,
          );
        }
      });
    }
    const attempt = await sendMessage(channel, env, message);
    run.messages++;
    if (attempt.outcome === "sent") run.delivered += items.length;
    const at = Date.now();
    const later = plan.messages.slice(i + 1).flatMap((m) => m.seqs.flatMap(rowsFor));
    storage.transactionSync(() => {
      for (const row of planned.seqs.flatMap(rowsFor)) settle(sql, row, toOutcome(attempt), at);
      const next = nextSendAt(at, channel, attempt);
      recordHealth(sql, id, attempt, at, next);
      // A failure stops the channel's other messages this time round: they wait for it to be sendable again.
      if (attempt.outcome !== "sent") for (const row of later) release(sql, row, next);
    });
    if (attempt.outcome !== "sent") return;
  }
}

/**
 * Whether a trigger or reminder of the alert may have reached the channel:
 * one was delivered, another run is sending one now, or one was in flight
 * when the object restarted (its answer is not known either way).
 */
function reachedChannel(sql: SqlStorage, channelId: string, alertId: string, claimedSeqs: string): boolean {
  return (
    sql
      .exec(
        `SELECT 1 FROM outbox WHERE channel = 'alert' AND recipient = ? AND ref = ? AND kind IN ('trigger', 'reminder')
           AND (state = 'sent' OR last_error = ? OR (state = 'sending' AND seq NOT IN (SELECT value FROM json_each(?))))
         LIMIT 1`,
        channelId,
        alertId,
        UNANSWERED,
        claimedSeqs,
      )
      .toArray().length > 0
  );
}

/** A resolved alert's triggers and reminders still waiting for the channel: news of the past, dropped. */
function dropWaiting(sql: SqlStorage, channelId: string, alertId: string): void {
  sql.exec(
    `UPDATE outbox SET state = 'dropped', last_error = ?
     WHERE channel = 'alert' AND recipient = ? AND ref = ? AND kind IN ('trigger', 'reminder') AND state = 'pending'`,
    RESOLVED,
    channelId,
    alertId,
  );
}

/** When the alert's trigger or reminder another run is sending to the channel may be claimed again (0: none). */
function waitingUntil(sql: SqlStorage, channelId: string, alertId: string, claimedSeqs: string): number {
  const row = sql
    .exec<{ at: number | null }>(
      `SELECT MAX(next_attempt_at) AS at FROM outbox WHERE channel = 'alert' AND recipient = ? AND ref = ?
         AND kind IN ('trigger', 'reminder') AND state = 'sending'
         AND seq NOT IN (SELECT value FROM json_each(?))`,
      channelId,
      alertId,
      claimedSeqs,
    )
    .toArray()[0];
  return row?.at ?? 0;
}

function dueNotice(
  sql: SqlStorage,
  channelId: string,
  row: OutboxRow,
  notice: AlertNotice,
  threaded: boolean,
  claimedSeqs: string,
): DueNotice {
  const base = {
    seq: row.seq,
    alertId: notice.alertId,
    notice: notice.notice,
    resolved: notice.notice === "test" || notice.resolvedAt !== null,
  };
  if (notice.notice === "test") return { ...base, thread: null, othersOpen: false, triggerWaiting: false };
  // Only one being sent by another run counts: a resolved alert's waiting ones are dropped (screenNotices).
  const triggerWaiting = notice.notice === "resolve" && waitingUntil(sql, channelId, notice.alertId, claimedSeqs) > 0;
  if (!threaded) return { ...base, thread: null, othersOpen: false, triggerWaiting };
  const thread =
    sql
      .exec<{ thread: string }>(
        `SELECT thread FROM alert_threads WHERE alert_id = ? AND channel_id = ?`,
        notice.alertId,
        channelId,
      )
      .toArray()[0]?.thread ?? null;
  const othersOpen =
    thread !== null &&
    sql
      .exec(
        `SELECT 1 FROM alert_threads t JOIN alerts a ON a.id = t.alert_id
         WHERE t.channel_id = ? AND t.thread = ? AND t.alert_id != ? AND a.status != 'resolved' LIMIT 1`,
        channelId,
        thread,
        notice.alertId,
      )
      .toArray().length > 0;
  return { ...base, thread, othersOpen, triggerWaiting };
}

/** Renders and sends one message. Never rejects: whatever goes wrong is the attempt's outcome. */
async function sendMessage(channel: AlertChannelConfig, env: Env, message: AlertMessage): Promise<AlertAttempt> {
  try {
    if (channel.kind === "email") return await sendAlertMail(env, channel, message);
    const request = await renderRequest(channel, secretsOf(env), message, Date.now());
    if (isMissing(request)) return { outcome: "permanent", reason: missingInWords(request.missing) };
    return await sendAlert(request, timeoutMs(env));
  } catch (error) {
    // A renderer that throws must not leave the notices claimed until their lease lapses.
    return { outcome: "permanent", reason: `could not render: ${error instanceof Error ? error.message : "error"}` };
  }
}

/** "secret SLACK_URL is not set": the names only, never a value. */
function missingInWords(missing: readonly string[]): string {
  const secrets = missing.filter((name) => /^[A-Z][A-Z0-9_]*$/.test(name));
  const other = missing.filter((name) => !secrets.includes(name));
  const words = [
    secrets.length === 1 ? `secret ${secrets[0]} is not set` : "",
    secrets.length > 1 ? `secrets ${secrets.join(", ")} are not set` : "",
    other.length > 0 ? `${other.join(", ")} missing` : "",
  ];
  return words.filter(Boolean).join("; ");
}

/** ALERTS.timeoutMs, or less when WEBHOOK_TIMEOUT_SECONDS says so (the tests give a hanging receiver 3 s). */
function timeoutMs(env: Env): number {
  const seconds = Number(env.WEBHOOK_TIMEOUT_SECONDS);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, ALERTS.timeoutMs) : ALERTS.timeoutMs;
}

function toOutcome(attempt: AlertAttempt): Outcome {
  if (attempt.outcome === "sent") return { outcome: "sent" };
  return {
    outcome: attempt.outcome,
    reason: attempt.reason,
    ...(attempt.retryAfterMs === undefined ? {} : { retryAfterMs: attempt.retryAfterMs }),
  };
}

/** The channel's health as the API lists it: never a secret or URL, only what happened and why. */
function recordHealth(sql: SqlStorage, id: string, attempt: AlertAttempt, at: number, next: number): void {
  if (attempt.outcome === "sent") {
    sql.exec(
      `UPDATE alert_channels SET last_success_at = ?, failures_in_a_row = 0, next_send_at = ? WHERE id = ?`,
      at,
      next,
      id,
    );
  } else {
    sql.exec(
      `UPDATE alert_channels SET last_failure_at = ?, last_failure = ?, failures_in_a_row = failures_in_a_row + 1,
         next_send_at = ? WHERE id = ?`,
      at,
      attempt.reason.slice(0, 300),
      next,
      id,
    );
  }
}
