import type { Channel } from "./rows.ts";

/**
 * Every row that enters the outbox enters here, in the transaction of the
 * change it announces (a crash between the two loses nothing). A row is one
 * (channel, recipient, dedupe key): queueing the same key again for a
 * recipient does nothing, which is what makes a retried write send nothing twice.
 */
export interface Delivery {
  /** Unique per recipient (e.g. `update:<id>`): the same key is queued (and sent) once. */
  dedupeKey: string;
  /** What the sender renders (a confirmation, an update, a test POST…). */
  kind: string;
  /** What it is about (an update's id, a status history row), read back when it is rendered. */
  ref?: string | null;
}

const COLUMNS = "channel, recipient, dedupe_key, kind, ref, state, next_attempt_at, created_at";

/** One delivery to one recipient, due now. */
export function queueOne(sql: SqlStorage, channel: Channel, recipient: string, delivery: Delivery, now: number): void {
  sql.exec(
    `INSERT INTO outbox (${COLUMNS}) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT DO NOTHING`,
    channel,
    recipient,
    delivery.dedupeKey,
    delivery.kind,
    delivery.ref ?? null,
    now,
    now,
  );
}

/**
 * The same delivery to every recipient `recipients` selects, due now, in one
 * statement however many there are. `recipients` is a SELECT whose one column
 * is named `recipient`; its parameters are `params`, written ?1, ?2… in it.
 */
export function queueEach(
  sql: SqlStorage,
  channel: Channel,
  delivery: Delivery,
  recipients: string,
  params: readonly SqlStorageValue[],
  now: number,
): void {
  const n = params.length;
  // `WHERE true` keeps SQLite from reading ON CONFLICT as a join constraint of the SELECT.
  sql.exec(
    `INSERT INTO outbox (${COLUMNS})
     SELECT ?${n + 1}, r.recipient, ?${n + 2}, ?${n + 3}, ?${n + 4}, 'pending', ?${n + 5}, ?${n + 5}
     FROM (${recipients}) r WHERE true
     ON CONFLICT DO NOTHING`,
    ...params,
    channel,
    delivery.dedupeKey,
    delivery.kind,
    delivery.ref ?? null,
    now,
  );
}

/**
 * The outbox's high-water mark (its rows' seq is AUTOINCREMENT): it moves
 * whenever a row is queued, so a write can tell that it queued something and
 * the alarm must come for it (Outbox.afterWrite).
 */
export function outboxMark(sql: SqlStorage): number {
  return sql.exec<{ seq: number | null }>(`SELECT MAX(seq) AS seq FROM outbox`).one().seq ?? 0;
}
