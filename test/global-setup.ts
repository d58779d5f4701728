/**
 * Starts the real probe targets (test/helpers/node/targets.ts), SMTP
 * servers (test/helpers/node/smtp-servers.ts) and webhook receiver
 * (test/helpers/node/webhook-receiver.ts) once for the workers project and
 * provides their addresses, which vitest.config.ts hands to workerd as the
 * `TARGETS`, `MAIL_SERVERS` and `WEBHOOK_RECEIVER` bindings.
 */
import type { TestProject } from "vitest/node";
import { startMailServers } from "./helpers/node/smtp-servers.ts";
import { startTargets } from "./helpers/node/targets.ts";
import { startWebhookReceiver } from "./helpers/node/webhook-receiver.ts";
import { MAIL_SERVERS_KEY, TARGETS_KEY, WEBHOOK_RECEIVER_KEY } from "./helpers/target-addresses.ts";

export default async function setup(project: TestProject) {
  const [targets, mail, webhooks] = await Promise.all([startTargets(), startMailServers(), startWebhookReceiver()]);
  project.provide(TARGETS_KEY, targets.addresses);
  project.provide(MAIL_SERVERS_KEY, mail.addresses);
  project.provide(WEBHOOK_RECEIVER_KEY, webhooks.url);
  return async () => {
    await Promise.all([targets.close(), mail.close(), webhooks.close()]);
  };
}
