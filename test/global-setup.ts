/**
 * Starts the real probe targets (test/helpers/node/targets.ts) and SMTP
 * servers (test/helpers/node/smtp-servers.ts) once for the workers project
 * and provides their addresses, which vitest.config.ts hands to workerd as the
 * `TARGETS` and `MAIL_SERVERS` bindings.
 */
import type { TestProject } from "vitest/node";
import { startMailServers } from "./helpers/node/smtp-servers.ts";
import { startTargets } from "./helpers/node/targets.ts";
import { MAIL_SERVERS_KEY, TARGETS_KEY } from "./helpers/target-addresses.ts";

export default async function setup(project: TestProject) {
  const [targets, mail] = await Promise.all([startTargets(), startMailServers()]);
  project.provide(TARGETS_KEY, targets.addresses);
  project.provide(MAIL_SERVERS_KEY, mail.addresses);
  return async () => {
    await Promise.all([targets.close(), mail.close()]);
  };
}
