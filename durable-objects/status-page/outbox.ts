import { MAX_ATTEMPTS, type RetryCause, retryDelayMs } from "../../worker/core/delivery/retry.ts";
import { WEBHOOK_MAX_ATTEMPTS, webhookRetryDelayMs } from "../../worker/core/webhooks/retry.ts";

export type Channel = "email" | "webhook";

/**
 * Rows an operator holds back wait, unclaimed and unlost: mail to a held
 * domain, deliveries to a held or disabled webhook endpoint.
 */
const NOT_HELD = `NOT (outbox.channel = 'email' AND outbox.recipient IN (
    SELECT s.id FROM subscribers s JOIN delivery_holds h ON h.kind = 'domain' AND h.target = s.domain))
  AND NOT (outbox.channel = 'webhook' AND outbox.recipient IN (
    SELECT target FROM delivery_holds WHERE kind = 'webhook' UNION ALL SELECT id FROM webhooks WHERE disabled_at IS NOT NULL))`;

/** How long a channel keeps trying a temporary failure, and how long it waits in between. */
interface RetryPolicy {
  maxAttempts: number;
  delayMs(attempt: number, random: number, cause?: RetryCause): number;
}

const POLICIES: Record<Channel, RetryPolicy> = {
  email: { maxAttempts: MAX_ATTEMPTS, delayMs: retryDelayMs },
  webhook: { maxAttempts: WEBHOOK_MAX_ATTEMPTS, delayMs: (attempt, random) => webhookRetryDelayMs(attempt, random) },
};

/** Whether a temporary failure on this attempt is the last one the channel allows. */
export function isLastAttempt(row: OutboxRow): boolean {
  return row.attempts >= POLICIES[row.channel as Channel].maxAttempts;
}

/** A claimed row that was not settled within this long is claimed again (its invocation died mid-send). */
export const CLAIM_LEASE_MS = 5 * 60_000;

export interface OutboxRow {
  seq: number;
  channel: string;
  recipient: string;
  event: string;
  kind: string;
  ref: string | null;
  attempts: number;
}

export type Outcome =
  | { outcome: "sent" }
  /**
   * `bounce`: the receiving side refused the address itself, so nothing more goes to it.
   * `cause`: whether a temporary failure was the whole server's or this message's (how soon to retry).
   * `retryAfterMs`: the receiver asked to wait at least this long (HTTP Retry-After).
   */
  | { outcome: "temporary" | "permanent"; reason: string; bounce?: boolean; cause?: RetryCause; retryAfterMs?: number };

/** A receiver's Retry-After is honoured up to this long; beyond it the schedule decides. */
const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/**
 * Takes up to `limit` due deliveries of a channel and marks them being sent,
 * in one transaction with the caller: at most `perRecipient` for any one
 * recipient (one for those in `one`), none for those in `except` (they have
 * deliveries in flight). A row is due when pending and its time
 * has come, or when a claim on it lapsed (its invocation died mid-send).
 */
export function claimDue(
  sql: SqlStorage,
  channel: Channel,
  now: number,
  limit: number,
  share: { perRecipient?: number; except?: readonly string[]; one?: readonly string[] } = {},
): OutboxRow[] {
  const columns = "seq, channel, recipient, event, kind, ref, attempts";
  const perRecipient = share.perRecipient ?? limit;
  const except = JSON.stringify(share.except ?? []);
  const one = JSON.stringify(share.one ?? []);
  const due = (select: string) => `SELECT ${select} FROM outbox INDEXED BY outbox_due
       WHERE state IN ('pending', 'sending') AND next_attempt_at <= ? AND channel = ? AND ${NOT_HELD}
         AND recipient NOT IN (SELECT value FROM json_each(?))`;
  // One recipient with a long queue (a webhook endpoint that hangs) takes only its share of a batch.
  const rows =
    perRecipient < limit
      ? sql
          .exec<OutboxRow & Record<string, SqlStorageValue>>(
            `SELECT ${columns} FROM (
               SELECT *, ROW_NUMBER() OVER (PARTITION BY recipient ORDER BY state, next_attempt_at, seq) AS n
               FROM (${due(`${columns}, state, next_attempt_at`)}))
             WHERE n <= CASE WHEN recipient IN (SELECT value FROM json_each(?)) THEN 1 ELSE ? END
             ORDER BY state, next_attempt_at LIMIT ?`,
            now,
            channel,
            except,
            one,
            perRecipient,
            limit,
          )
          .toArray()
      : sql
          .exec<OutboxRow & Record<string, SqlStorageValue>>(
            `${due(columns)} ORDER BY state, next_attempt_at LIMIT ?`,
            now,
            channel,
            except,
            limit,
          )
          .toArray();
  for (const row of rows) {
    sql.exec(
      `UPDATE outbox SET state = 'sending', attempts = attempts + 1, next_attempt_at = ? WHERE seq = ?`,
      now + CLAIM_LEASE_MS,
      row.seq,
    );
  }
  return rows.map((row) => ({ ...row, attempts: row.attempts + 1 }));
}

/** Records how one delivery went: sent, retried later with backoff, or given up on. */
export function settle(sql: SqlStorage, row: OutboxRow, result: Outcome, now: number, random = Math.random()): void {
  if (result.outcome === "sent") {
    sql.exec(`UPDATE outbox SET state = 'sent', sent_at = ?, last_error = NULL WHERE seq = ?`, now, row.seq);
    return;
  }
  const policy = POLICIES[row.channel as Channel];
  if (result.outcome === "temporary" && row.attempts < policy.maxAttempts) {
    sql.exec(
      `UPDATE outbox SET state = 'pending', next_attempt_at = ?, last_error = ? WHERE seq = ?`,
      now +
        Math.max(
          policy.delayMs(row.attempts, random, result.cause),
          Math.min(result.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS),
        ),
      result.reason.slice(0, 500),
      row.seq,
    );
    return;
  }
  sql.exec(`UPDATE outbox SET state = 'failed', last_error = ? WHERE seq = ?`, result.reason.slice(0, 500), row.seq);
}

/** Gives a claimed row back untouched (held by a flag): it waits, nothing is lost. */
export function release(sql: SqlStorage, row: OutboxRow, until: number): void {
  sql.exec(
    `UPDATE outbox SET state = 'pending', attempts = attempts - 1, next_attempt_at = ? WHERE seq = ?`,
    until,
    row.seq,
  );
}

/**
 * The outbox's high-water mark (its rows' seq is AUTOINCREMENT): it moves
 * whenever a row is queued, so a transaction can tell that it queued
 * something and the alarm must come for it (StatusPage #transaction).
 */
export function outboxMark(sql: SqlStorage): number {
  return sql.exec<{ seq: number | null }>(`SELECT MAX(seq) AS seq FROM outbox`).one().seq ?? 0;
}

/** When the next delivery on one of `channels` is due, or null when nothing waits there. */
export function nextDueAt(sql: SqlStorage, channels: readonly Channel[]): number | null {
  if (channels.length === 0) return null;
  const row = sql
    .exec<{ at: number | null }>(
      `SELECT MIN(next_attempt_at) AS at FROM outbox
       WHERE state IN ('pending', 'sending') AND channel IN (${channels.map(() => "?").join(", ")}) AND ${NOT_HELD}`,
      ...channels,
    )
    .toArray()[0];
  return row?.at ?? null;
}
