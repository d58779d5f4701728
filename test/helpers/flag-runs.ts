import { FLAGS, type FlagName, type FlagValues } from "../../worker/core/flags.ts";

/**
 * The three integration runs (vitest.config.ts) and the flag values each
 * gives the Worker and its objects, as wrangler.toml would (FLAG_<NAME>):
 *
 *   production-defaults  every flag at production's declared default (automatic incidents off);
 *   all-on               every flag on (also local dev's and staging's defaults, so nothing is lost);
 *   all-off              every flag off.
 *
 * The run's name reaches the tests as the FLAG_RUN binding, so a test knows
 * which values to expect and checks that they really arrived
 * (test/integration/flag-runs.test.ts).
 */
export const FLAG_RUNS = ["production-defaults", "all-on", "all-off"] as const;
export type FlagRun = (typeof FLAG_RUNS)[number];

export function flagValuesFor(run: FlagRun): FlagValues {
  const values = {} as FlagValues;
  for (const name of Object.keys(FLAGS) as FlagName[]) {
    values[name] = run === "production-defaults" ? FLAGS[name].defaults.production : run === "all-on";
  }
  return values;
}

/** The bindings that give a run its values, FLAG_<NAME> = "on" | "off", and FLAG_RUN naming it. */
export function flagBindingsFor(run: FlagRun): Record<string, string> {
  const bindings: Record<string, string> = { FLAG_RUN: run };
  for (const [name, on] of Object.entries(flagValuesFor(run))) {
    bindings[`FLAG_${name.toUpperCase()}`] = on ? "on" : "off";
  }
  return bindings;
}

/** The run this workerd belongs to, from its FLAG_RUN binding; anything else is a broken configuration. */
export function flagRunOf(env: object): FlagRun {
  const run = (env as { FLAG_RUN?: unknown }).FLAG_RUN;
  if (!FLAG_RUNS.includes(run as FlagRun))
    throw new Error(`FLAG_RUN is ${JSON.stringify(run)}, not one of ${FLAG_RUNS}`);
  return run as FlagRun;
}
