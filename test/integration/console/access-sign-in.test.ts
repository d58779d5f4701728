import { runInDurableObject } from "cloudflare:test";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sha256Hex } from "../../../worker/core/access/sha256.ts";
import type { ApiCall, ApiResult } from "../../../worker/core/api/contract.ts";
import { OPERATIONS, type OperationId, type OperationSpec } from "../../../worker/core/api/operations.ts";
import type { ConsoleConfig } from "../../../worker/core/config/console-schema.ts";
import { accessClaims, jwksOf, makeKey, signJwt, type TestKey } from "../../helpers/access-jwt.ts";
import { api } from "../../helpers/workers/api.ts";
import { ConsoleBrowser, signedIn } from "../../helpers/workers/console.ts";
import { targetStats, targets, targetUrl } from "../../helpers/workers/targets.ts";
import { pageObject, smallConfig } from "../../helpers/workers/worker.ts";

/**
 * Cloudflare Access in front of the console, against a real key set served
 * over HTTP from 127.0.0.1: the test's own team publishes its JWKS through
 * the targets server's relay (PUT once, then GET like any team's
 * /cdn-cgi/access/certs), and signs JWTs with the private halves.
 */
const AUD = "aud-4714c1358e65fe4b408ad6d4";
const ADA = "ada@acme.example";
const JWT_HEADER = "cf-access-jwt-assertion";

let key: TestKey;
let impostor: TestKey;
let teamDomain: string;
let relayKey: string;

/** A fresh team (its own relay key, so the edge's key cache starts empty) publishing `keys`. */
async function publishTeam(...keys: TestKey[]): Promise<void> {
  relayKey = `jwks-${crypto.randomUUID().slice(0, 8)}`;
  const put = await fetch(targetUrl(`/relay/${relayKey}`), {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: jwksOf(...keys),
  });
  expect(put.status).toBe(204);
  teamDomain = targetUrl(`/relay/${relayKey}`);
}

async function applyAccess(access: ConsoleConfig["access"], people: ConsoleConfig["people"] = []) {
  await pageObject().reconcile({ ...smallConfig, console: { ...smallConfig.console, access, people } });
}

const jwtFor = (email: string, extra: Record<string, unknown> = {}, signer = key) =>
  signJwt(signer, { ...accessClaims(teamDomain, AUD, email), ...extra });

async function throughAccess(browser: ConsoleBrowser, jwt: string | null, path = "/console") {
  return browser.get(path, jwt ? { [JWT_HEADER]: jwt } : {});
}

/** An API operation with the browser's session as the credential, as the console's forms make them. */
async function asSession(browser: ConsoleBrowser, operation: OperationId, body?: unknown) {
  const secret = browser.cookies.get("lookout_session") ?? "";
  const spec: OperationSpec = OPERATIONS[operation];
  const call: ApiCall = {
    operation,
    credentialHash: await sha256Hex(secret),
    credentialKind: "session",
    params: {},
    query: spec.query.parse({}),
    body: spec.body ? spec.body.parse(body) : undefined,
    ifMatch: null,
    idempotencyKey: null,
    requestHash: null,
  };
  // Through the RPC stub the result's `body: unknown` types as never; status is all these tests read.
  return (await pageObject().api(call)) as unknown as ApiResult;
}

async function lastAudit(action: string) {
  const log = await api("GET", "/audit?limit=50");
  return (log.body.data as { action: string; actor: { id: string; name: string }; target: string | null }[]).find(
    (entry) => entry.action === action,
  );
}

beforeAll(async () => {
  key = await makeKey("2026-current");
  // The same kid with another key: a forger's token.
  impostor = await makeKey("2026-current");
  // The page's object starts (migrations, the deployed config's reconcile) here, not in a test's time.
  await pageObject().reconcile(smallConfig);
}, 60_000);

beforeEach(async () => {
  await publishTeam(key);
  await applyAccess({ teamDomain, audience: AUD }, [{ email: "Ada@Acme.example", role: "communicator" }]);
});

