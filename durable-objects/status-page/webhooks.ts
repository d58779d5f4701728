import { newWebhookSecret } from "../../worker/core/webhooks/signing.ts";
import { newId } from "./ids.ts";
import { queueEach, queueOne } from "./outbox/queue.ts";
import type { OutboxRow } from "./outbox/rows.ts";
import { isoOrNull } from "./time.ts";

export interface WebhookRow {
  id: string;
  url: string;
  description: string | null;
  components: string | null;
  secret: string;
  previous_secret: string | null;
  previous_secret_until: number | null;
  created_at: number;
  created_by: string;
  updated_at: number;
  disabled_at: number | null;
  disabled_reason: string | null;
  last_success_at: number | null;
  last_failure_at: number | null;
  last_failure: string | null;
  failures_in_a_row: number;
}

export function readWebhook(sql: SqlStorage, id: string): WebhookRow | undefined {
  return sql.exec<WebhookRow & Record<string, SqlStorageValue>>(`SELECT * FROM webhooks WHERE id = ?`, id).toArray()[0];
}

/**
 * An endpoint as the audit log keeps it: chat services put their secret in
 * the URL's path (hooks.slack.com/services/…), so only the origin is kept.
 */
export function auditedWebhook(described: ReturnType<typeof describeWebhook>) {
  return { ...described, url: `${new URL(described.url).origin}/…` };
}

/** An endpoint as the API shows it: everything but its secret, and how its deliveries have gone. */
export function describeWebhook(sql: SqlStorage, row: WebhookRow) {
  const waiting = sql
    .exec<{ n: number }>(
      `SELECT COUNT(*) AS n FROM outbox WHERE channel = 'webhook' AND recipient = ? AND state IN ('pending', 'sending')`,
      row.id,
    )
    .one().n;
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    components: row.components ? (JSON.parse(row.components) as string[]) : null,
    enabled: row.disabled_at === null,
    disabledAt: isoOrNull(row.disabled_at),
    disabledReason: row.disabled_reason,
    createdAt: isoOrNull(row.created_at),
    createdBy: row.created_by,
    updatedAt: isoOrNull(row.updated_at),
    previousSecretValidUntil: isoOrNull(row.previous_secret_until),
    lastSuccessAt: isoOrNull(row.last_success_at),
    lastFailureAt: isoOrNull(row.last_failure_at),
    lastFailure: row.last_failure,
    failuresInARow: row.failures_in_a_row,
    waiting,
  };
}

export interface NewWebhook {
  url: string;
  description?: string | null;
  components?: string[] | null;
}

