import { afterAll, beforeAll, expect } from "vitest";
import type { FlagName, FlagValues } from "../../../worker/core/flags.ts";
import { api } from "./api.ts";

type Pins = Partial<Record<FlagName, boolean | null>>;

/**
 * Sets flags through the API, as an operator would; null returns a flag to
 * the run's value. The integration tests run with production's defaults,
 * every flag on and every flag off (vitest.config.ts): a test that depends on
 * a flag pins it for itself and puts it back (pinFlagsForFile, withFlags),
 * so every other test runs at the run's values and the three runs differ.
 */
export async function pinFlags(values: Pins): Promise<void> {
  for (const [name, value] of Object.entries(values)) {
    const response = await api("PUT", `/flags/${name}`, { body: { value } });
    expect(response.status, `setting flag ${name}`).toBe(200);
  }
}

/** Every flag's run-time override now (null: none, the run's value holds). */
async function overridesNow(): Promise<Pins> {
  const listed = await api("GET", "/flags");
  expect(listed.status).toBe(200);
  const pins: Pins = {};
  for (const flag of listed.body.data as { name: FlagName; override: { value: boolean } | null }[]) {
    pins[flag.name] = flag.override?.value ?? null;
  }
  return pins;
}

/**
 * Pins flags for the test file it is called in (or the describe block): set
 * before its first test; after its last, every flag is put back as it was
 * before (so a test's own flips inside the file are undone too).
 */
export function pinFlagsForFile(values: Partial<FlagValues>): void {
  let before: Pins = {};
  beforeAll(async () => {
    before = await overridesNow();
    await pinFlags(values);
  });
  afterAll(() => pinFlags(before));
}

/** Runs `body` with these flags pinned, and puts every flag back however it ends. */
export async function withFlags<T>(values: Pins, body: () => Promise<T>): Promise<T> {
  const before = await overridesNow();
  await pinFlags(values);
  try {
    return await body();
  } finally {
    await pinFlags(before);
  }
}
