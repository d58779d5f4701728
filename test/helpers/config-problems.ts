import { ConfigError, defineConfig, type LookoutConfigInput } from "../../worker/config/define-config.ts";

/** The problems defineConfig reports for a config it must refuse (a config it accepts fails the test). */
export function problemsOf(input: unknown): string[] {
  try {
    defineConfig(input as LookoutConfigInput);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected the config to be rejected");
}
