import { iso } from "../time.ts";
import type { Handler } from "./context.ts";

type AuditRow = {
  seq: number;
  at: number;
  actor: string;
  actor_name: string;
  action: string;
  target: string | null;
  before: string | null;
  after: string | null;
};

export const listAuditHandler: Handler<"audit.list"> = ({ sql, query }) => {
  const rows = sql
    .exec<AuditRow>(
      `SELECT * FROM audit_log WHERE seq < ? ORDER BY seq DESC LIMIT ?`,
      query.before ?? Number.MAX_SAFE_INTEGER,
      query.limit + 1,
    )
    .toArray();
  const shown = rows.slice(0, query.limit);
  return {
    status: 200,
    body: {
      data: shown.map((row) => ({
        seq: row.seq,
        at: iso(row.at),
        actor: { id: row.actor, name: row.actor_name },
        action: row.action,
        target: row.target,
        before: row.before === null ? null : JSON.parse(row.before),
        after: row.after === null ? null : JSON.parse(row.after),
      })),
      nextBefore: rows.length > query.limit ? (shown.at(-1)?.seq ?? null) : null,
    },
  };
};
