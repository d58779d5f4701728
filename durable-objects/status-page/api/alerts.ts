import { ApiProblem } from "../../../worker/core/api/contract.ts";
import { type AlertRow, acknowledgeAlert, readAlertRow } from "../alerts/acknowledge.ts";
import { iso, isoOrNull } from "../time.ts";
import { type ApiContext, type Handler, notFound } from "./context.ts";

type NoticeRow = {
  recipient: string;
  kind: string;
  state: string;
  attempts: number;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
};

/**
 * An alert as the API shows it: what it says, where its escalation stands
 * (how many steps and reminders it has queued, when it queues more) and
 * every notice about it, channel by channel — the outbox rows of channel
 * 'alert' whose ref is the alert.
 */
export function describeAlert(sql: SqlStorage, row: AlertRow) {
  const notices = sql
    .exec<NoticeRow>(
      `SELECT recipient, kind, state, attempts, last_error, created_at, sent_at FROM outbox
       WHERE channel = 'alert' AND ref = ? ORDER BY seq`,
      row.id,
    )
    .toArray()
    .map((notice) => ({
      channel: notice.recipient,
      kind: notice.kind,
      state: notice.state,
      attempts: notice.attempts,
      lastError: notice.last_error,
      queuedAt: iso(notice.created_at),
      sentAt: isoOrNull(notice.sent_at),
    }));
  return {
    id: row.id,
    kind: row.kind,
    severity: row.severity,
    title: row.title,
    details: JSON.parse(row.details) as unknown,
    status: row.status,
    policy: row.policy,
    openedAt: iso(row.opened_at),
    acknowledgedAt: isoOrNull(row.acknowledged_at),
    acknowledgedBy: row.acknowledged_by,
    resolvedAt: isoOrNull(row.resolved_at),
    escalation: {
      /** Steps of the policy queued so far (0-based step n is the n+1th). */
      steps: row.steps,
      reminders: row.reminders,
      handedOverAt: isoOrNull(row.handed_over_at),
      nextAt: isoOrNull(row.next_escalation_at),
    },
    notices,
  };
}

const STATUSES: Record<string, string> = {
  active: `status IN ('open', 'acknowledged')`,
  open: `status = 'open'`,
  acknowledged: `status = 'acknowledged'`,
  resolved: `status = 'resolved'`,
  all: `1 = 1`,
};

/** Alerts newest first, by keyset on (opened_at, id): a deep page costs what the first does. */
export const listAlertsHandler: Handler<"alerts.list"> = ({ sql, query }) => {
  const where = [STATUSES[query.status] ?? (STATUSES.active as string)];
  const params: SqlStorageValue[] = [];
  if (query.cursor) {
    const [at, id] = query.cursor.split(".");
    where.push(`(opened_at < ? OR (opened_at = ? AND id < ?))`);
    params.push(Number(at), Number(at), id ?? "");
  }
  const rows = sql
    .exec<AlertRow & Record<string, SqlStorageValue>>(
      `SELECT * FROM alerts WHERE ${where.join(" AND ")} ORDER BY opened_at DESC, id DESC LIMIT ${query.limit + 1}`,
      ...params,
    )
    .toArray();
  const shown = rows.slice(0, query.limit);
  const last = shown.at(-1);
  return {
    status: 200,
    body: {
      data: shown.map((row) => describeAlert(sql, row)),
      nextCursor: rows.length > query.limit && last ? `${last.opened_at}.${last.id}` : null,
    },
  };
};

function existing({ sql, params }: Pick<ApiContext<"alerts.get">, "sql" | "params">): AlertRow {
  const id = params.id ?? "";
  const row = readAlertRow(sql, id);
  if (!row) throw notFound("alert", id);
  return row;
}

export const getAlertHandler: Handler<"alerts.get"> = (context) => ({
  status: 200,
  body: describeAlert(context.sql, existing(context)),
});

/** Acknowledged by the token's name; again is the first acknowledgement, unchanged. */
export const ackAlertHandler: Handler<"alerts.ack"> = ({ sql, params, actor, now }) => {
  const id = params.id ?? "";
  const result = acknowledgeAlert(sql, id, actor, now);
  if (result.outcome === "unknown") throw notFound("alert", id);
  if (result.outcome === "resolved") {
    throw new ApiProblem(
      409,
      "alert_resolved",
      `alert "${id}" was resolved at ${iso(result.alert.resolved_at ?? result.alert.opened_at)}: there is nothing left to acknowledge`,
    );
  }
  return { status: 200, body: describeAlert(sql, result.alert) };
};
