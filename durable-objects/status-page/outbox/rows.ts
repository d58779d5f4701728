import type { RetryCause } from "../../../worker/core/delivery/retry.ts";
import { ALERTS, type DeliveryJobSettings, MAIL, WEBHOOKS } from "../jobs/settings.ts";

/** "alert": a notice to an on-call channel; its recipient is the config channel's id. */
export type Channel = "email" | "webhook" | "alert";

/** Each channel's lease and retries, as its job declares them (jobs/settings.ts). */
export const CHANNELS: Record<Channel, DeliveryJobSettings> = { email: MAIL, webhook: WEBHOOKS, alert: ALERTS };

export interface OutboxRow {
  seq: number;
  channel: string;
  recipient: string;
  dedupeKey: string;
  kind: string;
  ref: string | null;
  attempts: number;
}

export type Outcome =
  | { outcome: "sent" }
  /**
   * `bounce`: the receiving side refused the address itself, so nothing more goes to it.
   * `cause`: whether a temporary failure was the whole server's or this message's (how soon to retry).
   * `retryAfterMs`: the receiver asked to wait at least this long (HTTP Retry-After).
   */
  | { outcome: "temporary" | "permanent"; reason: string; bounce?: boolean; cause?: RetryCause; retryAfterMs?: number };

/**
 * Rows an operator holds back wait, unclaimed and unlost: mail to a held
 * domain, deliveries to a held or disabled webhook endpoint, notices to a held alert channel.
 */
export const NOT_HELD = `NOT (outbox.channel = 'email' AND outbox.recipient IN (
    SELECT s.id FROM subscribers s JOIN delivery_holds h ON h.kind = 'domain' AND h.target = s.domain))
  AND NOT (outbox.channel = 'webhook' AND outbox.recipient IN (
    SELECT target FROM delivery_holds WHERE kind = 'webhook' UNION ALL SELECT id FROM webhooks WHERE disabled_at IS NOT NULL))
  AND NOT (outbox.channel = 'alert' AND outbox.recipient IN (SELECT target FROM delivery_holds WHERE kind = 'channel'))`;
