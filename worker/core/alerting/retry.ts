/**
 * Waits between attempts at one alert notice. Paging is urgent and news of
 * the past is worth little: seconds at first (a provider's blip, a deploy of
 * the receiving end), then minutes, and about three and a half hours in all,
 * after which the notice is given up on and the channel's health says why.
 * Each wait is jittered (a random point in its upper half) so a provider that
 * comes back is not hit by every waiting page in the same second. A 429's
 * Retry-After is honoured on top (outbox/claims.ts settle).
 */
const WAITS_MS = [
  5_000,
  15_000,
  30_000,
  60_000,
  2 * 60_000,
  5 * 60_000,
  10 * 60_000,
  15 * 60_000,
  30 * 60_000,
  30 * 60_000,
  60 * 60_000,
  60 * 60_000,
];

/** Attempts before a notice is given up on: one first try and one per wait. */
export const ALERT_MAX_ATTEMPTS = WAITS_MS.length + 1;

/** How long to wait after attempt `attempt` (1-based) failed for a passing reason. */
export function alertRetryDelayMs(attempt: number, random: number): number {
  const wait = WAITS_MS[Math.min(WAITS_MS.length, Math.max(1, attempt)) - 1] as number;
  const r = Math.min(1, Math.max(0, random));
  return Math.round(wait / 2 + (wait / 2) * r);
}

/** The longest a notice can be retried for, every wait at its top: what the README quotes. */
export const ALERT_RETRY_SPAN_MS = WAITS_MS.reduce((sum, wait) => sum + wait, 0);
