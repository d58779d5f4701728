import { ALERT_MAX_ATTEMPTS, alertRetryDelayMs } from "../../../worker/core/alerting/retry.ts";
import { MAX_ATTEMPTS, type RetryCause, retryDelayMs } from "../../../worker/core/delivery/retry.ts";
import { WEBHOOK_MAX_ATTEMPTS, webhookRetryDelayMs } from "../../../worker/core/webhooks/retry.ts";

/**
 * Every job the StatusPage alarm runs, and what one run of each may do: the
 * one place to tune them (docs/decisions/0029-outbox-owner.md). Each run is
 * its own invocation with its own subrequest budget, so a big backlog is
 * worked off in many short runs, never one long one.
 */

/** How long a channel keeps trying a temporary failure, and how long it waits in between. */
export interface RetryPolicy {
  maxAttempts: number;
  delayMs(attempt: number, random: number, cause?: RetryCause): number;
}

export interface DeliveryJobSettings {
  /**
   * A claim this instance holds and has not settled within this long is
   * claimed again (its invocation died, the object did not). Claims a dead
   * instance held are due again the moment the object starts (outbox/outbox.ts).
   */
  leaseMs: number;
  /** How long one run keeps taking due deliveries before the next run (and the kicks) get a turn. */
  windowMs: number;
  retry: RetryPolicy;
}

export const MONITOR_KICKS = {
  /** Monitor objects started or stopped per run: 1,000 new monitors take a few dozen quick runs. */
  batch: 40,
  /** Calls to Monitor objects in flight at once, under the 6-connection limit. */
  concurrency: 6,
  /** A full batch says more wait: the next run comes this soon. */
  againAfterMs: 100,
} as const;

export const MAIL: DeliveryJobSettings & { batch: number } = {
  /** Mails per batch, all over one SMTP connection. */
  batch: 100,
  leaseMs: 5 * 60_000,
  windowMs: 20_000,
  retry: { maxAttempts: MAX_ATTEMPTS, delayMs: retryDelayMs },
};

export const WEBHOOKS: DeliveryJobSettings & { slots: number; perEndpoint: number } = {
  /** Deliveries in flight at once, and at most this many for one endpoint. */
  slots: 50,
  perEndpoint: 10,
  leaseMs: 5 * 60_000,
  windowMs: 20_000,
  retry: { maxAttempts: WEBHOOK_MAX_ATTEMPTS, delayMs: (attempt, random) => webhookRetryDelayMs(attempt, random) },
};

export const ALERTS: DeliveryJobSettings & { perMessage: number; timeoutMs: number } = {
  /** Notices grouped into one message at most (a bigger group says "and N more"). */
  perMessage: 500,
  leaseMs: 2 * 60_000,
  /**
   * How long one run waits for the channels' answers. A channel still waiting
   * then (a provider that hangs) finishes on its own: the run ends, so the
   * next notice for any other channel is not held up behind it.
   */
  windowMs: 1_000,
  /** A provider gets this long to answer; a channel that hangs holds up only itself (alert-deliveries.ts). */
  timeoutMs: 10_000,
  /** An alert that cannot be delivered is worth retrying for hours, not days: by then it is news of the past. */
  retry: { maxAttempts: ALERT_MAX_ATTEMPTS, delayMs: (attempt, random) => alertRetryDelayMs(attempt, random) },
};
