import { type AlertAttempt, judgeAnswer } from "../../core/alerting/answer.ts";
import type { ChannelRequest } from "../../core/alerting/message.ts";
import { readTextAtMost } from "../bounded-read.ts";

/** How much of a provider's answer is read: enough for a JSON error or a retry_after, never a whole page. */
const ANSWER_BYTES = 1_000;

/**
 * POSTs one rendered message (no redirects followed: a provider's webhook
 * answers, it does not move) and judges the answer. Never rejects; the
 * request's URL is a secret, so no reason names it, and a provider that
 * echoes a secret back has it replaced (`request.redact`) before its words
 * are clipped.
 */
export async function sendAlert(request: ChannelRequest, timeoutMs: number): Promise<AlertAttempt> {
  const seconds = Math.round(timeoutMs / 100) / 10;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: "manual",
      signal,
    });
    // The answer is read under the same deadline: a receiver that sends headers and then stalls is still "no answer".
    const said = await readTextAtMost(response, ANSWER_BYTES);
    if (signal.aborted) throw signal.reason;
    return judgeAnswer(response.status, response.headers, said, Date.now(), [request.url, ...(request.redact ?? [])]);
  } catch (error) {
    const timedOut =
      signal.aborted || (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"));
    return { outcome: "temporary", reason: timedOut ? `no answer within ${seconds} s` : "could not connect" };
  }
}