export function createWebhook(sql: SqlStorage, input: NewWebhook, createdBy: string, now: number): WebhookRow {
  const id = newId();
  sql.exec(
    `INSERT INTO webhooks (id, url, description, components, secret, created_at, created_by, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    id,
    input.url,
    input.description ?? null,
    input.components?.length ? JSON.stringify(input.components) : null,
    newWebhookSecret(),
    now,
    createdBy,
    now,
  );
  return readWebhook(sql, id) as WebhookRow;
}

/** Enabling again clears the record of failures: the operator says the receiver is back. */
export function editWebhook(
  sql: SqlStorage,
  row: WebhookRow,
  edit: Partial<NewWebhook> & { enabled?: boolean },
  now: number,
): WebhookRow {
  const components = edit.components === undefined ? row.components : edit.components?.length ? edit.components : null;
  sql.exec(
    `UPDATE webhooks SET url = ?, description = ?, components = ?, updated_at = ? WHERE id = ?`,
    edit.url ?? row.url,
    edit.description === undefined ? row.description : edit.description,
    Array.isArray(components) ? JSON.stringify(components) : components,
    now,
    row.id,
  );
  if (edit.enabled === true && row.disabled_at !== null) {
    sql.exec(
      `UPDATE webhooks SET disabled_at = NULL, disabled_reason = NULL, failures_in_a_row = 0 WHERE id = ?`,
      row.id,
    );
  }
  if (edit.enabled === false && row.disabled_at === null) disableWebhook(sql, row.id, "disabled through the API", now);
  return readWebhook(sql, row.id) as WebhookRow;
}

/** A deleted endpoint's waiting deliveries are dropped with it: there is nowhere left to send them. */
export function deleteWebhook(sql: SqlStorage, id: string): void {
  sql.exec(
    `UPDATE outbox SET state = 'dropped', last_error = 'the webhook was deleted'
     WHERE channel = 'webhook' AND recipient = ? AND state IN ('pending', 'sending')`,
    id,
  );
  sql.exec(`DELETE FROM delivery_holds WHERE kind = 'webhook' AND target = ?`, id);
  sql.exec(`DELETE FROM webhooks WHERE id = ?`, id);
}

/** A new secret signs from now on; the old one signs alongside it for `overlapMs`, so receivers can switch. */
export function rotateWebhookSecret(sql: SqlStorage, row: WebhookRow, overlapMs: number, now: number): WebhookRow {
  sql.exec(
    `UPDATE webhooks SET secret = ?, previous_secret = ?, previous_secret_until = ?, updated_at = ? WHERE id = ?`,
    newWebhookSecret(),
    overlapMs > 0 ? row.secret : null,
    overlapMs > 0 ? now + overlapMs : null,
    now,
    row.id,
  );
  return readWebhook(sql, row.id) as WebhookRow;
}

/** The secrets a delivery made now is signed with: the current one, and the previous during its overlap. */
export function signingSecrets(row: WebhookRow, now: number): string[] {
  const previous = row.previous_secret && (row.previous_secret_until ?? 0) > now ? [row.previous_secret] : [];
  return [row.secret, ...previous];
}

/**
 * A disabled endpoint gets nothing new; what already waited for it stays in
 * the outbox (claimDue skips it) and goes out if it is enabled again.
 */
export function disableWebhook(sql: SqlStorage, id: string, reason: string, now: number): void {
  sql.exec(
    `UPDATE webhooks SET disabled_at = ?, disabled_reason = ? WHERE id = ? AND disabled_at IS NULL`,
    now,
    reason.slice(0, 300),
    id,
  );
}

/** An enabled endpoint that follows every component, or one of `componentsOf` (a subquery or `?n`). */
const FOLLOWS = (componentsOf: string) => `w.disabled_at IS NULL AND (w.components IS NULL
  OR EXISTS (SELECT 1 FROM json_each(w.components) j WHERE j.value IN (${componentsOf})))`;

/**
 * An incident or maintenance update that notifies: one outbox row per enabled
 * endpoint that follows an affected component (every endpoint when the event
 * names none), in the update's own transaction.
 */
export function notifyWebhooksOfUpdate(sql: SqlStorage, eventId: string, updateId: string, now: number): void {
  queueEach(
    sql,
    "webhook",
    { dedupeKey: `update:${updateId}`, kind: "incident", ref: updateId },
    `SELECT w.id AS recipient FROM webhooks w
     WHERE (${FOLLOWS("SELECT component_id FROM incident_components WHERE incident_id = ?1")})
        OR (w.disabled_at IS NULL AND NOT EXISTS (SELECT 1 FROM incident_components WHERE incident_id = ?1))`,
    [eventId],
    now,
  );
}

/** A component's status changed (status history row `seq`): its followers hear of it, unless it is hidden (decision 0042). */
export function notifyWebhooksOfComponent(sql: SqlStorage, componentId: string, seq: number, now: number): void {
  if (sql.exec(`SELECT 1 FROM components WHERE id = ? AND hidden = 1`, componentId).toArray().length > 0) return;
  queueEach(
    sql,
    "webhook",
    { dedupeKey: `component:${seq}`, kind: "component", ref: String(seq) },
    `SELECT w.id AS recipient FROM webhooks w WHERE ${FOLLOWS("?1")}`,
    [componentId],
    now,
  );
}

export function queueTestDelivery(sql: SqlStorage, id: string, now: number): void {
  queueOne(sql, "webhook", id, { dedupeKey: `test:${newId()}`, kind: "test" }, now);
}

/** How one attempt went, as the endpoint's health sees it. */
export type AttemptVerdict = "delivered" | "gone" | "failed" | "refused";

/**
 * Keeps each endpoint's record: a success clears the run of failures; a 410
 * (or a target no longer allowed) disables it at once and drops what waited;
 * a delivery that used up its attempts (a day or more of failing) disables
 * it, saying why, and keeps itself and what waited for when it is enabled again.
 * Call after the row is settled.
 */
export function recordAttempt(
  sql: SqlStorage,
  row: OutboxRow,
  verdict: AttemptVerdict,
  reason: string,
  gaveUp: boolean,
  now: number,
): void {
  if (verdict === "delivered") {
    sql.exec(`UPDATE webhooks SET last_success_at = ?, failures_in_a_row = 0 WHERE id = ?`, now, row.recipient);
    return;
  }
  sql.exec(
    `UPDATE webhooks SET last_failure_at = ?, last_failure = ?, failures_in_a_row = failures_in_a_row + 1 WHERE id = ?`,
    now,
    reason.slice(0, 300),
    row.recipient,
  );
  if (verdict === "gone" || verdict === "refused") {
    disableWebhook(sql, row.recipient, reason, now);
    sql.exec(
      `UPDATE outbox SET state = 'dropped', last_error = ? WHERE channel = 'webhook' AND recipient = ? AND state = 'pending'`,
      `endpoint disabled: ${reason}`.slice(0, 500),
      row.recipient,
    );
  } else if (gaveUp) {
    disableWebhook(sql, row.recipient, `gave up after ${row.attempts} attempts; last: ${reason}`, now);
    // Kept, not failed: it goes, from a fresh count, when the endpoint is enabled again.
    sql.exec(`UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ? WHERE seq = ?`, now, row.seq);
  } else {
    // The endpoint is failing, not this one delivery: what else waits for it waits as long, so a
    // receiver that hangs costs one attempt per backoff step rather than one per queued event.
    sql.exec(
      `UPDATE outbox SET next_attempt_at = MAX(next_attempt_at, (SELECT next_attempt_at FROM outbox WHERE seq = ?1))
       WHERE channel = 'webhook' AND recipient = ?2 AND state = 'pending'`,
      row.seq,
      row.recipient,
    );
  }
}
