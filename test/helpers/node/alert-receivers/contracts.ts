/** Every provider's contract by name, free of Node APIs (unit tests in workerd run the same checks). */
import type { AlertProvider } from "./addresses.ts";
import type { ProviderContract } from "./contract.ts";
import { discordContract } from "./discord.ts";
import { ntfyContract } from "./ntfy.ts";
import { opsgenieContract } from "./opsgenie.ts";
import { pagerdutyContract } from "./pagerduty.ts";
import { slackContract } from "./slack.ts";
import { teamsContract } from "./teams.ts";
import { telegramContract } from "./telegram.ts";

export const CONTRACTS: Record<AlertProvider, ProviderContract> = {
  slack: slackContract,
  discord: discordContract,
  teams: teamsContract,
  telegram: telegramContract,
  ntfy: ntfyContract,
  pagerduty: pagerdutyContract,
  opsgenie: opsgenieContract,
};
