import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../../helpers/workers/api.ts";
import { ConsoleBrowser, signedIn } from "../../helpers/workers/console.ts";
import { fetchWorker, startPage } from "../../helpers/workers/worker.ts";

async function auditActions(target?: string) {
  const log = await api("GET", "/audit?limit=50");
  return (log.body.data as { action: string; actor: { name: string }; target: string | null }[]).filter(
    (entry) => entry.action.startsWith("console.") && (target === undefined || entry.target === target),
  );
}

beforeAll(startPage, 60_000);

describe("console sign-in with a token", () => {
  it("sends someone not signed in to the sign-in page, and back where they were going after", async () => {
    const browser = new ConsoleBrowser();
    const away = await browser.get("/console?x=1");
    expect(away.status).toBe(303);
    expect(away.headers.get("location")).toBe("/console/sign-in?next=%2Fconsole%3Fx%3D1");
    const form = await browser.get("/console/sign-in?next=%2Fconsole%3Fx%3D1");
    expect(form.status).toBe(200);
    expect(form.headers.get("cache-control")).toBe("no-store");
    expect(await form.text()).toContain('name="next" value="/console?x=1"');
    const answer = await browser.post("/console/sign-in", {
      person: "Ada",
      token: "test-admin-token-0123456789",
      next: "/console?x=1",
    });
    expect(answer.status).toBe(303);
    expect(answer.headers.get("location")).toBe("/console?x=1");
  });

  it("exchanges the token for an HttpOnly, Secure, SameSite=Strict cookie with an expiry, and names the person", async () => {
    const browser = new ConsoleBrowser();
    const answer = await browser.signIn(undefined, "Grace Hopper");
    const cookie = answer.headers.getSetCookie().find((line) => line.startsWith("lookout_session="));
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\/console/);
    const expires = Date.parse(/Expires=([^;]+)/.exec(cookie ?? "")?.[1] ?? "");
    expect(expires - Date.now()).toBeGreaterThan(11 * 3_600_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(12 * 3_600_000);
    // The cookie holds a fresh secret, never the token.
    expect(cookie).not.toContain("test-admin-token");

    const page = await browser.page("/console");
    expect(page).toContain("Grace Hopper (bootstrap token)");
    expect(page).toContain(", admin.");
    const signIns = await auditActions("bootstrap");
    expect(
      signIns.some(
        (entry) => entry.action === "console.sign_in" && entry.actor.name === "Grace Hopper (bootstrap token)",
      ),
    ).toBe(true);
  });

  it("refuses a wrong token with 401 and sets no session", async () => {
    const browser = new ConsoleBrowser();
    const answer = await browser.signIn("lk_not-a-token", "Mallory");
    expect(answer.status).toBe(401);
    expect(await answer.text()).toContain("That token is not valid");
    expect(browser.cookies.has("lookout_session")).toBe(false);
    expect((await browser.get("/console")).status).toBe(303);
  });

  it("ends a session with its token: revoking the token signs its holder out at once", async () => {
    const token = await api("POST", "/tokens", { body: { name: "night shift", scopes: ["read", "incidents"] } });
    const browser = await signedIn(token.body.token, "Alan");
    const page = await (await browser.get("/console")).text();
    expect(page).toContain("Alan (token “night shift”)");
    expect((await api("DELETE", `/tokens/${token.body.id}`)).status).toBe(200);
    const after = await browser.get("/console");
    expect(after.status).toBe(303);
    expect(after.headers.get("location")).toContain("/console/sign-in");
  });

  it("signs out: the old cookie no longer opens anything, and the audit log says who left", async () => {
    const browser = await signedIn(undefined, "Katherine");
    const session = browser.cookies.get("lookout_session") as string;
    const out = await browser.post("/console/sign-out", {});
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/console/sign-in?notice=signed-out");
    expect(browser.cookies.has("lookout_session")).toBe(false);
    const replayed = await fetchWorker("/console", {
      headers: { cookie: `lookout_session=${session}` },
      redirect: "manual",
    });
    expect(replayed.status).toBe(303);
    const outs = await auditActions("bootstrap");
    expect(
      outs.some((entry) => entry.action === "console.sign_out" && entry.actor.name === "Katherine (bootstrap token)"),
    ).toBe(true);
  });

  it("never opens a session with another session's cookie", async () => {
    const browser = await signedIn(undefined, "Ada");
    const session = browser.cookies.get("lookout_session") as string;
    const other = new ConsoleBrowser();
    expect((await other.signIn(session, "Eve")).status).toBe(401);
  });

  it("goes only to console addresses after signing in", async () => {
    for (const next of [
      "https://evil.example/",
      "//evil.example/console",
      "/consolex",
      "/api/v1/tokens",
      "/console/\r\nset-cookie: x=1",
      "/console?a b",
    ]) {
      const browser = new ConsoleBrowser();
      await browser.get("/console/sign-in");
      const answer = await browser.post("/console/sign-in", {
        person: "Ada",
        token: "test-admin-token-0123456789",
        next,
      });
      expect(answer.headers.get("location"), next).toBe("/console");
    }
  });
});

describe("console forms refuse cross-site requests", () => {
  it("refuses a form without this browser's CSRF value, with another one, or from another site", async () => {
    const browser = new ConsoleBrowser();
    await browser.get("/console/sign-in");
    const fields = { person: "Ada", token: "test-admin-token-0123456789" };
    const missing = await browser.post("/console/sign-in", { ...fields, _csrf: "" });
    expect(missing.status).toBe(403);
    const other = await browser.post("/console/sign-in", { ...fields, _csrf: "0".repeat(32) });
    expect(other.status).toBe(403);
    const crossSite = await browser.post("/console/sign-in", fields, {
      origin: "https://evil.example",
      "sec-fetch-site": "cross-site",
    });
    expect(crossSite.status).toBe(403);
    expect(browser.cookies.has("lookout_session")).toBe(false);
    // The same form with the value signs in: the refusals above were the CSRF checks.
    expect((await browser.post("/console/sign-in", fields)).status).toBe(303);
  });

  it("refuses sign-out without the CSRF value: a link elsewhere cannot end a session", async () => {
    const browser = await signedIn();
    expect((await browser.post("/console/sign-out", { _csrf: "f".repeat(32) })).status).toBe(403);
    expect((await browser.get("/console")).status).toBe(200);
  });

  it("answers a form that is not URL-encoded with 415, and one too large with 413", async () => {
    const browser = new ConsoleBrowser();
    await browser.get("/console/sign-in");
    const json = await browser.post("/console/sign-in", {}, { "content-type": "application/json" });
    expect(json.status).toBe(415);
    const huge = await browser.post("/console/sign-in", { person: "x".repeat(300_000), token: "t" });
    expect(huge.status).toBe(413);
  });
});
