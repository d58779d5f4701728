import type { SubscriberListQuery } from "../../../worker/core/api/schemas.ts";
import { SUBSCRIBER_STATES } from "../../../worker/core/api/schemas.ts";
import { normalizeAddress } from "../subscribers.ts";
import { iso, isoOrNull } from "../time.ts";
import { type Handler, notFound, recordAudit } from "./context.ts";

type SubscriberRow = {
  id: string;
  address: string;
  domain: string;
  components: string | null;
  state: string;
  created_at: number;
  confirmed_at: number | null;
  unsubscribed_at: number | null;
  bounced_at: number | null;
  bounce_reason: string | null;
};

function describe(row: SubscriberRow) {
  return {
    id: row.id,
    address: row.address,
    domain: row.domain,
    components: row.components ? (JSON.parse(row.components) as string[]) : null,
    state: row.state,
    createdAt: iso(row.created_at),
    confirmedAt: isoOrNull(row.confirmed_at),
    unsubscribedAt: isoOrNull(row.unsubscribed_at),
    bouncedAt: isoOrNull(row.bounced_at),
    bounceReason: row.bounce_reason,
  };
}

/** How many addresses are in each state, from the state index. */
function counts(sql: SqlStorage): Record<(typeof SUBSCRIBER_STATES)[number], number> {
  const found = new Map(
    sql
      .exec<{ state: string; n: number }>(`SELECT state, COUNT(*) AS n FROM subscribers GROUP BY state`)
      .toArray()
      .map((row) => [row.state, row.n]),
  );
  return Object.fromEntries(SUBSCRIBER_STATES.map((state) => [state, found.get(state) ?? 0])) as Record<
    (typeof SUBSCRIBER_STATES)[number],
    number
  >;
}

function filters(query: SubscriberListQuery): { where: string; values: SqlStorageValue[] } {
  const clauses: string[] = [];
  const values: SqlStorageValue[] = [];
  if (query.q !== undefined) {
    if (query.match === "exact") {
      clauses.push("address = ?");
      values.push(normalizeAddress(query.q));
    } else {
      clauses.push("instr(lower(address), lower(?)) > 0");
      values.push(query.q);
    }
  }
  if (query.state !== undefined) {
    clauses.push("state = ?");
    values.push(query.state);
  }
  if (query.cursor) {
    const [at, id] = query.cursor.split(".");
    clauses.push("(created_at < ? OR (created_at = ? AND id < ?))");
    values.push(Number(at), Number(at), id ?? "");
  }
  return { where: clauses.length > 0 ? `WHERE ${clauses.join(" AND ")}` : "", values };
}

/**
 * Subscribers, newest first, by keyset on (created_at, id). A part of an
 * address is looked for in every row the page reaches (a scan, stopped once
 * the page is full): an operator's search, not a reader's.
 */
export const listSubscribersHandler: Handler<"subscribers.list"> = ({ sql, query }) => {
  const { where, values } = filters(query);
  const rows = sql
    .exec<SubscriberRow>(
      `SELECT * FROM subscribers ${where} ORDER BY created_at DESC, id DESC LIMIT ${query.limit + 1}`,
      ...values,
    )
    .toArray();
  const shown = rows.slice(0, query.limit);
  const last = shown.at(-1);
  return {
    status: 200,
    body: {
      data: shown.map(describe),
      counts: counts(sql),
      nextCursor: rows.length > query.limit && last ? `${last.created_at}.${last.id}` : null,
    },
  };
};

/**
 * Removes an address for good (someone asked to be forgotten, or it is a
 * mistake). The audit line keeps its id, domain and state, never the
 * address: an erased address must not live on in the log (decision 0050).
 */
export const removeSubscriberHandler: Handler<"subscribers.remove"> = (context) => {
  const { sql, params } = context;
  const id = params.id ?? "";
  const row = sql.exec<SubscriberRow>(`SELECT * FROM subscribers WHERE id = ?`, id).toArray()[0];
  if (!row) throw notFound("subscriber", id);
  const waiting = `FROM outbox WHERE channel = 'email' AND recipient = ? AND state = 'pending'`;
  const dropped = sql.exec<{ n: number }>(`SELECT COUNT(*) AS n ${waiting}`, id).one().n;
  sql.exec(`UPDATE outbox SET state = 'dropped' WHERE rowid IN (SELECT rowid ${waiting})`, id);
  sql.exec(`DELETE FROM subscribers WHERE id = ?`, id);
  recordAudit(context, "subscriber.remove", id, { id, domain: row.domain, state: row.state }, null);
  return { status: 200, body: { removed: true, dropped } };
};
