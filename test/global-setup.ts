/**
 * Starts the real probe targets (test/helpers/node/targets.ts), SMTP
 * servers (test/helpers/node/smtp-servers.ts), webhook receiver
 * (test/helpers/node/webhook-receiver.ts) and alerting providers' receivers
 * (test/helpers/node/alert-receivers/) once for the workers project and
 * provides their addresses, which vitest.config.ts hands to workerd as the
 * `TARGETS`, `MAIL_SERVERS`, `WEBHOOK_RECEIVER` and `ALERT_RECEIVERS` bindings.
 */
import type { TestProject } from "vitest/node";
import { ALERT_RECEIVERS_KEY } from "./helpers/node/alert-receivers/addresses.ts";
import { startAlertReceivers } from "./helpers/node/alert-receivers/index.ts";
import { startMailServers } from "./helpers/node/smtp-servers.ts";
import { startTargets } from "./helpers/node/targets.ts";
import { startWebhookReceiver } from "./helpers/node/webhook-receiver.ts";
import { MAIL_SERVERS_KEY, TARGETS_KEY, WEBHOOK_RECEIVER_KEY } from "./helpers/target-addresses.ts";

export default async function setup(project: TestProject) {
  const [targets, mail, webhooks, alerts] = await Promise.all([
    startTargets(),
    startMailServers(),
    startWebhookReceiver(),
    startAlertReceivers(),
  ]);
  project.provide(TARGETS_KEY, targets.addresses);
  project.provide(MAIL_SERVERS_KEY, mail.addresses);
  project.provide(WEBHOOK_RECEIVER_KEY, webhooks.url);
  project.provide(ALERT_RECEIVERS_KEY, alerts.addresses);
  return async () => {
    await Promise.all([targets.close(), mail.close(), webhooks.close(), alerts.close()]);
  };
}
