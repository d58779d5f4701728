import { escalate, escalationKeys } from "../../../worker/core/alerting/escalation.ts";
import { queueOne } from "../outbox/queue.ts";
import { readAlertingConfig } from "./alerting-config.ts";

/** The columns of an alert row the escalation reads. */
export type EscalationRow = {
  id: string;
  policy: string | null;
  status: string;
  opened_at: number;
  steps: number;
  reminders: number;
  handed_over_at: number | null;
  /** When a change of severity restarted the escalation under `policy`; null: it runs from the opening. */
  escalation_started_at: number | null;
};

export const ESCALATION_COLUMNS =
  "id, policy, status, opened_at, steps, reminders, handed_over_at, escalation_started_at";

/**
 * Queues what the alert's policy says is due now (worker/core/alerting/escalation.ts)
 * and records where the escalation stands and when it is next due. The outbox's
 * dedupe keys (escalationKeys: `<alertId>:step:<n>`, `<alertId>:reminder:<n>`,
 * with the policy id after the alert's once restarted) make a repeated run
 * queue nothing twice. A policy the applied config no longer has stops it.
 * Call inside the transaction of the change that made it due.
 */
export function advanceEscalation(sql: SqlStorage, alert: EscalationRow, now: number): void {
  const config = readAlertingConfig(sql);
  const policy = config.policies.find((p) => p.id === alert.policy);
  if (!policy || alert.status !== "open") {
    sql.exec(`UPDATE alerts SET next_escalation_at = NULL WHERE id = ?`, alert.id);
    return;
  }
  const kinds = new Map(config.channels.map((c) => [c.id, c.kind]));
  const due = escalate(
    policy,
    (id) => kinds.get(id),
    {
      openedAt: alert.escalation_started_at ?? alert.opened_at,
      steps: alert.steps,
      reminders: alert.reminders,
      handedOver: alert.handed_over_at !== null,
      stopped: false,
    },
    now,
  );
  const keys = escalationKeys(alert.id, alert.escalation_started_at === null ? null : policy.id);
  for (const step of due.steps) {
    for (const channel of step.channels) {
      queueOne(sql, "alert", channel, { dedupeKey: keys.step(step.index), kind: "trigger", ref: alert.id }, now);
    }
  }
  if (due.reminder) {
    for (const channel of due.reminder.channels) {
      const dedupeKey = keys.reminder(due.reminder.index);
      queueOne(sql, "alert", channel, { dedupeKey, kind: "reminder", ref: alert.id }, now);
    }
  }
  sql.exec(
    `UPDATE alerts SET steps = ?, reminders = ?, handed_over_at = COALESCE(handed_over_at, ?), next_escalation_at = ?
     WHERE id = ?`,
    due.state.steps,
    due.state.reminders,
    due.state.handedOver ? now : null,
    due.nextAt,
    alert.id,
  );
}

/** When the earliest escalation is due (the alerts_by_escalation index), or null when none waits. */
export function nextEscalationAt(sql: SqlStorage): number | null {
  return (
    sql
      .exec<{ at: number | null }>(
        `SELECT MIN(next_escalation_at) AS at FROM alerts WHERE next_escalation_at IS NOT NULL`,
      )
      .one().at ?? null
  );
}
