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

/** How much of a provider's reason is quoted in the channel's health. */
const REASON_CHARS = 200;

/**
 * A provider's answer in Lookout's terms. Only 2xx is sent. 408, 429 and 5xx
 * are temporary; any other status is the configuration's fault (a revoked
 * webhook, a bad routing key, a chat the bot is not in): retrying will not
 * fix it, so it is permanent and the channel's health quotes the provider's
 * reason. How long to wait comes from the `Retry-After` header (Slack,
 * Discord) or the JSON body (Discord's `retry_after`, float seconds;
 * Telegram's `parameters.retry_after`), the longer of the two when both are
 * given (docs/reference/alerting-providers.md). A provider that echoes one of
 * `secrets` back (the webhook URL, a routing key) has it replaced before the
 * reason is clipped: a clip could cut a secret so it no longer matches.
 */
export function judgeAnswer(
  status: number,
  headers: Headers,
  said: string,
  now: number,
  secrets: readonly string[] = [],
): AlertAttempt {
  if (status >= 200 && status < 300) return { outcome: "sent" };
  const why = providerReason(said, secrets);
  const reason = `HTTP ${status}${why ? `: ${why}` : ""}`;
  if (status === 429 || status >= 500 || status === 408) {
    const waits = [retryAfterMs(headers.get("retry-after"), now), retryAfterInBody(said)].filter(
      (wait): wait is number => wait !== undefined,
    );
    const wait = waits.length ? Math.max(...waits) : undefined;
    return { outcome: "temporary", reason, ...(wait === undefined ? {} : { retryAfterMs: wait }) };
  }
  return { outcome: "permanent", reason };
}

function retryAfterInBody(said: string): number | undefined {
  const body = parse(said) as { retry_after?: unknown; parameters?: { retry_after?: unknown } } | undefined;
  const seconds = body?.retry_after ?? body?.parameters?.retry_after;
  return typeof seconds === "number" && Number.isFinite(seconds) && seconds >= 0
    ? Math.ceil(seconds * 1000)
    : undefined;
}

/**
 * The provider's own words, from the shape each one answers with: Slack's
 * plain text (`invalid_payload`), Discord's and PagerDuty's `message` (with
 * PagerDuty's `errors`), Telegram's `description`, ntfy's `error`, Teams'
 * `error.message`, Opsgenie's `message` and `errors`. One line, its secrets
 * replaced, then clipped.
 */
export function providerReason(said: string, secrets: readonly string[] = []): string {
  const body = parse(said);
  let words = said;
  if (body && typeof body === "object") {
    const b = body as Record<string, unknown>;
    const nested = b.error && typeof b.error === "object" ? (b.error as Record<string, unknown>).message : b.error;
    const main = [b.description, b.message, nested].find((v) => typeof v === "string" && v) as string | undefined;
    const details = Array.isArray(b.errors)
      ? b.errors.filter((e) => typeof e === "string")
      : b.errors && typeof b.errors === "object"
        ? Object.values(b.errors as object).filter((e) => typeof e === "string")
        : [];
    if (main) words = [main, ...details].join(": ");
  }
  const line = redactReason(words.replace(/\s+/g, " ").trim(), secrets);
  return line.length > REASON_CHARS ? `${line.slice(0, REASON_CHARS - 1)}…` : line;
}

function parse(said: string): unknown {
  try {
    return JSON.parse(said);
  } catch {
    return undefined;
  }
}

/** A reason with every secret value (and the URL's secret path) replaced, so the channel's health can be shown. */
export function redactReason(reason: string, secrets: readonly string[]): string {
  let out = reason;
  const pieces = secrets.flatMap((secret) => [secret, ...urlPieces(secret)]).filter((piece) => piece.length >= 6);
  for (const piece of pieces.sort((a, b) => b.length - a.length)) out = out.split(piece).join("[secret]");
  return out;
}

/** A webhook URL's path segments and query values are its key (Slack's T…/B…/token, Discord's id/token, Teams' sig). */
function urlPieces(value: string): string[] {
  try {
    const url = new URL(value);
    return [
      url.host + url.pathname,
      url.pathname,
      ...url.pathname.split("/"),
      url.search,
      ...url.searchParams.values(),
    ].filter((p) => p.length >= 6);
  } catch {
    return [];
  }
}