describe("signing in to the console through Cloudflare Access", () => {
  it("opens the dashboard for a valid JWT, acting with the mapped role's scopes under the person's email", async () => {
    const browser = new ConsoleBrowser();
    const page = await throughAccess(browser, await jwtFor("ADA@acme.example"));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`${ADA} (Cloudflare Access)`);
    expect(html).toContain(", communicator.");
    const cookie = page.headers.getSetCookie().find((line) => line.startsWith("lookout_session="));
    for (const attribute of [/; HttpOnly/, /; Secure/, /; SameSite=Strict/, /; Path=\/console/]) {
      expect(cookie).toMatch(attribute);
    }
    expect(await lastAudit("console.sign_in")).toMatchObject({
      actor: { id: `access:${ADA}` },
      target: `access:${ADA}`,
    });

    // The session acts as the communicator: it may declare, it may not read the tokens.
    const declared = await asSession(browser, "incidents.create", { name: "Access works", message: "Checking." });
    expect(declared.status).toBe(201);
    expect(await lastAudit("incident.create")).toMatchObject({ actor: { name: `${ADA} (Cloudflare Access)` } });
    expect((await asSession(browser, "tokens.list")).status).toBe(403);

    // Later requests keep the session while the JWT keeps naming the same person.
    const again = await throughAccess(browser, await jwtFor(ADA));
    expect(again.status).toBe(200);
    expect(again.headers.getSetCookie().some((line) => line.startsWith("lookout_session="))).toBe(false);
  });

  it.each([
    ["an expired JWT", () => jwtFor(ADA, { exp: Math.floor(Date.now() / 1000) - 3_600 }), "has expired"],
    ["another application's audience", () => jwtFor(ADA, { aud: ["another-app"] }), "another Access application"],
    ["a JWT signed by another key under the team's kid", () => jwtFor(ADA, {}, impostor), "signature does not match"],
    [
      "a kid the team's key set does not hold",
      () => signJwt(key, accessClaims(teamDomain, AUD, ADA), { kid: "old" }),
      "key set does not hold",
    ],
    ["a malformed JWT", async () => "not.a.jwt", "not a well-formed JWT"],
  ])("refuses %s with a 403 that says why, and opens no session", async (_name, make, why) => {
    const browser = new ConsoleBrowser();
    const page = await throughAccess(browser, await make());
    expect(page.status).toBe(403);
    const html = await page.text();
    expect(html).toContain(why);
    expect(html).toContain('href="/console/sign-in"');
    expect(browser.cookies.has("lookout_session")).toBe(false);
  });

  it("keeps at most a few live Access sessions per person, however many cookie-less visits open one", async () => {
    for (let visit = 0; visit < 8; visit++) {
      // A link from another site arrives without the SameSite=Strict cookie: each visit opens a session.
      expect((await throughAccess(new ConsoleBrowser(), await jwtFor("ada@acme.example"))).status).toBe(200);
    }
    const live = await runInDurableObject(
      pageObject(),
      (_instance, state) =>
        state.storage.sql
          .exec<{ n: number }>(
            `SELECT COUNT(*) AS n FROM console_sessions WHERE kind = 'access' AND person = ? AND ended_at IS NULL`,
            "ada@acme.example",
          )
          .one().n,
    );
    expect(live).toBeLessThanOrEqual(5);
    expect(live).toBeGreaterThan(0);
  });

  it("asks the team's key set for an unknown kid at most once a minute", async () => {
    const browser = new ConsoleBrowser();
    expect((await throughAccess(browser, await jwtFor(ADA))).status).toBe(200);
    expect((await targetStats("relay", relayKey))?.requests).toBe(1);
    for (const kid of ["made-up-1", "made-up-2", "made-up-3"]) {
      const stranger = await signJwt(key, accessClaims(teamDomain, AUD, ADA), { kid });
      expect((await throughAccess(new ConsoleBrowser(), stranger)).status).toBe(403);
    }
    expect((await targetStats("relay", relayKey))?.requests).toBe(1);
  });

  it("shows someone without a role a 403 naming their email and how to get one, never the console", async () => {
    const browser = new ConsoleBrowser();
    const page = await throughAccess(browser, await jwtFor("Grace@Acme.example"));
    expect(page.status).toBe(403);
    const html = await page.text();
    expect(html).toContain("grace@acme.example");
    expect(html).toContain("console.people");
    expect(html).toContain("PUT /api/v1/people/grace@acme.example");
    expect(html).not.toContain("Sign out");
    expect(browser.cookies.has("lookout_session")).toBe(false);
  });

  it("gives a person the API mapped their role; a change applies on their next request, a removal ends it", async () => {
    const bob = "bob@acme.example";
    const mapped = await api("PUT", `/people/${encodeURIComponent("Bob@Acme.example")}`, { body: { role: "viewer" } });
    expect(mapped.status).toBe(200);
    expect(mapped.body).toMatchObject({ email: bob, role: "viewer", source: "api" });
    expect(await lastAudit("person.set_role")).toMatchObject({ target: bob, actor: { id: "bootstrap" } });

    const browser = new ConsoleBrowser();
    const first = await throughAccess(browser, await jwtFor(bob));
    expect(first.status).toBe(200);
    expect(await first.text()).toContain(", viewer.");
    expect((await asSession(browser, "incidents.list")).status).toBe(200);
    expect((await asSession(browser, "flags.set", { value: null })).status).toBe(403);

    expect((await api("PUT", `/people/${bob}`, { body: { role: "operator" } })).status).toBe(200);
    const promoted = await throughAccess(browser, await jwtFor(bob));
    expect(await promoted.text()).toContain(", operator.");
    expect((await asSession(browser, "audit.list")).status).toBe(200);

    expect((await api("DELETE", `/people/${bob}`)).status).toBe(200);
    expect((await asSession(browser, "incidents.list")).status).toBe(401);
    const gone = await throughAccess(browser, await jwtFor(bob));
    expect(gone.status).toBe(403);
    expect(await gone.text()).toContain(bob);
    expect(browser.cookies.has("lookout_session")).toBe(false);
  });

  it("ends an Access session when the JWT goes missing or names someone else", async () => {
    await applyAccess({ teamDomain, audience: AUD }, [
      { email: ADA, role: "communicator" },
      { email: "bob@acme.example", role: "viewer" },
    ]);
    const browser = new ConsoleBrowser();
    expect((await throughAccess(browser, await jwtFor(ADA))).status).toBe(200);
    const adaSession = browser.cookies.get("lookout_session");

    const switched = await throughAccess(browser, await jwtFor("bob@acme.example"));
    expect(switched.status).toBe(200);
    expect(await switched.text()).toContain("bob@acme.example (Cloudflare Access)");
    expect(browser.cookies.get("lookout_session")).not.toBe(adaSession);
    const ada = new ConsoleBrowser();
    ada.cookies.set("lookout_session", adaSession ?? "");
    expect((await asSession(ada, "incidents.list")).status).toBe(401);

    const bare = await throughAccess(browser, null);
    expect(bare.status).toBe(303);
    expect(bare.headers.get("location")).toMatch(/^\/console\/sign-in/);
    expect(browser.cookies.has("lookout_session")).toBe(false);
  });

  it("signs an Access person out of Access too, so its JWT does not sign them straight back in", async () => {
    const browser = new ConsoleBrowser();
    expect((await throughAccess(browser, await jwtFor(ADA))).status).toBe(200);
    const session = browser.cookies.get("lookout_session");
    const out = await browser.post("/console/sign-out", {}, { [JWT_HEADER]: await jwtFor(ADA) });
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/cdn-cgi/access/logout");
    const old = new ConsoleBrowser();
    old.cookies.set("lookout_session", session ?? "");
    expect((await asSession(old, "incidents.list")).status).toBe(401);
    expect(await lastAudit("console.sign_out")).toMatchObject({ actor: { id: `access:${ADA}` } });
  });

  it("refuses clearly, without a 500, when the team's key set cannot be read", async () => {
    const down = `http://${targets.refused.hostname}:${targets.refused.port}`;
    await applyAccess({ teamDomain: down, audience: AUD }, [{ email: ADA, role: "admin" }]);
    const browser = new ConsoleBrowser();
    const page = await throughAccess(browser, await signJwt(key, accessClaims(down, AUD, ADA)));
    expect(page.status).toBe(503);
    const html = await page.text();
    expect(html).toContain("could not be read");
    expect(html).toContain(down);
    expect(browser.cookies.has("lookout_session")).toBe(false);

    // A key set that answers with something else is no key set either.
    const broken = targetUrl("/status/500");
    await applyAccess({ teamDomain: broken, audience: AUD }, [{ email: ADA, role: "admin" }]);
    expect((await throughAccess(browser, await signJwt(key, accessClaims(broken, AUD, ADA)))).status).toBe(503);
  });

  it("keeps token sign-in open as the break-glass way in, with or without a JWT", async () => {
    const browser = await signedIn(undefined, "Grace Hopper");
    const page = await throughAccess(browser, await jwtFor(ADA));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Grace Hopper (bootstrap token)");
    expect((await throughAccess(browser, null)).status).toBe(200);
  });
});

