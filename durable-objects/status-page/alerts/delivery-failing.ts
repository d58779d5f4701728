import { ownTroubleDetails } from "../../../worker/core/alerting/alert.ts";
import { openAlert, resolveAlert } from "./lifecycle.ts";

const HOUR_MS = 3_600_000;
/** A delivery that failed this many times running is failing repeatedly, not a blip. */
const ATTEMPTS = 3;
/** Receivers failing at once: one is that receiver's trouble (a customer's endpoint, a greylisting mailbox). */
const RECIPIENTS = 2;

/**
 * Mail and webhook deliveries failing: in the last hour, deliveries of the
 * channel failed at least three times running (still retried, or given up
 * on) to at least two distinct receivers, and none of the channel got through. One receiver's bad address while
 * the rest are delivered is that receiver's trouble, not the team's. Resolved
 * once deliveries flow again (or nothing is failing). Alert notices (channel
 * 'alert') cannot report on themselves this way: their channels' health is
 * kept per channel (alert_channels). Call inside a transaction.
 */
export function watchDeliveries(sql: SqlStorage, now: number): void {
  for (const [channel, what] of [
    ["email", "Mail"],
    ["webhook", "Webhook"],
  ] as const) {
    const key = `delivery:${channel}`;
    const failing = sql
      // Two index ranges (this runs on every heartbeat): the channel's queue, and what failed for good in
      // the last hour — never the channel's whole history of deliveries.
      .exec<{ n: number; recipients: number; error: string | null }>(
        `SELECT COUNT(*) AS n, COUNT(DISTINCT recipient) AS recipients, MAX(last_error) AS error FROM (
           SELECT recipient, last_error FROM outbox INDEXED BY outbox_by_channel_state
           WHERE channel = ?1 AND state = 'pending' AND attempts >= ?2 AND last_error IS NOT NULL
           UNION ALL
           SELECT recipient, last_error FROM outbox INDEXED BY outbox_due
           WHERE state = 'failed' AND next_attempt_at > ?3 AND channel = ?1 AND attempts >= ?2
             AND last_error IS NOT NULL)`,
        channel,
        ATTEMPTS,
        now - HOUR_MS,
      )
      .one();
    const flowing =
      sql
        .exec(
          `SELECT 1 FROM outbox WHERE channel = ? AND state = 'sent' AND sent_at > ? LIMIT 1`,
          channel,
          now - HOUR_MS,
        )
        .toArray().length > 0;
    if (failing.recipients >= RECIPIENTS && !flowing) {
      openAlert(
        sql,
        {
          key,
          kind: "delivery_failing",
          severity: "error",
          title: `${what} deliveries are failing`,
          details: ownTroubleDetails(
            `${failing.n} ${channel === "email" ? "mails" : "webhook deliveries"} failed ${ATTEMPTS} times or more in the last hour and none got through; last error: ${failing.error ?? "unknown"}`,
          ),
        },
        now,
      );
    } else {
      resolveAlert(sql, key, now);
    }
  }
}
