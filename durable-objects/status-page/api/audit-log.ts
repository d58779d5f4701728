import type { AuditListQuery } from "../../../worker/core/api/schemas.ts";
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

/**
 * The filters as SQL: fixed clauses, values bound. An action filters
 * exactly or as a prefix at a dot ("token" is token.create and token.revoke);
 * an actor is a token id, or part of the name the log gave it.
 */
function filters(query: AuditListQuery): { where: string; values: (string | number)[] } {
  const clauses = ["seq < ?"];
  const values: (string | number)[] = [query.before ?? Number.MAX_SAFE_INTEGER];
  if (query.actor !== undefined) {
    clauses.push("(actor = ? OR instr(lower(actor_name), lower(?)) > 0)");
    values.push(query.actor, query.actor);
  }
  if (query.action !== undefined) {
    clauses.push("(action = ? OR substr(action, 1, ?) = ?)");
    values.push(query.action, query.action.length + 1, `${query.action}.`);
  }
  if (query.target !== undefined) {
    clauses.push("target = ?");
    values.push(query.target);
  }
  if (query.since !== undefined) {
    clauses.push("at >= ?");
    values.push(Date.parse(query.since));
  }
  if (query.until !== undefined) {
    clauses.push("at < ?");
    values.push(Date.parse(query.until));
  }
  return { where: clauses.join(" AND "), values };
}

export const listAuditHandler: Handler<"audit.list"> = ({ sql, query }) => {
  const { where, values } = filters(query);
  const rows = sql
    .exec<AuditRow>(`SELECT * FROM audit_log WHERE ${where} ORDER BY seq DESC LIMIT ?`, ...values, query.limit + 1)
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
