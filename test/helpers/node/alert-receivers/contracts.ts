/** Every provider's contract by name, free of Node APIs (unit tests in workerd run the same checks). */
import type { AlertProvider } from "./addresses.ts";
import type { ProviderContract } from "./contract.ts";
import { pagerdutyContract } from "./pagerduty.ts";
import { slackContract } from "./slack.ts";

export const CONTRACTS: Partial<Record<AlertProvider, ProviderContract>> = {
  slack: slackContract,
  pagerduty: pagerdutyContract,
};
