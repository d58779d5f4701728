/** Attempts before a temporary failure is given up on (about a day and a half of retries). */
export const MAX_ATTEMPTS = 12;

/**
 * How long to wait before attempt `attempt + 1`: doubling from 30 s, capped
 * at 4 h, with "full jitter" (a random point in the window) so a relay that
 * comes back is not hit by every waiting message in the same second.
 */
export function retryDelayMs(attempt: number, random: number): number {
  const ceiling = Math.min(4 * 3_600_000, 30_000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * Math.min(1, Math.max(0, random)));
}
