import { iso } from "../time.ts";
import { type Handler, recordAudit } from "./context.ts";

type HoldRow = { kind: string; target: string; created_at: number; created_by: string; waiting: number };

/**
 * Holding a domain contains one noisy receiver without stopping mail to
 * everyone else: its rows stay pending in the outbox (claimDue skips them)
 * and nothing is lost until the hold is lifted — or they are dropped, by an
 * explicit choice.
 */
function holds(sql: SqlStorage, domain?: string) {
  return sql
    .exec<HoldRow>(
      `SELECT h.kind, h.target, h.created_at, h.created_by,
         (SELECT COUNT(*) FROM outbox o JOIN subscribers s ON s.id = o.recipient
          WHERE o.channel = 'email' AND o.state = 'pending' AND s.domain = h.target) AS waiting
       FROM delivery_holds h WHERE h.kind = 'domain' AND (? IS NULL OR h.target = ?) ORDER BY h.target`,
      domain ?? null,
      domain ?? null,
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

export const holdDomainHandler: Handler<"holds.hold"> = (context) => {
  const { sql, params, now, actor } = context;
  const domain = params.domain ?? "";
  sql.exec(
    `INSERT INTO delivery_holds (kind, target, created_at, created_by) VALUES ('domain', ?, ?, ?)
     ON CONFLICT DO NOTHING`,
    domain,
    now,
    actor.id,
  );
  const [hold] = holds(sql, domain);
  recordAudit(context, "hold.domain", domain, null, hold);
  return { status: 200, body: hold };
};

export const liftHoldHandler: Handler<"holds.lift"> = (context) => {
  const { sql, params, query } = context;
  const domain = params.domain ?? "";
  const [before] = holds(sql, domain);
  sql.exec(`DELETE FROM delivery_holds WHERE kind = 'domain' AND target = ?`, domain);
  const waiting = before?.waiting ?? 0;
  if (query.pending === "drop") {
    sql.exec(
      `UPDATE outbox SET state = 'dropped', last_error = 'dropped when the hold on ' || ?1 || ' was lifted'
       WHERE channel = 'email' AND state = 'pending'
         AND recipient IN (SELECT id FROM subscribers WHERE domain = ?1)`,
      domain,
    );
  }
  const dropped = query.pending === "drop" ? waiting : 0;
  const after = { lifted: before !== undefined, dropped, sent: query.pending === "send" ? waiting : 0 };
  recordAudit(context, "hold.lift", domain, before ?? null, after);
  return { status: 200, body: after };
};
