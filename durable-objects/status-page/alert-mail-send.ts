import type { z } from "zod";
import { alertMail } from "../../worker/core/alerting/alert-mail.ts";
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
  const content = alertMail(message);
  const host = new URL(message.page.url).hostname;
  const [result] = await sender.send([
    {
      from: parseFrom(env.MAIL_FROM, null),
      to: channel.to,
      ...content,
      // The message's id: a retry carries the same one, so a mailbox can drop a duplicate; a reminder has its own.
      messageId: `${message.id.replace(/[^a-z0-9.]/gi, ".")}@${host}`,
    },
  ]);
  if (!result) return { outcome: "temporary", reason: "the mail sender gave no answer" };
  if (result.outcome === "sent") return { outcome: "sent" };
  return { outcome: result.outcome, reason: `${result.code ?? ""} ${result.reply ?? ""}`.trim() || result.outcome };
}
