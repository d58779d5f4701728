import { log } from "../../../worker/platform/log.ts";
import { advanceEscalation, ESCALATION_COLUMNS, type EscalationRow, nextEscalationAt } from "../alerts/escalate.ts";
import { bringAlarmForward } from "../outbox/outbox.ts";
import type { Job } from "./run-jobs.ts";

/** Alerts looked at per run; more due come back at once. */
const BATCH = 200;
const RETRY_MS = 60_000;

/**
 * Queues the escalation steps and reminders that fell due for open,
 * unacknowledged alerts (an acknowledgement or a resolve clears
 * next_escalation_at: nothing more for them), each alert in one transaction
 * with its outbox rows. Asks the alarm back for the next one due, so a step
 * goes out when its policy says, not at the next heartbeat.
 */
export function alertEscalationJob(storage: DurableObjectStorage): Job {
  const sql = storage.sql;
  return {
    name: "alert-escalation",
    async run() {
      const now = Date.now();
      const due = sql
        .exec<EscalationRow>(
          `SELECT ${ESCALATION_COLUMNS} FROM alerts WHERE next_escalation_at IS NOT NULL AND next_escalation_at <= ?
           ORDER BY next_escalation_at LIMIT ?`,
          now,
          BATCH,
        )
        .toArray();
      for (const alert of due) {
        try {
          storage.transactionSync(() => advanceEscalation(sql, alert, now));
        } catch (error) {
          // One alert that cannot advance must not hold the alarm in a loop: it is looked at again in a minute.
          log.error("alert.escalation_failed", { alertId: alert.id, error });
          sql.exec(`UPDATE alerts SET next_escalation_at = ? WHERE id = ?`, now + RETRY_MS, alert.id);
        }
      }
    },
    nextRunAt: () => nextEscalationAt(sql),
  };
}

/** Brings the alarm forward for the earliest escalation due (after a write that opened or changed an alert). */
export async function wakeEscalation(storage: DurableObjectStorage): Promise<void> {
  const at = nextEscalationAt(storage.sql);
  if (at !== null) await bringAlarmForward(storage, at);
}
