import { describe, expect, it } from "vitest";
import { FLAGS, resolveFlags } from "../../worker/core/flags.ts";

describe("ops flags", () => {
  it("are all reviewed before their expiry date", () => {
    const today = new Date().toISOString().slice(0, 10);
    for (const [name, flag] of Object.entries(FLAGS)) {
      expect(flag.expires > today, `flag ${name} expired on ${flag.expires}: remove it or extend it`).toBe(true);
    }
  });

  it("take the environment's default, then wrangler.toml, then run-time overrides", () => {
    expect(resolveFlags("production", {}).automatic_incidents).toBe(false);
    expect(resolveFlags("local", {}).automatic_incidents).toBe(true);
    expect(resolveFlags("production", { FLAG_AUTOMATIC_INCIDENTS: "on" }).automatic_incidents).toBe(true);
    expect(
      resolveFlags("production", { FLAG_AUTOMATIC_INCIDENTS: "on" }, { automatic_incidents: false })
        .automatic_incidents,
    ).toBe(false);
    // Anything but on/off in wrangler.toml is ignored rather than guessed at.
    expect(resolveFlags("staging", { FLAG_PROBING: "maybe" }).probing).toBe(true);
  });
});
