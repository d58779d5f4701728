import { describe, expect, it } from "vitest";
import { defineConfig } from "../../worker/config/define-config.ts";
import { FLAGS } from "../../worker/core/flags.ts";
import { api } from "../helpers/workers/api.ts";
import { withFlags } from "../helpers/workers/flags.ts";
import { kick } from "../helpers/workers/kicks.ts";
import { inspectMonitor, runGroup } from "../helpers/workers/monitor-objects.ts";
import { targetUrl } from "../helpers/workers/targets.ts";
import { pageObject } from "../helpers/workers/worker.ts";

describe("ops flags through the API", () => {
  it("lists every declared flag with its meaning, value, default, override and expiry", async () => {
    const { status, body } = await api("GET", "/flags");
    expect(status).toBe(200);
    expect(body.data.map((f: { name: string }) => f.name).sort()).toEqual(Object.keys(FLAGS).sort());
    for (const flag of body.data) {
      expect(flag.description.length).toBeGreaterThan(10);
      expect(flag.expires).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(typeof flag.default).toBe("boolean");
      expect(flag.value).toBe(flag.override?.value ?? flag.default);
    }
  });

  it("overrides a flag at run time, records who did it, and returns to the default on null", async () => {
    const set = await api("PUT", "/flags/automatic_incidents", { body: { value: false } });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ value: false, override: { value: false, updatedBy: "bootstrap" } });
    expect((await pageObject().flagValues()).automatic_incidents).toBe(false);

    const audit = await api("GET", "/audit?limit=1");
    expect(audit.body.data[0]).toMatchObject({ action: "flag.set", target: "automatic_incidents" });
    expect(audit.body.data[0].after.override).toMatchObject({ value: false });

    const cleared = await api("PUT", "/flags/automatic_incidents", { body: { value: null } });
    expect(cleared.body.override).toBeNull();
    expect(cleared.body.value).toBe(cleared.body.default);
    expect((await pageObject().flagValues()).automatic_incidents).toBe(cleared.body.default);
  });

  it("keeps a flip's reason in its audit line, and refuses an empty one naming the field", async () => {
    const set = await api("PUT", "/flags/automatic_incidents", {
      body: { value: false, reason: "  Noisy during the provider outage  " },
    });
    expect(set.status).toBe(200);
    expect(set.body).not.toHaveProperty("reason");
    const audit = await api("GET", "/audit?limit=1");
    expect(audit.body.data[0]).toMatchObject({
      action: "flag.set",
      target: "automatic_incidents",
      after: { reason: "Noisy during the provider outage" },
    });
    const empty = await api("PUT", "/flags/automatic_incidents", { body: { value: true, reason: " " } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.fields[0].path).toBe("reason");
    await api("PUT", "/flags/automatic_incidents", { body: { value: null } });
  });

  it("stops and restarts checks within seconds, without a deploy", async () => {
    await pageObject().reconcile(
      defineConfig({
        page: { name: "Flags", url: "https://status.flags.test" },
        components: [{ id: "api", name: "API" }],
        monitors: [{ id: "flagged", url: targetUrl("/healthy"), components: ["api"] }],
      }),
    );
    await kick();
    // The flip reaches the Monitor objects with the page's next kick, which it wakes for at once.
    await withFlags({ probing: false }, async () => {
      await kick();
      await runGroup("flagged");
      expect((await inspectMonitor("flagged")).samples).toBe(0);
    });
    await withFlags({ probing: true }, async () => {
      await kick();
      await runGroup("flagged");
      expect((await inspectMonitor("flagged")).samples).toBe(1);
    });
  });

  it("refuses unknown flags and values that are not booleans", async () => {
    expect((await api("GET", "/flags/no_such_flag")).status).toBe(404);
    expect((await api("PUT", "/flags/no_such_flag", { body: { value: true } })).status).toBe(404);
    const wrong = await api("PUT", "/flags/probing", { body: { value: "off" } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.fields[0].path).toBe("value");
  });
});
