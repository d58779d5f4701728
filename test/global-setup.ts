/**
 * Starts the real probe targets (test/helpers/node/targets.ts) once for the
 * workers project and provides their addresses, which vitest.config.ts hands
 * to workerd as the `TARGETS` binding.
 */
import type { TestProject } from "vitest/node";
import { startTargets } from "./helpers/node/targets.ts";
import { TARGETS_KEY } from "./helpers/target-addresses.ts";

export default async function setup(project: TestProject) {
  const targets = await startTargets();
  project.provide(TARGETS_KEY, targets.addresses);
  return () => targets.close();
}
