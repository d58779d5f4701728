import { checkMessage, type EmailAddress, type EmailMessage, MessageError } from "../../core/email/message.ts";
import { readTextAtMost } from "../bounded-read.ts";
import type { DeliveryResult, EmailSender, OnResult } from "./sender.ts";

/**
 * Resend's REST API (https://resend.com/docs/api-reference/emails/send-email)
 * as an EmailSender: one POST /emails per message, in order, with the
 * message id as Resend's Idempotency-Key so a retried request within a day
 * sends nothing twice.
 *
 * 2xx is sent; 429 and 5xx are temporary, and end the batch there (the
 * provider is rate limiting or in trouble: the outbox retries the rest with
 * backoff instead of this loop hammering it); a request that fails or times
 * out does the same; any other 4xx is permanent for that message and the
 * batch goes on.
 */

export interface ResendConfig {
  apiKey: string;
  /** Default "https://api.resend.com"; tests point it at a local server. */
  baseUrl?: string;
  /** The whole batch. Default 60 s. */
  batchTimeoutMs?: number;
  /** One request. Default 15 s. */
  requestTimeoutMs?: number;
  /** Replaces the global fetch, for tests. */
  fetch?: typeof fetch;
}

const DEFAULT_BASE_URL = "https://api.resend.com";
const MAX_REPLY_CHARS = 500;

export function resendSender(config: ResendConfig): EmailSender {
  return { send: (messages, onResult) => sendResend(config, messages, onResult) };
}

export async function sendResend(
  config: ResendConfig,
  messages: readonly EmailMessage[],
  onResult?: OnResult,
): Promise<DeliveryResult[]> {
  const doFetch = config.fetch ?? ((input, init) => fetch(input, init));
  const url = `${(config.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "")}/emails`;
  const started = Date.now();
  const deadlineAt = started + (config.batchTimeoutMs ?? 60_000);
  const requestTimeoutMs = config.requestTimeoutMs ?? 15_000;
  const results: DeliveryResult[] = [];
  const settle = (result: Omit<DeliveryResult, "afterMs">) => {
    const decided = { ...result, afterMs: Date.now() - started };
    results.push(decided);
    onResult?.(results.length - 1, decided);
  };

  for (const [index, message] of messages.entries()) {
    try {
      checkMessage(message);
    } catch (error) {
      if (!(error instanceof MessageError)) throw error;
      settle({ outcome: "permanent", stage: error.field === "to" ? "recipient" : "content", reply: error.message });
      continue;
    }
    const left = deadlineAt - Date.now();
    if (left <= 0) {
      stopHere(index, "batch deadline passed");
      break;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), Math.min(requestTimeoutMs, left));
    let status: number;
    let body: string;
    try {
      const response = await doFetch(url, {
        method: "POST",
        headers: {
          authorization: `Bearer ${config.apiKey}`,
          "content-type": "application/json",
          "idempotency-key": message.messageId,
          "user-agent": "Lookout",
        },
        body: JSON.stringify(resendBody(message)),
        signal: controller.signal,
      });
      status = response.status;
      // Only the start is read (and quoted); a provider streaming on cannot cost more.
      body = await readTextAtMost(response, MAX_REPLY_CHARS);
    } catch (error) {
      const reason = controller.signal.aborted
        ? `timeout: no answer within ${Math.min(requestTimeoutMs, left)} ms`
        : error instanceof Error
          ? error.message
          : String(error);
      // Only a request that timed out may have been received; Resend's idempotency key makes its retry safe.
      stopHere(index, reason, controller.signal.aborted);
      break;
    } finally {
      clearTimeout(timer);
    }

    const reply = shorten(`${status} ${body.replace(/\s+/g, " ").trim()}`);
    if (status >= 200 && status <= 299) {
      settle({ outcome: "sent", stage: "sent", code: status, reply });
    } else if (status === 429 || status >= 500) {
      stopHere(index, reply, false, status);
      break;
    } else {
      settle({ outcome: "permanent", stage: "request", code: status, reply });
    }
  }
  return results;

  /** The message at `index` and every one after it: temporary. */
  function stopHere(index: number, reply: string, requestWasSent = false, code?: number) {
    for (let i = index; i < messages.length; i++) {
      const current = i === index;
      settle({
        outcome: "temporary",
        stage: current && code !== undefined ? "request" : "connection",
        ...(current && code !== undefined ? { code } : {}),
        reply: current ? reply : `not sent: ${reply}`,
        ...(current && requestWasSent ? { maybeDelivered: true } : {}),
      });
    }
  }
}

/** The JSON Resend expects; it writes the MIME itself. */
function resendBody(message: EmailMessage) {
  return {
    from: formatFrom(message.from),
    to: [message.to],
    subject: message.subject.replace(/[\r\n]+/g, " "),
    text: message.text,
    html: message.html,
    ...(message.headers && Object.keys(message.headers).length > 0 ? { headers: message.headers } : {}),
  };
}

function formatFrom({ name, address }: EmailAddress): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: controls are what is removed
  const display = (name ?? "").replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return display === "" ? address : `"${display.replace(/[\\"]/g, (c) => `\\${c}`)}" <${address}>`;
}

function shorten(text: string): string {
  return text.length > MAX_REPLY_CHARS ? `${text.slice(0, MAX_REPLY_CHARS - 1)}…` : text;
}
