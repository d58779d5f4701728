import { type Actor, recordAudit } from "../api/context.ts";

/** An alert as stored (schema.ts, migrations 11 and 12). */
export interface AlertRow {
  id: string;
  key: string;
  kind: string;
  severity: string;
  title: string;
  details: string;
  policy: string | null;
  status: "open" | "acknowledged" | "resolved";
  opened_at: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  resolved_at: number | null;
  steps: number;
  reminders: number;
  handed_over_at: number | null;
  next_escalation_at: number | null;
  escalation_started_at: number | null;
}

/** Whoever acknowledges through the signed link: the link proves it came with an alert, not who held it. */
export const ACK_LINK: Actor = { id: "ack-link", name: "acknowledgement link", scopes: [] };

export type Acknowledgement =
  /** `first`: this call acknowledged it; false when it already was (the first acknowledgement stands). */
  | { outcome: "acknowledged"; alert: AlertRow; first: boolean }
  | { outcome: "resolved"; alert: AlertRow }
  | { outcome: "unknown" };

export function readAlertRow(sql: SqlStorage, id: string): AlertRow | null {
  return (
    sql.exec<AlertRow & Record<string, SqlStorageValue>>(`SELECT * FROM alerts WHERE id = ?`, id).toArray()[0] ?? null
  );
}

/**
 * Someone on call has it: the escalation stops (next_escalation_at NULL, so
 * no further step or reminder is queued) and the alert stays open until it
 * recovers. Acknowledging again changes nothing and writes no second audit
 * line: two people pressing the button, or a retried request, both see the
 * first acknowledgement. A resolved alert has nothing left to acknowledge.
 * Call inside a transaction.
 */
export function acknowledgeAlert(sql: SqlStorage, id: string, by: Actor, now: number): Acknowledgement {
  const before = readAlertRow(sql, id);
  if (!before) return { outcome: "unknown" };
  if (before.status === "resolved") return { outcome: "resolved", alert: before };
  if (before.status === "acknowledged") return { outcome: "acknowledged", alert: before, first: false };
  sql.exec(
    `UPDATE alerts SET status = 'acknowledged', acknowledged_at = ?, acknowledged_by = ?, next_escalation_at = NULL
     WHERE id = ? AND status = 'open'`,
    now,
    by.name,
    id,
  );
  const after = readAlertRow(sql, id) as AlertRow;
  recordAudit(
    { sql, now, actor: by },
    "alert.acknowledge",
    id,
    { status: before.status, nextEscalationAt: before.next_escalation_at },
    { status: after.status, acknowledgedBy: after.acknowledged_by, nextEscalationAt: null },
  );
  return { outcome: "acknowledged", alert: after, first: true };
}

/** What the acknowledgement page shows of an alert: enough to know which one, nothing more. */
export interface AlertLinkView {
  id: string;
  title: string;
  severity: string;
  status: AlertRow["status"];
  openedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  resolvedAt: string | null;
}

export function linkView(row: AlertRow): AlertLinkView {
  const at = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: row.id,
    title: row.title,
    severity: row.severity,
    status: row.status,
    openedAt: new Date(row.opened_at).toISOString(),
    acknowledgedAt: at(row.acknowledged_at),
    acknowledgedBy: row.acknowledged_by,
    resolvedAt: at(row.resolved_at),
  };
}
