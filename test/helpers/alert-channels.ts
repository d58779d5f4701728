/**
 * A channel of each kind pointed at the local receivers
 * (test/helpers/node/alert-receivers/), with the secrets it names, under a
 * scope of the caller's own so tests never read each other's requests.
 */
import type { AlertChannelConfig } from "../../worker/core/alerting/channels.ts";
import type { AlertProvider, AlertReceiverAddresses } from "./node/alert-receivers/addresses.ts";

export type HttpChannel = Exclude<AlertChannelConfig, { kind: "email" | "webhook" }>;

/** Secrets shaped like the real ones, so the receivers' checks of them mean something. */
export const FAKE_SECRETS = {
  slackPath: "/services/T0LOOKOUT/B0ONCALL1/x9S3cr3tW3bh00kT0k3nAbCd",
  discordPath:
    "/api/webhooks/1187654321098765432/S3cr3t-d1sc0rd_t0k3n-aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789abcdefghijklmnop",
  teamsPath: "/workflows/0a1b2c3d4e5f60718293a4b5c6d7e8f9/triggers/manual/paths/invoke",
  teamsQuery:
    "?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=S3cr3tT3amsS1gnatur3abcdefghijklmnopqrstu",
  telegramToken: "7123456789:AAH_s3cr3tT0k3nF0rTh3B0tAbCdEfGhIjK",
  ntfyTopic: "lookout-oncall-s3cr3t7f3a",
  ntfyToken: "tk_s3cr3tntfyacc3sst0k3nabcdefgh",
  pagerdutyKey: "R0UT1NGk3ys3cr3t0123456789abcdef",
  opsgenieKey: "0f8e7d6c-5b4a-4392-8170-5ec7e75ec7e7",
};

export function channelFor(
  provider: AlertProvider,
  addresses: Partial<AlertReceiverAddresses>,
  scope: string,
): { channel: HttpChannel; secrets: Record<string, string> } {
  const base = `${addresses[provider]}/${encodeURIComponent(scope)}`;
  const s = FAKE_SECRETS;
  const common = { id: provider, groupSeconds: 30 };
  switch (provider) {
    case "slack":
      return {
        channel: { ...common, kind: "slack", urlSecret: "SLACK_URL" },
        secrets: { SLACK_URL: base + s.slackPath },
      };
    case "discord":
      return {
        channel: { ...common, kind: "discord", urlSecret: "DISCORD_URL" },
        secrets: { DISCORD_URL: base + s.discordPath },
      };
    case "teams":
      return {
        channel: { ...common, kind: "teams", urlSecret: "TEAMS_URL" },
        secrets: { TEAMS_URL: base + s.teamsPath + s.teamsQuery },
      };
    case "telegram":
      return {
        channel: { ...common, kind: "telegram", botTokenSecret: "TG_TOKEN", chatId: "-1001234567890", apiBase: base },
        secrets: { TG_TOKEN: s.telegramToken },
      };
    case "ntfy":
      return {
        channel: { ...common, kind: "ntfy", urlSecret: "NTFY_URL", tokenSecret: "NTFY_TOKEN" },
        secrets: { NTFY_URL: `${base}/${s.ntfyTopic}`, NTFY_TOKEN: s.ntfyToken },
      };
    case "pagerduty":
      return {
        channel: { ...common, kind: "pagerduty", routingKeySecret: "PD_KEY", apiBase: base },
        secrets: { PD_KEY: s.pagerdutyKey },
      };
    case "opsgenie":
      return {
        channel: { ...common, kind: "opsgenie", apiKeySecret: "OPSGENIE_KEY", apiBase: base },
        secrets: { OPSGENIE_KEY: s.opsgenieKey },
      };
  }
}

/** Every secret value the channel's requests carry: none may appear in a reason. */
export function secretValues(): string[] {
  return Object.values(FAKE_SECRETS);
}
