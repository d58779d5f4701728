import { type AlertAttempt, judgeAnswer } from "../../core/alerting/answer.ts";
import type { ChannelRequest } from "../../core/alerting/message.ts";
import { readTextAtMost } from "../bounded-read.ts";

/** How much of a provider's answer is read: enough for a JSON error or a retry_after, never a whole page. */
const ANSWER_BYTES = 1_000;

/**
 * POSTs one rendered message (no redirects followed: a provider's webhook
 * answers, it does not move) and judges the answer. Never rejects; the
 * request's URL is a secret, so no error names it.
 */
export async function sendAlert(request: ChannelRequest, timeoutMs: number): Promise<AlertAttempt> {
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    return {
      outcome: "temporary",
      reason: timedOut ? `no answer within ${timeoutMs / 1000} s` : "could not connect",
    };
  }
  const said = await readTextAtMost(response, ANSWER_BYTES);
  return judgeAnswer(response.status, response.headers, said, Date.now());
}
