import { describe, expect, it } from "vitest";
import { api } from "../../helpers/workers/api.ts";
import { signedIn, signedInAs } from "../../helpers/workers/console.ts";
import { newestAuditLine } from "../../helpers/workers/console-api.ts";

async function flagSets() {
  const log = await api("GET", "/audit?limit=200");
  return (log.body.data as { action: string }[]).filter((entry) => entry.action === "flag.set").length;
}

// The first page a file asks for wakes the page object and renders cold: seconds on a busy machine.
describe("console flags", { timeout: 20_000 }, () => {
  it("lists every flag with value, default and override, and flips one with a reason under the person's name", async () => {
    const browser = await signedIn(undefined, "Ada Lovelace");
    const html = await browser.page("/console/flags");
    expect(html).toContain('href="/console/flags"');
    expect(html).toContain("<code>automatic_incidents</code>");
    expect(html).toMatch(/Default (on|off)\. Not overridden\./);
    expect(html).toContain('action="/console/flags/automatic_incidents"');

    const flipped = await browser.post("/console/flags/automatic_incidents", {
      value: "false",
      reason: "Noisy during the provider outage",
    });
    expect(flipped.status).toBe(303);
    expect(flipped.headers.get("location")).toBe("/console/flags?notice=flag-set");
    const flag = await api("GET", "/flags/automatic_incidents");
    expect(flag.body.override).toMatchObject({ value: false });
    const line = await newestAuditLine();
    expect(line).toMatchObject({
      action: "flag.set",
      target: "automatic_incidents",
      actor: { name: "Ada Lovelace (bootstrap token)" },
      after: { reason: "Noisy during the provider outage" },
    });
    const after = await (await browser.get("/console/flags?notice=flag-set")).text();
    expect(after).toContain("Flag set.");
    expect(after).toContain("Overridden to off by bootstrap");

    const back = await browser.post("/console/flags/automatic_incidents", { value: "default", reason: "Over" });
    expect(back.headers.get("location")).toBe("/console/flags?notice=flag-default");
    expect((await api("GET", "/flags/automatic_incidents")).body.override).toBeNull();
  });

  it("requires a reason: 400 naming the field, the form kept, nothing written", async () => {
    const browser = await signedIn();
    await browser.get("/console/flags");
    const before = await flagSets();
    const answer = await browser.post("/console/flags/probing", { value: "false", reason: "  " });
    expect(answer.status).toBe(400);
    const html = await answer.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain("<code>reason</code>");
    expect(await flagSets()).toBe(before);
    const unknown = await browser.post("/console/flags/no_such_flag", { value: "true", reason: "typo" });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("there is no flag");
  });

  it("shows a communicator the flags but no form, and the API refuses a forced flip", async () => {
    const browser = await signedInAs("communicator", "Grace Hopper");
    const page = await (await browser.get("/console/flags")).text();
    expect(page).toContain("<code>probing</code>");
    expect(page).not.toContain('action="/console/flags/probing"');
    const before = await flagSets();
    const forced = await browser.post("/console/flags/probing", { value: "false", reason: "curious" });
    expect(forced.status).toBe(403);
    expect((await api("GET", "/flags/probing")).body.override).toBeNull();
    expect(await flagSets()).toBe(before);
  });

  it("refuses a flip without this browser's CSRF value, writing nothing", async () => {
    const browser = await signedIn();
    await browser.get("/console/flags");
    const before = await flagSets();
    const refused = await browser.post("/console/flags/probing", { value: "false", reason: "x", _csrf: "" });
    expect(refused.status).toBe(403);
    expect((await api("GET", "/flags/probing")).body.override).toBeNull();
    expect(await flagSets()).toBe(before);
  });
});
