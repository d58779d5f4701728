import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../../helpers/workers/api.ts";
import { ConsoleBrowser, signedIn, signedInAs } from "../../helpers/workers/console.ts";
import { startPage } from "../../helpers/workers/worker.ts";

beforeAll(startPage, 60_000);

/** What a console session may not be: a key to the API, a key that outlives signing in again, a reason to skip the role. */
describe("a console session's bounds", () => {
  it("is no API token: its cookie's secret sent as a bearer is refused (401) and changes nothing", async () => {
    const browser = await signedIn();
    const secret = browser.cookies.get("lookout_session") as string;
    expect(secret).toMatch(/^lks_/);
    expect((await api("GET", "/tokens", { token: secret })).status).toBe(401);
    const minted = await api("POST", "/tokens", { token: secret, body: { name: "via a session", scopes: ["tokens"] } });
    expect(minted.status).toBe(401);
    const names = (await api("GET", "/tokens")).body.data.map((t: { name: string }) => t.name);
    expect(names).not.toContain("via a session");
    // The same session still works where it belongs.
    expect((await browser.get("/console")).status).toBe(200);
  });

  it("ends the session a browser had when it signs in again", async () => {
    const browser = new ConsoleBrowser();
    await browser.signIn(undefined, "First");
    const first = browser.cookies.get("lookout_session") as string;
    await browser.signIn(undefined, "Second");
    expect(browser.cookies.get("lookout_session")).not.toBe(first);
    const stale = new ConsoleBrowser();
    stale.cookies.set("lookout_session", first);
    expect((await stale.get("/console")).status).toBe(303);
    expect((await browser.get("/console")).status).toBe(200);
  });

  it("answers a role without the audit scope 403 on the audit page, whatever its filters say", async () => {
    const browser = await signedInAs("viewer", "Vera");
    for (const path of ["/console/audit", "/console/audit?since=zzz", "/console/audit?action=%00"]) {
      const page = await browser.get(path);
      expect(page.status, path).toBe(403);
    }
  });
});
