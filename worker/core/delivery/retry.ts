/** Attempts before a temporary failure is given up on (about a day and a half of retries). */
export const MAX_ATTEMPTS = 12;

/** Quick retries a single refused message gets before it waits like everything else. */
const QUICK_RETRIES = 4;

/**
 * What a temporary failure was about: the receiving server as a whole (it
 * could not be reached, dropped the connection, said 421 or refused our
 * credentials) or this one message (a 4xx for one recipient or one DATA while
 * the server otherwise works, as under load or greylisting).
 */
export type RetryCause = "server" | "message";

/**
 * How long to wait before attempt `attempt + 1`, with "full jitter" (a random
 * point in the upper half of the window) so a relay that comes back is not hit
 * by every waiting message in the same second. A server that is down gets
 * doubling waits from 30 s up to 4 h. A single refused message is tried again
 * after 10–20 s a few times first: one unlucky message must not make a whole
 * update late (budget: 10,000 subscribers within 5 minutes, through failures).
 */
export function retryDelayMs(attempt: number, random: number, cause: RetryCause = "server"): number {
  const r = Math.min(1, Math.max(0, random));
  if (cause === "message" && attempt <= QUICK_RETRIES) return Math.round(10_000 + 10_000 * r);
  const doublings = cause === "message" ? attempt - QUICK_RETRIES : attempt;
  const ceiling = Math.min(4 * 3_600_000, 30_000 * 2 ** Math.max(0, doublings - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * r);
}
