import { retryAfterMs } from "../webhooks/retry.ts";

/** How one attempt to send a message to a channel went. */
export type AlertAttempt =
  | { outcome: "sent" }
  | {
      /** temporary: try again later (5xx, 429, no answer); permanent: the channel's config is wrong (4xx). */
      outcome: "temporary" | "permanent";
      reason: string;
      /** The provider asked to wait at least this long (429 Retry-After or a JSON retry_after). */
      retryAfterMs?: number;
    };

/**
 * A provider's answer in Lookout's terms. Only 2xx is sent. 429 and 5xx are
 * temporary; any other 4xx is the configuration's fault (a revoked webhook, a
 * bad routing key, a chat the bot is not in): retrying will not fix it, so it
 * is permanent and the channel's health says why. How long to wait comes from
 * Retry-After, or the JSON body's `retry_after` (Discord, seconds) or
 * `parameters.retry_after` (Telegram, seconds).
 */
export function judgeAnswer(status: number, headers: Headers, said: string, now: number): AlertAttempt {
  if (status >= 200 && status < 300) return { outcome: "sent" };
  const reason = `HTTP ${status}${said ? `: ${said}` : ""}`;
  if (status === 429 || status >= 500 || status === 408) {
    const wait = retryAfterMs(headers.get("retry-after"), now) ?? retryAfterInBody(said);
    return { outcome: "temporary", reason, ...(wait === undefined ? {} : { retryAfterMs: wait }) };
  }
  return { outcome: "permanent", reason };
}

function retryAfterInBody(said: string): number | undefined {
  try {
    const body = JSON.parse(said) as { retry_after?: unknown; parameters?: { retry_after?: unknown } };
    const seconds = body.retry_after ?? body.parameters?.retry_after;
    return typeof seconds === "number" && Number.isFinite(seconds) && seconds >= 0
      ? Math.ceil(seconds * 1000)
      : undefined;
  } catch {
    return undefined;
  }
}
