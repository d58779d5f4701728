import { alertChannel } from "../alerts/alerting-config.ts";
import { iso } from "../time.ts";
import { readWebhook } from "../webhooks.ts";
import { type ApiContext, type Handler, notFound, recordAudit } from "./context.ts";

type HoldKind = "domain" | "webhook" | "channel";
type HoldRow = { kind: HoldKind; target: string; created_at: number; created_by: string; waiting: number };

/** The outbox rows a hold keeps back: mail to subscribers at a domain, deliveries to one endpoint, notices to one alert channel. */
const HELD_ROWS: Record<HoldKind, string> = {
  domain: `channel = 'email' AND recipient IN (SELECT id FROM subscribers WHERE domain = ?1)`,
  webhook: `channel = 'webhook' AND recipient = ?1`,
  channel: `channel = 'alert' AND recipient = ?1`,
};

/**
 * Holding a domain, a webhook endpoint or an alert channel contains one noisy receiver without
 * stopping deliveries to everyone else: its rows stay pending in the outbox
 * (claimDue skips them) and nothing is lost until the hold is lifted — or
 * they are dropped, by an explicit choice.
 */
function holds(sql: SqlStorage, only?: { kind: HoldKind; target: string }) {
  return sql
    .exec<HoldRow>(
      `SELECT h.kind, h.target, h.created_at, h.created_by, CASE h.kind
         WHEN 'domain' THEN (SELECT COUNT(*) FROM outbox o JOIN subscribers s ON s.id = o.recipient
           WHERE o.channel = 'email' AND o.state = 'pending' AND s.domain = h.target)
         WHEN 'webhook' THEN (SELECT COUNT(*) FROM outbox o WHERE o.channel = 'webhook' AND o.state = 'pending' AND o.recipient = h.target)
         ELSE (SELECT COUNT(*) FROM outbox o WHERE o.channel = 'alert' AND o.state = 'pending' AND o.recipient = h.target)
       END AS waiting
       FROM delivery_holds h WHERE (?1 IS NULL OR (h.kind = ?1 AND h.target = ?2)) ORDER BY h.kind, h.target`,
      only?.kind ?? null,
      only?.target ?? null,
    )
    .toArray()
    .map((row) => ({
      kind: row.kind,
      target: row.target,
      createdAt: iso(row.created_at),
      createdBy: row.created_by,
      waiting: row.waiting,
    }));
}

export const listHoldsHandler: Handler<"holds.list"> = ({ sql }) => ({ status: 200, body: { data: holds(sql) } });

function hold(
  context: ApiContext<"holds.hold" | "holds.holdWebhook" | "holds.holdChannel">,
  kind: HoldKind,
  target: string,
) {
  const { sql, now, actor } = context;
  sql.exec(
    `INSERT INTO delivery_holds (kind, target, created_at, created_by) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    kind,
    target,
    now,
    actor.id,
  );
  const [held] = holds(sql, { kind, target });
  recordAudit(context, `hold.${kind}`, target, null, held);
  return { status: 200, body: held };
}

function lift(
  context: ApiContext<"holds.lift" | "holds.liftWebhook" | "holds.liftChannel">,
  kind: HoldKind,
  target: string,
) {
  const { sql, query } = context;
  const [before] = holds(sql, { kind, target });
  sql.exec(`DELETE FROM delivery_holds WHERE kind = ? AND target = ?`, kind, target);
  const waiting = before?.waiting ?? 0;
  // Only what this hold kept waiting: with no hold, "drop" would throw away mail a colleague's lift just released.
  if (before !== undefined && query.pending === "drop") {
    sql.exec(
      `UPDATE outbox SET state = 'dropped', last_error = 'dropped when the hold on ' || ?1 || ' was lifted'
       WHERE state = 'pending' AND ${HELD_ROWS[kind]}`,
      target,
    );
  }
  const after = {
    lifted: before !== undefined,
    dropped: query.pending === "drop" ? waiting : 0,
    sent: query.pending === "send" ? waiting : 0,
  };
  recordAudit(context, "hold.lift", target, before ?? null, after);
  return { status: 200, body: after };
}

export const holdDomainHandler: Handler<"holds.hold"> = (context) =>
  hold(context, "domain", context.params.domain ?? "");

export const liftHoldHandler: Handler<"holds.lift"> = (context) => lift(context, "domain", context.params.domain ?? "");

export const holdWebhookHandler: Handler<"holds.holdWebhook"> = (context) => {
  const id = context.params.id ?? "";
  if (!readWebhook(context.sql, id)) throw notFound("webhook", id);
  return hold(context, "webhook", id);
};

export const liftWebhookHoldHandler: Handler<"holds.liftWebhook"> = (context) =>
  lift(context, "webhook", context.params.id ?? "");

/**
 * An alert channel (a config channel's id) held: its notices wait while every
 * other channel still pages. Under the `alerts` scope, as the channel's other
 * operations are: whoever is on call can quiet a channel that misbehaves
 * without a subscriber-managing token (docs/decisions/0036-alert-acknowledgement.md).
 */
export const holdChannelHandler: Handler<"holds.holdChannel"> = (context) => {
  const id = context.params.channel ?? "";
  if (!alertChannel(context.sql, id)) throw notFound("alert channel", id);
  return hold(context, "channel", id);
};

/** Lifted even when the channel has left the config since, so its hold can always be cleared. */
export const liftChannelHoldHandler: Handler<"holds.liftChannel"> = (context) =>
  lift(context, "channel", context.params.channel ?? "");
