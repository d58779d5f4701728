import { newId } from "./ids.ts";
import { queueEach, queueOne } from "./outbox/queue.ts";
import { restoredAt } from "./restored.ts";

/** A pending address gets at most one confirmation mail this often, however often the form is sent. */
const CONFIRM_RESEND_MS = 10 * 60_000;
/** A confirmed address asking again gets a "you are subscribed" mail at most this often. */
const REMINDER_MS = 24 * 3_600_000;

export type SubscriberState = "pending" | "confirmed" | "unsubscribed" | "bounced";

export interface Subscriber {
  id: string;
  address: string;
  /** Null: every component. */
  components: string[] | null;
  state: SubscriberState;
}

type Row = {
  id: string;
  address: string;
  components: string | null;
  state: SubscriberState;
  confirm_sent_at: number | null;
};

/** One address, one row: the local part is kept as typed, the domain is case-folded. */
export function normalizeAddress(address: string): string {
  const at = address.lastIndexOf("@");
  return `${address.slice(0, at).trim()}@${address
    .slice(at + 1)
    .trim()
    .toLowerCase()}`;
}

/**
 * Someone asked to subscribe. Whatever the address's history, the answer to
 * the asker is the same (no enumeration); what happens is: a new or lapsed
 * address becomes pending and gets a confirmation mail; a pending one gets
 * another if the last is older than ten minutes; a confirmed one is told (by
 * mail, to its owner) that it already is. Nothing else is ever sent to an
 * address that has not confirmed.
 */
export function subscribe(sql: SqlStorage, address: string, components: string[] | null, now: number): void {
  const normalized = normalizeAddress(address);
  const row = sql.exec<Row>(`SELECT * FROM subscribers WHERE address = ?`, normalized).toArray()[0];
  const wanted = components ? JSON.stringify(components) : null;
  if (!row) {
    const id = newId();
    sql.exec(
      `INSERT INTO subscribers (id, address, domain, components, state, created_at, confirm_sent_at)
       VALUES (?, ?, ?, ?, 'pending', ?, ?)`,
      id,
      normalized,
      normalized.slice(normalized.lastIndexOf("@") + 1),
      wanted,
      now,
      now,
    );
    queueOne(sql, "email", id, { dedupeKey: `confirm:${now}`, kind: "confirm" }, now);
    return;
  }
  if (row.state === "confirmed") {
    queueOne(sql, "email", row.id, { dedupeKey: `already:${Math.floor(now / REMINDER_MS)}`, kind: "already" }, now);
    return;
  }
  if (row.state === "pending" && row.confirm_sent_at !== null && now - row.confirm_sent_at < CONFIRM_RESEND_MS) return;
  sql.exec(
    `UPDATE subscribers SET state = 'pending', components = ?, confirm_sent_at = ? WHERE id = ?`,
    wanted,
    now,
    row.id,
  );
  queueOne(sql, "email", row.id, { dedupeKey: `confirm:${now}`, kind: "confirm" }, now);
}

/** The link in the confirmation mail was followed (and its HMAC and expiry checked at the edge). */
export function confirmSubscriber(sql: SqlStorage, id: string, now: number): Subscriber | null {
  sql.exec(
    `UPDATE subscribers SET state = 'confirmed', confirmed_at = ? WHERE id = ? AND state IN ('pending', 'confirmed')`,
    now,
    id,
  );
  return readSubscriber(sql, id);
}

export function setSubscriberComponents(sql: SqlStorage, id: string, components: string[] | null): Subscriber | null {
  sql.exec(`UPDATE subscribers SET components = ? WHERE id = ?`, components ? JSON.stringify(components) : null, id);
  return readSubscriber(sql, id);
}

export function unsubscribe(sql: SqlStorage, id: string, now: number): Subscriber | null {
  sql.exec(`UPDATE subscribers SET state = 'unsubscribed', unsubscribed_at = ? WHERE id = ?`, now, id);
  // What was waiting for this address is not sent after it left.
  sql.exec(
    `UPDATE outbox SET state = 'dropped', last_error = 'unsubscribed' WHERE channel = 'email' AND recipient = ? AND state = 'pending'`,
    id,
  );
  return readSubscriber(sql, id);
}

export function readSubscriber(sql: SqlStorage, id: string): Subscriber | null {
  const row = sql.exec<Row>(`SELECT * FROM subscribers WHERE id = ?`, id).toArray()[0];
  if (!row) return null;
  return {
    id: row.id,
    address: row.address,
    components: row.components ? (JSON.parse(row.components) as string[]) : null,
    state: row.state,
  };
}

/**
 * An update that asks to notify: one outbox row per confirmed subscriber of
 * an affected component (everyone, when the event names none), in the same
 * transaction as the update. One statement, however many subscribers.
 */
export function notifySubscribers(sql: SqlStorage, eventId: string, updateId: string, now: number): void {
  queueEach(
    sql,
    "email",
    { dedupeKey: `update:${updateId}`, kind: "update", ref: updateId },
    `SELECT s.id AS recipient FROM subscribers s
     WHERE s.state = 'confirmed' AND (
       s.components IS NULL
       OR NOT EXISTS (SELECT 1 FROM incident_components WHERE incident_id = ?1)
       OR EXISTS (SELECT 1 FROM json_each(s.components) j JOIN incident_components ic
                  ON ic.component_id = j.value AND ic.incident_id = ?1))`,
    [eventId],
    now,
  );
}

/** How long before a maintenance starts its subscribers are reminded. */
export const REMINDER_LEAD_MS = 60 * 60_000;

/**
 * Public maintenances starting within the hour that have not been announced
 * as such: one reminder per subscriber of an affected component, once. A
 * reminder that fell due before the page was restored from a backup is marked
 * as sent and not sent (restored.ts); it is returned with `sent: false`.
 */
export function remindOfMaintenances(sql: SqlStorage, now: number): { id: string; sent: boolean }[] {
  const restored = restoredAt(sql);
  const due = sql
    .exec<{ id: string; created_at: number; scheduled_for: number }>(
      `SELECT id, created_at, scheduled_for FROM incidents INDEXED BY incidents_by_schedule
       WHERE kind = 'maintenance' AND visibility = 'public' AND status = 'scheduled'
         AND scheduled_for > ? AND scheduled_for <= ? AND reminded_at IS NULL`,
      now,
      now + REMINDER_LEAD_MS,
    )
    .toArray();
  const reminded: { id: string; sent: boolean }[] = [];
  for (const { id, created_at, scheduled_for } of due) {
    sql.exec(`UPDATE incidents SET reminded_at = ? WHERE id = ?`, now, id);
    const sent = created_at > restored || scheduled_for - REMINDER_LEAD_MS > restored;
    reminded.push({ id, sent });
    if (!sent) continue;
    queueEach(
      sql,
      "email",
      { dedupeKey: `reminder:${id}`, kind: "reminder", ref: id },
      `SELECT s.id AS recipient FROM subscribers s
       WHERE s.state = 'confirmed' AND (s.components IS NULL OR EXISTS (
         SELECT 1 FROM json_each(s.components) j JOIN incident_components ic
         ON ic.component_id = j.value AND ic.incident_id = ?1))`,
      [id],
      now,
    );
  }
  return reminded;
}

/** A permanent refusal for an address (e.g. 550 no such user): nothing more is sent to it. */
export function markBounced(sql: SqlStorage, id: string, reason: string, now: number): void {
  sql.exec(
    `UPDATE subscribers SET state = 'bounced', bounced_at = ?, bounce_reason = ? WHERE id = ? AND state = 'confirmed'`,
    now,
    reason.slice(0, 300),
    id,
  );
}
