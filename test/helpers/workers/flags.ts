import { expect } from "vitest";
import type { FlagValues } from "../../../worker/core/flags.ts";
import { forgetCachedFlags } from "../../../worker/platform/flags-client.ts";
import { api } from "./api.ts";

/**
 * Sets flags through the API, as an operator would. The suite runs with every
 * flag on and every flag off (vitest.config.ts), so a test that depends on a
 * flag says so by pinning it; null returns a flag to its default.
 */
export async function pinFlags(values: Partial<Record<keyof FlagValues, boolean | null>>): Promise<void> {
  for (const [name, value] of Object.entries(values)) {
    const response = await api("PUT", `/flags/${name}`, { body: { value } });
    expect(response.status, `setting flag ${name}`).toBe(200);
  }
  forgetCachedFlags();
}
