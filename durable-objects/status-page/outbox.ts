import { MAX_ATTEMPTS, type RetryCause, retryDelayMs } from "../../worker/core/delivery/retry.ts";

/** Rows for a mail domain an operator holds back wait, unclaimed and unlost, until the hold is lifted. */
const NOT_HELD = `NOT (outbox.channel = 'email' AND outbox.recipient IN (
  SELECT s.id FROM subscribers s JOIN delivery_holds h ON h.kind = 'domain' AND h.target = s.domain))`;

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
   */
  | { outcome: "temporary" | "permanent"; reason: string; bounce?: boolean; cause?: RetryCause };

/**
 * Takes up to `limit` due deliveries of a channel and marks them being sent,
 * in one transaction with the caller. A row is due when pending and its time
 * has come, or when a claim on it lapsed (its invocation died mid-send).
 */
export function claimDue(sql: SqlStorage, channel: string, now: number, limit: number): OutboxRow[] {
  const rows = sql
    .exec<OutboxRow & Record<string, SqlStorageValue>>(
      `SELECT seq, channel, recipient, event, kind, ref, attempts FROM outbox INDEXED BY outbox_due
       WHERE state IN ('pending', 'sending') AND next_attempt_at <= ? AND channel = ? AND ${NOT_HELD}
       ORDER BY state, next_attempt_at LIMIT ?`,
      now,
      channel,
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
  if (result.outcome === "temporary" && row.attempts < MAX_ATTEMPTS) {
    sql.exec(
      `UPDATE outbox SET state = 'pending', next_attempt_at = ?, last_error = ? WHERE seq = ?`,
      now + retryDelayMs(row.attempts, random, result.cause),
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

/** When the next delivery is due, or null when nothing waits. */
export function nextDueAt(sql: SqlStorage): number | null {
  const row = sql
    .exec<{ at: number | null }>(
      `SELECT MIN(next_attempt_at) AS at FROM outbox WHERE state IN ('pending', 'sending') AND ${NOT_HELD}`,
    )
    .toArray()[0];
  return row?.at ?? null;
}
