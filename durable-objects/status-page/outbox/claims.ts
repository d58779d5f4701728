import { CHANNELS, type Channel, NOT_HELD, type OutboxRow, type Outcome } from "./rows.ts";

/**
 * The claim/settle cycle. A sender claims due rows (state 'sending', one
 * attempt counted, held for its channel's lease) in one transaction, sends,
 * and settles each row in its own transaction the moment its receiver
 * answers. A claim never settled is taken again: at once when the object
 * restarts (recoverClaims), after the lease when only the invocation died.
 */

/** Whether a temporary failure on this attempt is the last one the channel allows. */
export function isLastAttempt(row: OutboxRow): boolean {
  return row.attempts >= CHANNELS[row.channel as Channel].retry.maxAttempts;
}

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
  share: { perRecipient?: number; except?: readonly string[]; one?: readonly string[]; recipient?: string } = {},
): OutboxRow[] {
  const stored = "seq, channel, recipient, dedupe_key, kind, ref, attempts";
  const columns = "seq, channel, recipient, dedupe_key AS dedupeKey, kind, ref, attempts";
  const perRecipient = share.perRecipient ?? limit;
  const except = JSON.stringify(share.except ?? []);
  const one = JSON.stringify(share.one ?? []);
  const due = (select: string) => `SELECT ${select} FROM outbox INDEXED BY outbox_due
       WHERE state IN ('pending', 'sending') AND next_attempt_at <= ? AND channel = ? AND ${NOT_HELD}
         AND recipient NOT IN (SELECT value FROM json_each(?))${share.recipient === undefined ? "" : " AND recipient = ?"}`;
  // Only one recipient's rows (an alert channel's, all grouped into one message).
  const only = share.recipient === undefined ? [] : [share.recipient];
  // One recipient with a long queue (a webhook endpoint that hangs) takes only its share of a batch.
  const rows =
    perRecipient < limit
      ? sql
          .exec<OutboxRow & Record<string, SqlStorageValue>>(
            `SELECT ${columns} FROM (
               SELECT *, ROW_NUMBER() OVER (PARTITION BY recipient ORDER BY state, next_attempt_at, seq) AS n
               FROM (${due(`${stored}, state, next_attempt_at`)}))
             WHERE n <= CASE WHEN recipient IN (SELECT value FROM json_each(?)) THEN 1 ELSE ? END
             ORDER BY state, next_attempt_at LIMIT ?`,
            now,
            channel,
            except,
            ...only,
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
            ...only,
            limit,
          )
          .toArray();
  for (const row of rows) {
    sql.exec(
      `UPDATE outbox SET state = 'sending', attempts = attempts + 1, next_attempt_at = ? WHERE seq = ?`,
      now + CHANNELS[channel].leaseMs,
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
  const policy = CHANNELS[row.channel as Channel].retry;
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

/**
 * Gives a claimed row back unsent, as if never claimed (its attempt does not
 * count), due at `at`: a notice that must wait for another to go first.
 */
export function release(sql: SqlStorage, row: OutboxRow, at: number): void {
  sql.exec(
    `UPDATE outbox SET state = 'pending', attempts = MAX(0, attempts - 1), next_attempt_at = ? WHERE seq = ?`,
    at,
    row.seq,
  );
}

/** Settles a claimed row without sending it: nothing is left to say (why is kept in last_error). */
export function drop(sql: SqlStorage, row: OutboxRow, why: string): void {
  sql.exec(`UPDATE outbox SET state = 'dropped', last_error = ? WHERE seq = ?`, why.slice(0, 500), row.seq);
}

/** Why a row recovered after a restart waits: its receiver may have taken it (alert-deliveries.ts reads it). */
export const UNANSWERED = "the object restarted before an answer came";

/**
 * Run when the object starts, before anything else: a row still 'sending'
 * was claimed by an instance that is gone (a Durable Object has one live
 * instance, and this one has claimed nothing yet), so no invocation will
 * ever settle it. It is due again now, not when that claim's lease would
 * lapse; its attempt still counts. A row whose receiver may have taken it
 * before the crash goes again, as any retry does (the documented window:
 * same Message-ID, same webhook-id). One that has used up its channel's
 * attempts has crashed the object every time it was sent, or near it:
 * it is given up on, so a poison row cannot restart the object forever.
 * Returns how many rows were given back.
 */
export function recoverClaims(sql: SqlStorage, now: number): number {
  for (const [channel, { retry }] of Object.entries(CHANNELS)) {
    sql.exec(
      `UPDATE outbox SET state = 'failed', last_error = 'the object restarted while sending it, on its last attempt'
       WHERE state = 'sending' AND channel = ? AND attempts >= ?`,
      channel,
      retry.maxAttempts,
    );
  }
  return sql
    .exec(
      `UPDATE outbox SET state = 'pending', next_attempt_at = ?, last_error = ?
       WHERE state = 'sending' RETURNING seq`,
      now,
      UNANSWERED,
    )
    .toArray().length;
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
