import type { z } from "zod";
import type { AlertAttempt } from "../../worker/core/alerting/answer.ts";
import type { emailChannel } from "../../worker/core/alerting/channels.ts";
import type { AlertMessage } from "../../worker/core/alerting/message.ts";
import { emailSenderFrom } from "../../worker/platform/email/from-env.ts";
import { parseFrom } from "./mail-deliveries.ts";

/**
 * An email channel's message goes through the page's own mail sender (SMTP
 * or Resend), as one mail to the on-call address. A refusal of the address is
 * the config's fault (permanent); anything else the relay's (temporary).
 */
export async function sendAlertMail(
  env: Env,
  channel: z.output<typeof emailChannel>,
  message: AlertMessage,
): Promise<AlertAttempt> {
  const sender = emailSenderFrom(env);
  if (!sender) return { outcome: "permanent", reason: "no mail sender is configured (SMTP_HOST or RESEND_API_KEY)" };
  const content = alertMailContent(message);
  const first = message.notices[0];
  const host = new URL(message.page.url).hostname;
  const [result] = await sender.send([
    {
      from: parseFrom(env.MAIL_FROM, null),
      to: channel.to,
      ...content,
      // Stable per message: a retry carries the same id, so a mailbox can drop a duplicate.
      messageId: `alert.${`${message.thread}.${first?.notice}.${first?.alertId}`.replace(/[^a-z0-9.]/gi, ".")}@${host}`,
    },
  ]);
  if (!result) return { outcome: "temporary", reason: "the mail sender gave no answer" };
  if (result.outcome === "sent") return { outcome: "sent" };
  return { outcome: result.outcome, reason: `${result.code ?? ""} ${result.reply ?? ""}`.trim() || result.outcome };
}

/**
 * A plain subject and text for the alert mail, until the rendered one
 * (alert-mail.ts) replaces it: one line per notice, with its links.
 */
export function alertMailContent(message: AlertMessage): { subject: string; text: string; html: string } {
  const first = message.notices[0];
  const more = message.notices.length - 1;
  const verb = (notice: string) => (notice === "resolve" ? "Resolved" : notice === "test" ? "Test" : "Alert");
  const subject = `[${message.page.name}] ${verb(first?.notice ?? "")}: ${first?.title ?? ""}${more > 0 ? ` and ${more} more` : ""}`;
  const lines = message.notices.map((n) =>
    [
      `${verb(n.notice)}: ${n.title} (${n.severity})`,
      n.summary,
      ...Object.values(n.links).filter((link): link is string => link !== null),
    ].join("\n"),
  );
  const text = `${lines.join("\n\n")}\n\n${message.page.name}: ${message.page.url}\n`;
  const html = `<pre>${text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")}</pre>`;
  return { subject, text, html };
}
