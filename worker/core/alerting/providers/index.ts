import type { AlertChannelConfig } from "../channels.ts";
import type { AlertMessage, ChannelRequest } from "../message.ts";
import type { MissingSecrets, ReadSecret } from "./secrets.ts";
import { webhookRequest } from "./webhook.ts";

/**
 * The provider's own request for one message to one channel. Email channels
 * are not HTTP: they go through the page's mail sender (alert-mail.ts).
 */
export async function renderRequest(
  channel: Exclude<AlertChannelConfig, { kind: "email" }>,
  secret: ReadSecret,
  message: AlertMessage,
  now: number,
): Promise<ChannelRequest | MissingSecrets> {
  switch (channel.kind) {
    case "webhook":
      return webhookRequest(channel, secret, message, now);
    default:
      // The other providers are being written (issue 12): until then a channel of their kind cannot send.
      return { missing: [`a ${channel.kind} renderer`] };
  }
}
