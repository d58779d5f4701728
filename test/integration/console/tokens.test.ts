import { describe, expect, it } from "vitest";
import { ROLES } from "../../../worker/core/access/roles.ts";
import { api } from "../../helpers/workers/api.ts";
import { signedIn, signedInAs } from "../../helpers/workers/console.ts";
import { newestAuditLine } from "../../helpers/workers/console-api.ts";

async function tokens() {
  return (await api("GET", "/tokens")).body.data as {
    id: string;
    name: string;
    scopes: string[];
    revokedAt: string | null;
  }[];
}

// The first page a file asks for wakes the page object and renders cold: seconds on a busy machine.
describe("console tokens", { timeout: 20_000 }, () => {
  it("creates a token from a role preset and shows its secret once, on the answer itself, never cached", async () => {
    const browser = await signedIn(undefined, "Ada Lovelace");
    const list = await (await browser.get("/console/tokens")).text();
    expect(list).toContain('href="/console/tokens"');
    expect(list).toContain('action="/console/tokens"');
    const answer = await browser.post("/console/tokens", { name: "Pager duty", role: "operator" });
    expect(answer.status).toBe(201);
    expect(answer.headers.get("cache-control")).toBe("no-store");
    const html = await answer.text();
    expect(html).toContain("It will not be shown again");
    const secret = /<code>(lk_[0-9a-f]{40})<\/code>/.exec(html)?.[1];
    expect(secret).toBeDefined();
    const made = (await tokens()).find((token) => token.name === "Pager duty");
    expect(made?.scopes).toEqual([...ROLES.operator]);
    // The secret works, and the list never shows it again.
    expect((await api("GET", "/flags", { token: secret })).status).toBe(200);
    const again = await (await browser.get("/console/tokens")).text();
    expect(again).not.toContain(secret);
    expect(again).toContain("Pager duty");
    expect(again).toMatch(/<strong>operator<\/strong>/);
    const line = await newestAuditLine();
    expect(line).toMatchObject({ action: "token.create", actor: { name: "Ada Lovelace (bootstrap token)" } });
  });

  it("creates a token from chosen scopes, and refuses a role it cannot grant with the API's message", async () => {
    const admin = await signedIn();
    const custom = await admin.post("/console/tokens", {
      name: "token keeper",
      role: "custom",
      scope: ["read", "tokens"],
    });
    expect(custom.status).toBe(201);
    const secret = /<code>(lk_[0-9a-f]{40})<\/code>/.exec(await custom.text())?.[1] as string;
    expect((await tokens()).find((token) => token.name === "token keeper")?.scopes).toEqual(["read", "tokens"]);

    const keeper = await signedIn(secret, "Grace Hopper");
    await keeper.get("/console/tokens");
    const count = (await tokens()).length;
    const refused = await keeper.post("/console/tokens", { name: "too wide", role: "operator" });
    expect(refused.status).toBe(403);
    const html = await refused.text();
    expect(html).toContain("this token cannot grant scopes it does not hold");
    expect(html).toContain('value="too wide"');
    expect((await tokens()).length).toBe(count);
  });

  it("names the field when the input is wrong: no scopes ticked, no name", async () => {
    const browser = await signedIn();
    await browser.get("/console/tokens");
    const count = (await tokens()).length;
    const none = await browser.post("/console/tokens", { name: "empty", role: "custom" });
    expect(none.status).toBe(400);
    expect(await none.text()).toContain("<code>scopes</code>");
    const nameless = await browser.post("/console/tokens", { name: " ", role: "viewer" });
    expect(nameless.status).toBe(400);
    expect(await nameless.text()).toContain("<code>name</code>");
    expect((await tokens()).length).toBe(count);
  });

  it("revokes after a confirm step that needs no script, audited under the person", async () => {
    const made = await api("POST", "/tokens", { body: { name: "old laptop", scopes: ["read"] } });
    const browser = await signedIn(undefined, "Ada Lovelace");
    const list = await (await browser.get("/console/tokens")).text();
    expect(list).toContain(`action="/console/tokens/${made.body.id}/revoke"`);
    expect(await browser.page(`/console/tokens/${made.body.id}/revoke`)).toContain("Revoke “old laptop”?");
    // A post without the confirmation goes back to the confirm step and revokes nothing.
    const unconfirmed = await browser.post(`/console/tokens/${made.body.id}/revoke`, {});
    expect(unconfirmed.status).toBe(303);
    expect((await tokens()).find((token) => token.id === made.body.id)?.revokedAt).toBeNull();
    const done = await browser.post(`/console/tokens/${made.body.id}/revoke`, { confirm: "yes" });
    expect(done.headers.get("location")).toBe("/console/tokens?notice=token-revoked");
    expect((await tokens()).find((token) => token.id === made.body.id)?.revokedAt).not.toBeNull();
    expect((await api("GET", "/flags", { token: made.body.token })).status).toBe(401);
    const line = await newestAuditLine();
    expect(line).toMatchObject({
      action: "token.revoke",
      target: made.body.id,
      actor: { name: "Ada Lovelace (bootstrap token)" },
    });
  });

  it("hides tokens from an operator, and the API refuses a forced create or revoke", async () => {
    const browser = await signedInAs("operator", "Grace Hopper");
    const victim = await api("POST", "/tokens", { body: { name: "victim", scopes: ["read"] } });
    const dashboard = await (await browser.get("/console")).text();
    expect(dashboard).not.toContain('href="/console/tokens"');
    expect((await browser.get("/console/tokens")).status).toBe(403);
    const count = (await tokens()).length;
    expect((await browser.post("/console/tokens", { name: "mine", role: "viewer" })).status).toBe(403);
    expect((await browser.post(`/console/tokens/${victim.body.id}/revoke`, { confirm: "yes" })).status).toBe(403);
    expect((await tokens()).length).toBe(count);
    expect((await tokens()).find((token) => token.id === victim.body.id)?.revokedAt).toBeNull();
  });

  it("refuses a create or revoke without this browser's CSRF value, writing nothing", async () => {
    const victim = await api("POST", "/tokens", { body: { name: "kept", scopes: ["read"] } });
    const browser = await signedIn();
    await browser.get("/console/tokens");
    const count = (await tokens()).length;
    expect((await browser.post("/console/tokens", { name: "forged", role: "admin", _csrf: "" })).status).toBe(403);
    const revoke = await browser.post(`/console/tokens/${victim.body.id}/revoke`, {
      confirm: "yes",
      _csrf: "0".repeat(32),
    });
    expect(revoke.status).toBe(403);
    expect((await tokens()).length).toBe(count);
    expect((await tokens()).find((token) => token.id === victim.body.id)?.revokedAt).toBeNull();
  });
});
