/**
 * The one interface the outbox sends email through, whatever carries it:
 * SMTP over `cloudflare:sockets` to any relay (smtp-sender.ts), or an HTTP
 * provider's API (resend-sender.ts). See docs/decisions/0018-email-sending.md.
 */
import type { EmailMessage } from "../../core/email/message.ts";
import type { DeliveryOutcome } from "../../core/email/smtp-replies.ts";
import { type ResendConfig, resendSender } from "./resend-sender.ts";
import { type SmtpConfig, sendSmtp } from "./smtp-sender.ts";

export type { DeliveryOutcome } from "../../core/email/smtp-replies.ts";

/**
 * Where a failure happened, so the outbox can tell whose fault it is:
 *   connection      the server could not be reached, dropped us, timed out, or said 421;
 *                   anything about the session as a whole (greeting, EHLO, TLS)
 *   authentication  the relay refused our credentials
 *   sender          MAIL FROM was refused
 *   recipient       RCPT TO was refused: the one stage that says the address is bad
 *   content         the message itself: DATA or its end refused, or it could not be written
 *   request         an HTTP provider refused the request
 *   sent            no failure
 * Only a permanent failure at `recipient` should mark a subscriber; any other
 * permanent failure is the sender's configuration or the message, and retrying
 * it unchanged will not help, but the subscriber did nothing wrong.
 */
export type DeliveryStage = "connection" | "authentication" | "sender" | "recipient" | "content" | "request" | "sent";

export interface DeliveryResult {
  outcome: DeliveryOutcome;
  stage: DeliveryStage;
  /** The SMTP reply code or HTTP status that decided it, when there was one. */
  code?: number;
  /** What the server said (one line, shortened), or what went wrong, for the delivery record. */
  reply?: string;
  /** Milliseconds from the start of the batch until this message's outcome was known. */
  afterMs: number;
  /**
   * Temporary, but the whole message had been handed over when the connection
   * failed: the server may have accepted it. A retry may deliver it twice,
   * with the same Message-ID.
   */
  maybeDelivered?: boolean;
}

/** Told each message's result the moment it is known, so the caller can record it before the next. */
export type OnResult = (index: number, result: DeliveryResult) => void;

export interface EmailSender {
  /** One result per message, in order. Never rejects for anything a server does. */
  send(messages: readonly EmailMessage[], onResult?: OnResult): Promise<DeliveryResult[]>;
}

export function smtpSender(config: SmtpConfig): EmailSender {
  return { send: (messages, onResult) => sendSmtp(config, messages, onResult ? { onResult } : {}) };
}

export type { ResendConfig, SmtpConfig };
export { resendSender };
