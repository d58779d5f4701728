import { describe, expect, it } from "vitest";
import { api } from "../../helpers/workers/api.ts";
import { signedIn, signedInAs } from "../../helpers/workers/console.ts";
import { auditFor } from "../../helpers/workers/console-api.ts";

async function register(path: string) {
  const made = await api("POST", "/webhooks", {
    body: { url: `https://hooks.example.com/${path}`, description: "Team chat" },
  });
  expect(made.status).toBe(201);
  return made.body as { id: string; secret: string };
}

// The first page a file asks for wakes the page object and renders cold: seconds on a busy machine.
describe("console webhooks", { timeout: 20_000 }, () => {
  it("lists endpoints by origin with their health; test, hold, lift, rotate, each audited under the person", async () => {
    const hook = await register("T0001/very-secret-path");
    const browser = await signedIn(undefined, "Ada Lovelace");
    const page = await (await browser.get("/console/webhooks")).text();
    expect(page).toContain('href="/console/webhooks"');
    expect(page).toContain("https://hooks.example.com");
    expect(page).not.toContain("very-secret-path");
    expect(page).not.toContain(hook.secret);

    expect((await browser.post(`/console/webhooks/${hook.id}/test`, {})).headers.get("location")).toBe(
      "/console/webhooks?notice=webhook-tested",
    );
    expect((await browser.post(`/console/webhooks/${hook.id}/hold`, {})).status).toBe(303);
    const held = await (await browser.get("/console/webhooks")).text();
    expect(held).toContain(`action="/console/webhooks/${hook.id}/lift"`);
    expect((await browser.post(`/console/webhooks/${hook.id}/lift`, { pending: "drop" })).status).toBe(303);

    const rotated = await browser.post(`/console/webhooks/${hook.id}/rotate`, { overlapSeconds: "3600" });
    expect(rotated.status).toBe(200);
    expect(rotated.headers.get("cache-control")).toBe("no-store");
    const html = await rotated.text();
    expect(html).toContain("this page will not show it again");
    const secret = (await api("GET", `/webhooks/${hook.id}/secret`)).body;
    expect(secret.previousSecret).toBe(hook.secret);
    expect(html).toContain(secret.secret);
    expect(await (await browser.get("/console/webhooks")).text()).not.toContain(secret.secret);

    const lines = await auditFor(hook.id);
    expect(lines.map((line) => line.action)).toEqual([
      "webhook.rotate_secret",
      "hold.lift",
      "hold.webhook",
      "webhook.test",
      "webhook.create",
    ]);
    expect(lines.slice(0, 4).every((line) => line.actor.name === "Ada Lovelace (bootstrap token)")).toBe(true);
  });

  it("enables a disabled endpoint again, audited under the person; refused without the scope or the CSRF value", async () => {
    const hook = await register("T0002/was-disabled");
    const disabled = await api("PATCH", `/webhooks/${hook.id}`, { body: { enabled: false } });
    expect(disabled.status).toBe(200);
    const isEnabled = async () => (await api("GET", `/webhooks/${hook.id}`)).body.enabled as boolean;
    const actions = async () => (await auditFor(hook.id)).map((line) => line.action);
    expect(await isEnabled()).toBe(false);
    const enable = `/console/webhooks/${hook.id}/enable`;

    // A communicator has no `subscribers` scope: no page, and a forced post is refused by the API.
    const comms = await signedInAs("communicator", "Grace Hopper");
    const refused = await comms.post(enable, {});
    expect(refused.status).toBe(403);
    expect(await refused.text()).not.toContain("hooks.example.com");

    // The right role without this browser's CSRF value.
    const browser = await signedIn(undefined, "Ada Lovelace");
    const page = await (await browser.get("/console/webhooks")).text();
    expect(page).toContain(`action="${enable}"`);
    expect((await browser.post(enable, { _csrf: "" })).status).toBe(403);
    expect((await browser.post(enable, { _csrf: "2".repeat(32) })).status).toBe(403);
    expect(await isEnabled()).toBe(false);
    expect(await actions()).toEqual(["webhook.edit", "webhook.create"]);

    const enabled = await browser.post(enable, {});
    expect(enabled.status).toBe(303);
    expect(enabled.headers.get("location")).toBe("/console/webhooks?notice=webhook-enabled");
    expect(await isEnabled()).toBe(true);
    const lines = await auditFor(hook.id);
    expect(lines.map((line) => line.action)).toEqual(["webhook.edit", "webhook.edit", "webhook.create"]);
    expect(lines[0]?.actor.name).toBe("Ada Lovelace (bootstrap token)");
    expect(await (await browser.get("/console/webhooks")).text()).not.toContain(`action="${enable}"`);
  });

  it("deletes after a confirm step that needs no script", async () => {
    const hook = await register("to-delete");
    const browser = await signedIn(undefined, "Ada Lovelace");
    await browser.get("/console/webhooks");
    const confirm = await browser.page(`/console/webhooks/${hook.id}/delete`);
    expect(confirm).toContain("Delete the webhook to https://hooks.example.com?");
    expect((await browser.post(`/console/webhooks/${hook.id}/delete`, {})).status).toBe(303);
    expect((await api("GET", `/webhooks/${hook.id}`)).status).toBe(200);
    const done = await browser.post(`/console/webhooks/${hook.id}/delete`, { confirm: "yes" });
    expect(done.headers.get("location")).toBe("/console/webhooks?notice=webhook-deleted");
    expect((await api("GET", `/webhooks/${hook.id}`)).status).toBe(404);
    expect((await auditFor(hook.id))[0]).toMatchObject({
      action: "webhook.delete",
      actor: { name: "Ada Lovelace (bootstrap token)" },
    });
  });

  it("names the field of a bad rotation (400), keeping the secret", async () => {
    const hook = await register("bad-input");
    const browser = await signedIn();
    await browser.get("/console/webhooks");
    const bad = await browser.post(`/console/webhooks/${hook.id}/rotate`, { overlapSeconds: "forever" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("<code>overlapSeconds</code>");
    expect((await api("GET", `/webhooks/${hook.id}/secret`)).body.secret).toBe(hook.secret);
  });

  it("is not in a communicator's console, and the API refuses forced writes", async () => {
    const hook = await register("protected");
    const browser = await signedInAs("communicator", "Grace Hopper");
    expect(await (await browser.get("/console")).text()).not.toContain('href="/console/webhooks"');
    expect((await browser.get("/console/webhooks")).status).toBe(403);
    expect((await browser.post(`/console/webhooks/${hook.id}/rotate`, { overlapSeconds: "0" })).status).toBe(403);
    expect((await browser.post(`/console/webhooks/${hook.id}/delete`, { confirm: "yes" })).status).toBe(403);
    expect((await api("GET", `/webhooks/${hook.id}/secret`)).body.secret).toBe(hook.secret);
    expect((await auditFor(hook.id)).map((line) => line.action)).toEqual(["webhook.create"]);
  });

  it("refuses a post without this browser's CSRF value, writing nothing", async () => {
    const hook = await register("forged");
    const browser = await signedIn();
    await browser.get("/console/webhooks");
    expect((await browser.post(`/console/webhooks/${hook.id}/delete`, { confirm: "yes", _csrf: "" })).status).toBe(403);
    expect((await browser.post(`/console/webhooks/${hook.id}/rotate`, { _csrf: "1".repeat(32) })).status).toBe(403);
    expect((await api("GET", `/webhooks/${hook.id}/secret`)).body.secret).toBe(hook.secret);
    expect((await auditFor(hook.id)).map((line) => line.action)).toEqual(["webhook.create"]);
  });
});
