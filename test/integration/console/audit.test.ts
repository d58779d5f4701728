import { describe, expect, it } from "vitest";
import { api } from "../../helpers/workers/api.ts";
import { signedIn, signedInAs } from "../../helpers/workers/console.ts";

// The first page a file asks for wakes the page object and renders cold: seconds on a busy machine.
describe("console audit log", { timeout: 20_000 }, () => {
  it("lists newest first with before and after, filters by who, action, target and time, and pages", async () => {
    const browser = await signedIn(undefined, "Ada Lovelace");
    await browser.get("/console/flags");
    await browser.post("/console/flags/probing", { value: "false", reason: "provider outage" });
    await browser.post("/console/flags/probing", { value: "default", reason: "over" });
    await api("POST", "/tokens", { body: { name: "someone else", scopes: ["read"] } });

    const html = await browser.page("/console/audit");
    expect(html).toContain('href="/console/audit"');
    // Newest first: the token made through the API, then the two flips.
    expect(html.indexOf("<strong>token.create</strong>")).toBeLessThan(html.indexOf("<strong>flag.set</strong>"));
    expect(html).toContain("reason: &quot;provider outage&quot;");
    expect(html).toMatch(/override: null → \{&quot;value&quot;:false/);

    const mine = await (await browser.get("/console/audit?actor=Ada+Lovelace&action=flag&target=probing")).text();
    expect(mine.match(/<strong>flag.set<\/strong>/g)).toHaveLength(2);
    expect(mine).not.toContain("<strong>token.create</strong>");
    expect(mine).toContain('value="Ada Lovelace"');

    const lines = (await api("GET", "/audit?action=flag&target=probing")).body.data as { at: string }[];
    const newest = lines[0]?.at.slice(0, 19) as string;
    // A browser's datetime-local value (no zone) is read as UTC, as the page says.
    const later = await (await browser.get(`/console/audit?since=${encodeURIComponent(newest)}&action=flag`)).text();
    expect(later).toContain("<strong>flag.set</strong>");
  });

  it("pages with the filters kept", async () => {
    const browser = await signedIn();
    for (let i = 0; i < 52; i++) await api("PUT", "/flags/probing", { body: { value: i % 2 === 0 } });
    await api("PUT", "/flags/probing", { body: { value: null } });
    const first = await (await browser.get("/console/audit?action=flag.set")).text();
    expect(first.match(/<strong>flag.set<\/strong>/g)).toHaveLength(50);
    const older = /href="\/console\/audit\?([^"]*)"/.exec(first.slice(first.indexOf("Older entries") - 200))?.[1];
    expect(older).toContain("action=flag.set");
    const second = await (await browser.get(`/console/audit?${older?.replaceAll("&amp;", "&")}`)).text();
    expect(second.match(/<strong>flag.set<\/strong>/g)?.length).toBeGreaterThanOrEqual(3);
    expect(second).not.toContain("<strong>token.create</strong>");
  });

  it("answers a filter that is not one with 400 naming it, the form kept", async () => {
    const browser = await signedIn();
    const html = await browser.page("/console/audit?since=yesterday&action=flag", 400);
    expect(html).toContain('role="alert"');
    expect(html).toContain("<code>since</code>");
    expect(html).toContain('value="yesterday"');
  });

  it("is not in a communicator's console, and the API refuses it", async () => {
    const browser = await signedInAs("communicator", "Grace Hopper");
    expect(await (await browser.get("/console")).text()).not.toContain('href="/console/audit"');
    expect((await browser.get("/console/audit")).status).toBe(403);
  });
});
