/**
 * Waits between attempts at one webhook delivery, after the schedule the
 * Standard Webhooks guidance suggests: quick at first, then hours, about a
 * day and a half in all. Each wait is jittered (a random point in its upper
 * half) so a receiver that comes back is not hit by everything at once.
 */
const WAITS_MS = [5_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 5 * 3_600_000, 10 * 3_600_000, 14 * 3_600_000];

/** Attempts before a delivery is given up on and its endpoint disabled. */
export const WEBHOOK_MAX_ATTEMPTS = WAITS_MS.length + 1;

export function webhookRetryDelayMs(attempt: number, random: number): number {
  const wait = WAITS_MS[Math.min(WAITS_MS.length, Math.max(1, attempt)) - 1] as number;
  const r = Math.min(1, Math.max(0, random));
  return Math.round(wait / 2 + (wait / 2) * r);
}

/** How a receiver's answer counts: only 2xx is delivered; 410 says the endpoint is gone for good. */
export function judgeWebhookResponse(status: number): "delivered" | "gone" | "failed" {
  if (status >= 200 && status < 300) return "delivered";
  return status === 410 ? "gone" : "failed";
}

/** HTTP Retry-After (seconds, or an HTTP date) as milliseconds from `now`; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
