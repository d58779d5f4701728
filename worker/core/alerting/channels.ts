import { z } from "zod";
import { id } from "../monitors/monitor-config.ts";

/**
 * On-call channels as `lookout.config.ts` declares them. A secret (a webhook
 * URL whose path is its key, a routing key, a bot token) is never written in
 * the config: the config names the Worker secret or variable that holds it
 * (`wrangler secret put NAME`; `.dev.vars` locally), read when a message is sent.
 */

/** The name of a Worker secret or variable, e.g. "SLACK_ONCALL_URL". */
export const secretName = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{0,63}$/, "must be the NAME of a secret or variable (A–Z, 0–9, _), not its value");

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

const common = {
  id,
  name: z.string().trim().min(1).max(100).optional(),
  /**
   * Messages to this channel are at least this far apart: what arrives in
   * between is grouped into the next message (docs/decisions, alert grouping).
   */
  groupSeconds: z.number().int().min(0).max(3600).default(30),
};

export const slackChannel = z.strictObject({
  ...common,
  kind: z.literal("slack"),
  /** The incoming-webhook URL's secret name. */
  urlSecret: secretName,
});

export const discordChannel = z.strictObject({
  ...common,
  kind: z.literal("discord"),
  urlSecret: secretName,
});

export const teamsChannel = z.strictObject({
  ...common,
  kind: z.literal("teams"),
  /** A Workflows ("When a Teams webhook request is received") URL. */
  urlSecret: secretName,
});

export const telegramChannel = z.strictObject({
  ...common,
  kind: z.literal("telegram"),
  botTokenSecret: secretName,
  /** A chat id (number as text, or "@channelname"). */
  chatId: z.string().min(1).max(64),
  apiBase: httpUrl.default("https://api.telegram.org"),
});

export const ntfyChannel = z.strictObject({
  ...common,
  kind: z.literal("ntfy"),
  /** The topic URL (its name is what protects it on a public server, so it is a secret). */
  urlSecret: secretName,
  /** An access token for a protected topic. */
  tokenSecret: secretName.optional(),
});

export const pagerdutyChannel = z.strictObject({
  ...common,
  kind: z.literal("pagerduty"),
  /** The Events API v2 integration's routing key. */
  routingKeySecret: secretName,
  apiBase: httpUrl.default("https://events.pagerduty.com"),
});

export const opsgenieChannel = z.strictObject({
  ...common,
  kind: z.literal("opsgenie"),
  apiKeySecret: secretName,
  /** https://api.eu.opsgenie.com for EU accounts. */
  apiBase: httpUrl.default("https://api.opsgenie.com"),
});

export const emailChannel = z.strictObject({
  ...common,
  kind: z.literal("email"),
  /** The on-call address (a person or a list); sent through the page's mail sender. */
  to: z.email("must be an email address"),
});

export const webhookChannel = z.strictObject({
  ...common,
  kind: z.literal("webhook"),
  urlSecret: secretName,
  /** A `whsec_` Standard Webhooks secret that signs every delivery. */
  signingSecret: secretName,
});

export const channelSchema = z.discriminatedUnion("kind", [
  slackChannel,
  discordChannel,
  teamsChannel,
  telegramChannel,
  ntfyChannel,
  pagerdutyChannel,
  opsgenieChannel,
  emailChannel,
  webhookChannel,
]);

export type AlertChannelConfig = z.output<typeof channelSchema>;
export type AlertChannelKind = AlertChannelConfig["kind"];

/**
 * Channels whose own tool pages and acknowledges (PagerDuty, Opsgenie): an
 * escalation that reaches one of them hands the alert over and goes no further.
 */
export const HANDOVER_KINDS: readonly AlertChannelKind[] = ["pagerduty", "opsgenie"];

/** The secret names a channel reads, so `npm run check-config` and the API can say which are missing. */
export function secretsOf(channel: AlertChannelConfig): string[] {
  switch (channel.kind) {
    case "telegram":
      return [channel.botTokenSecret];
    case "ntfy":
      return channel.tokenSecret ? [channel.urlSecret, channel.tokenSecret] : [channel.urlSecret];
    case "pagerduty":
      return [channel.routingKeySecret];
    case "opsgenie":
      return [channel.apiKeySecret];
    case "email":
      return [];
    case "webhook":
      return [channel.urlSecret, channel.signingSecret];
    default:
      return [channel.urlSecret];
  }
}
