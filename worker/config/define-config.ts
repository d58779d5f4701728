import type { z } from "zod";
import { configSchema, type LookoutConfig, type LookoutConfigInput } from "../core/config/schema.ts";

/** A config that failed validation; the message names every bad field and why. */
export class ConfigError extends Error {
  override name = "ConfigError";
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid lookout.config.ts:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.problems = problems;
  }
}

/**
 * Validates the config where it is declared, so a bad config fails `npm start`,
 * the tests and the deploy with the same message instead of a broken page later.
 */
export function defineConfig(input: LookoutConfigInput): LookoutConfig {
  const result = configSchema.safeParse(input);
  if (!result.success) throw new ConfigError(result.error.issues.map(describeIssue));
  return result.data;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.reduce<string>(
    (acc, key) => (typeof key === "number" ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    "",
  );
  return `${path || "(root)"}: ${issue.message}`;
}

export type { LookoutConfig, LookoutConfigInput };