describe("people and roles through the API", () => {
  it("lists the config's people and the API's, with where each comes from", async () => {
    expect((await api("PUT", "/people/carol@acme.example", { body: { role: "admin" } })).status).toBe(200);
    const listed = await api("GET", "/people");
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ email: ADA, role: "communicator", source: "config" }),
        expect.objectContaining({
          email: "carol@acme.example",
          role: "admin",
          source: "api",
          createdBy: "bootstrap token (ADMIN_TOKEN)",
        }),
      ]),
    );
  });

  it("lets the config win: the API can neither change nor remove a person the config names", async () => {
    const changed = await api("PUT", `/people/${ADA}`, { body: { role: "admin" } });
    expect(changed.status).toBe(409);
    expect(changed.body.error.message).toContain("console.people");
    expect((await api("DELETE", `/people/${ADA}`)).status).toBe(409);
    const listed = await api("GET", "/people");
    expect(listed.body.data.find((p: { email: string }) => p.email === ADA)).toMatchObject({ role: "communicator" });
  });

  it("refuses a role beyond the caller's scopes, a role that does not exist, a bad address, and callers without `tokens`", async () => {
    const granter = await api("POST", "/tokens", { body: { name: "granter", scopes: ["tokens", "read"] } });
    const beyond = await api("PUT", "/people/dan@acme.example", { token: granter.body.token, body: { role: "admin" } });
    expect(beyond.status).toBe(403);
    const badRole = await api("PUT", "/people/dan@acme.example", { body: { role: "owner" } });
    expect(badRole.status).toBe(400);
    expect(JSON.stringify(badRole.body.error.fields)).toContain("role");
    expect((await api("PUT", "/people/not-an-address", { body: { role: "viewer" } })).status).toBe(404);
    expect((await api("DELETE", "/people/nobody@acme.example")).status).toBe(404);
    const reader = await api("POST", "/tokens", { body: { name: "reader", scopes: ["read", "incidents"] } });
    expect((await api("GET", "/people", { token: reader.body.token })).status).toBe(403);
    const listed = await api("GET", "/people");
    expect(listed.body.data.some((p: { email: string }) => p.email === "dan@acme.example")).toBe(false);
  });

  it("exports the API's people in a backup", async () => {
    await api("PUT", "/people/erin@acme.example", { body: { role: "operator" } });
    const exported = await api("GET", "/export");
    expect(exported.status).toBe(200);
    const table = exported.body.tables.console_people;
    expect(table.columns).toContain("email");
    expect(JSON.stringify(table.rows)).toContain("erin@acme.example");
  });
});
