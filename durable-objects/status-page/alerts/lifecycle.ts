import {
  ALERT_SEVERITIES,
  type AlertDetails,
  type AlertKind,
  type AlertSeverity,
} from "../../../worker/core/alerting/alert.ts";
import { routeAlert } from "../../../worker/core/alerting/routing.ts";
import { newId } from "../ids.ts";
import { queueEach } from "../outbox/queue.ts";
import { readAlertingConfig } from "./alerting-config.ts";
import { advanceEscalation, ESCALATION_COLUMNS, type EscalationRow } from "./escalate.ts";

/**
 * An alert's life inside the StatusPage object: opened (or updated) and
 * resolved in the transaction of the change that causes it, its notices
 * queued in the outbox there too (channel 'alert', recipient the config
 * channel's id, ref the alert's id). One alert is open per key
 * (docs/decisions/0034-what-raises-an-alert.md).
 */
export interface AlertInput {
  /** What it is about, e.g. `monitor:api`, `connectivity`, `delivery:email`, `config`. */
  key: string;
  kind: AlertKind;
  severity: AlertSeverity;
  title: string;
  details: AlertDetails;
}

type OpenRow = EscalationRow & { severity: AlertSeverity; kind: AlertKind };

function openByKey(sql: SqlStorage, key: string): OpenRow | null {
  return (
    sql
      .exec<OpenRow>(
        `SELECT ${ESCALATION_COLUMNS}, severity, kind FROM alerts WHERE key = ? AND status != 'resolved'`,
        key,
      )
      .toArray()[0] ?? null
  );
}

function policyFor(sql: SqlStorage, input: AlertInput): string | null {
  return routeAlert(readAlertingConfig(sql).routes, {
    kind: input.kind,
    severity: input.severity,
    monitorId: input.details.monitorId,
    componentIds: input.details.components.map((c) => c.id),
  });
}

const worse = (a: AlertSeverity, b: AlertSeverity) => ALERT_SEVERITIES.indexOf(a) < ALERT_SEVERITIES.indexOf(b);

/**
 * Opens an alert for `input.key`, routes it and queues its policy's first
 * step at once. When one is already open for the key, it is the same
 * trouble: its kind, severity and words follow the news (better or worse)
 * and nobody is paged again — unless it got worse and its new severity
 * routes to another policy: then the escalation starts over under that
 * policy, timed from now, its first step told at once
 * (docs/decisions/0034-what-raises-an-alert.md). Call inside a transaction.
 */
export function openAlert(sql: SqlStorage, input: AlertInput, now: number): { id: string; opened: boolean } {
  const open = openByKey(sql, input.key);
  if (open) {
    sql.exec(
      `UPDATE alerts SET kind = ?, severity = ?, title = ?, details = ? WHERE id = ?`,
      input.kind,
      input.severity,
      input.title,
      JSON.stringify(input.details),
      open.id,
    );
    // Better news keeps the escalation that paged; a policy the new severity routes to nowhere keeps it too.
    const policy = worse(input.severity, open.severity) ? policyFor(sql, input) : null;
    if (policy !== null && policy !== open.policy) restartEscalation(sql, open, policy, now);
    return { id: open.id, opened: false };
  }
  const id = newId();
  sql.exec(
    `INSERT INTO alerts (id, key, kind, severity, title, details, policy, status, opened_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?)`,
    id,
    input.key,
    input.kind,
    input.severity,
    input.title,
    JSON.stringify(input.details),
    policyFor(sql, input),
    now,
  );
  advanceEscalation(sql, readEscalation(sql, id), now);
  return { id, opened: true };
}

function readEscalation(sql: SqlStorage, id: string): EscalationRow {
  return sql.exec<EscalationRow>(`SELECT ${ESCALATION_COLUMNS} FROM alerts WHERE id = ?`, id).one();
}

/**
 * The old policy's steps, reminders and handover say nothing about the new
 * one's: it runs from its first step, timed from the change, its notices
 * keyed by policy (escalationKeys) so none is taken for one already sent. An
 * acknowledged alert only changes policy: someone is on it (the ack stands).
 */
function restartEscalation(sql: SqlStorage, open: OpenRow, policy: string, now: number): void {
  sql.exec(
    `UPDATE alerts SET policy = ?, steps = 0, reminders = 0, handed_over_at = NULL, escalation_started_at = ?,
       next_escalation_at = NULL WHERE id = ?`,
    policy,
    now,
    open.id,
  );
  advanceEscalation(sql, readEscalation(sql, open.id), now);
}

/**
 * Resolves the open alert for `key`, if any: escalation stops, and every
 * channel that was sent (or queued) a trigger or a reminder for it is told
 * it recovered — whether or not it was acknowledged. Call inside a transaction.
 */
export function resolveAlert(sql: SqlStorage, key: string, now: number): string | null {
  const open = openByKey(sql, key);
  if (!open) return null;
  sql.exec(
    `UPDATE alerts SET status = 'resolved', resolved_at = ?, next_escalation_at = NULL WHERE id = ?`,
    now,
    open.id,
  );
  queueEach(
    sql,
    "alert",
    { dedupeKey: `${open.id}:resolve`, kind: "resolve", ref: open.id },
    `SELECT DISTINCT recipient FROM outbox WHERE channel = 'alert' AND ref = ?1 AND kind IN ('trigger', 'reminder')`,
    [open.id],
    now,
  );
  return open.id;
}

export function isOpen(sql: SqlStorage, key: string): boolean {
  return openByKey(sql, key) !== null;
}

/** The keys of open alerts of a kind, e.g. to resolve those whose trouble is over. */
export function openAlertKeys(sql: SqlStorage, kind: AlertKind): string[] {
  return sql
    .exec<{ key: string }>(`SELECT key FROM alerts WHERE kind = ? AND status != 'resolved'`, kind)
    .toArray()
    .map((row) => row.key);
}
