import type { AlertChannelConfig } from "../channels.ts";
import type { AlertMessage, ChannelRequest } from "../message.ts";
import { discordRequest } from "./discord.ts";
import { ntfyRequest } from "./ntfy.ts";
import { opsgenieRequest } from "./opsgenie.ts";
import { pagerdutyRequest } from "./pagerduty.ts";
import type { MissingSecrets, ReadSecret } from "./secrets.ts";
import { slackRequest } from "./slack.ts";
import { teamsRequest } from "./teams.ts";
import { telegramRequest } from "./telegram.ts";
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
    case "slack":
      return slackRequest(channel, secret, message);
    case "discord":
      return discordRequest(channel, secret, message);
    case "teams":
      return teamsRequest(channel, secret, message);
    case "telegram":
      return telegramRequest(channel, secret, message);
    case "ntfy":
      return ntfyRequest(channel, secret, message);
    case "pagerduty":
      return pagerdutyRequest(channel, secret, message);
    case "opsgenie":
      return opsgenieRequest(channel, secret, message);
  }
}
