import { describe, expect, it } from "vitest";
import { api } from "../../helpers/workers/api.ts";
import { signedIn, signedInAs } from "../../helpers/workers/console.ts";
import { auditFor } from "../../helpers/workers/console-api.ts";
import { addSubscriber } from "../../helpers/workers/subscriber-rows.ts";

// The first page a file asks for wakes the page object and renders cold: seconds on a busy machine.
describe("console subscribers", { timeout: 20_000 }, () => {
  it("counts by state, finds an address, removes it under the person's name, and shows no address unasked", async () => {
    const id = await addSubscriber("remove-me@acme.example", "confirmed", "csub");
    await addSubscriber("stay@acme.example", "pending", "csub");
    await addSubscriber("gone@other.example", "bounced", "csub");
    const browser = await signedIn(undefined, "Ada Lovelace");
    const page = await (await browser.get("/console/subscribers")).text();
    expect(page).toContain('href="/console/subscribers"');
    expect(page).toMatch(/confirmed <strong>1<\/strong>/);
    expect(page).toMatch(/bounced <strong>1<\/strong>/);
    expect(page).not.toContain("remove-me@acme.example");

    const found = await (await browser.get("/console/subscribers?q=REMOVE-me")).text();
    expect(found).toContain("remove-me@acme.example");
    expect(found).not.toContain("stay@acme.example");
    expect(found).toContain(`action="/console/subscribers/${id}/remove"`);
    const exact = await (await browser.get("/console/subscribers?q=stay@acme.example&match=exact")).text();
    expect(exact).toContain("stay@acme.example");

    const removed = await browser.post(`/console/subscribers/${id}/remove`, { confirm: "yes" });
    expect(removed.status).toBe(303);
    expect(removed.headers.get("location")).toBe("/console/subscribers?notice=subscriber-removed");
    expect((await api("GET", "/subscribers?q=remove-me")).body.data).toEqual([]);
    expect((await auditFor(id))[0]).toMatchObject({
      action: "subscriber.remove",
      actor: { name: "Ada Lovelace (bootstrap token)" },
    });
  });

  it("holds and lifts a mail domain", async () => {
    const browser = await signedIn(undefined, "Ada Lovelace");
    await browser.get("/console/subscribers");
    expect((await browser.post("/console/subscribers/holds", { domain: "Noisy.Example" })).status).toBe(303);
    const held = await (await browser.get("/console/subscribers")).text();
    expect(held).toContain('action="/console/subscribers/holds/noisy.example/lift"');
    expect((await browser.post("/console/subscribers/holds/noisy.example/lift", { pending: "drop" })).status).toBe(303);
    const lines = await auditFor("noisy.example");
    expect(lines.map((line) => line.action)).toEqual(["hold.lift", "hold.domain"]);
    expect(lines.every((line) => line.actor.name === "Ada Lovelace (bootstrap token)")).toBe(true);
  });

  it("names the field of bad input: a search too short, no confirmation, no domain", async () => {
    const id = await addSubscriber("kept@acme.example", "confirmed", "csub");
    const browser = await signedIn();
    expect(await browser.page("/console/subscribers?q=ab", 400)).toContain("<code>q</code>");
    const unconfirmed = await browser.post(`/console/subscribers/${id}/remove`, {});
    expect(unconfirmed.status).toBe(400);
    expect(await unconfirmed.text()).toContain("<code>confirm</code>");
    const noDomain = await browser.post("/console/subscribers/holds", { domain: "not a domain" });
    expect(noDomain.status).toBe(400);
    expect(await noDomain.text()).toContain("<code>domain</code>");
    expect((await api("GET", "/subscribers?q=kept@acme.example&match=exact")).body.data).toHaveLength(1);
  });

  it("refuses a malformed domain (400 naming the field) and keeps what was typed, holding nothing", async () => {
    const browser = await signedIn();
    await browser.get("/console/subscribers");
    const holdsBefore = (await api("GET", "/holds")).body.data.length;
    for (const domain of ["a..b", "-bad.example", "bad-.example", "nodot", ".example", "bad domain!.example"]) {
      const refused = await browser.post("/console/subscribers/holds", { domain });
      expect(refused.status, domain).toBe(400);
      const page = await refused.text();
      expect(page).toContain("<code>domain</code>");
      expect(/<input id="hold-domain"[^>]*>/.exec(page)?.[0]).toContain(`value="${domain}"`);
    }
    expect((await api("GET", "/holds")).body.data).toHaveLength(holdsBefore);
    // The API itself answers the same domain as no domain at all.
    expect((await api("PUT", "/holds/domains/a..b")).status).toBe(404);
  });

  it("says there was no hold when lifting a domain that is not held", async () => {
    const browser = await signedIn();
    await browser.get("/console/subscribers");
    const answer = await browser.post("/console/subscribers/holds/never-held.example/lift", { pending: "send" });
    expect(answer.status).toBe(303);
    expect(answer.headers.get("location")).toBe("/console/subscribers?notice=domain-not-held");
    const page = await (await browser.get(answer.headers.get("location") as string)).text();
    expect(page).toContain("was not held");
    expect(page).not.toContain("Hold lifted.");
  });

  it("is not in a communicator's console, and the API refuses a forced removal", async () => {
    const id = await addSubscriber("private@acme.example", "confirmed", "csub");
    const browser = await signedInAs("communicator", "Grace Hopper");
    expect(await (await browser.get("/console")).text()).not.toContain('href="/console/subscribers"');
    expect(await browser.page("/console/subscribers?q=private", 403)).not.toContain("private@acme.example");
    expect((await browser.post(`/console/subscribers/${id}/remove`, { confirm: "yes" })).status).toBe(403);
    expect((await browser.post("/console/subscribers/holds", { domain: "acme.example" })).status).toBe(403);
    expect((await api("GET", "/subscribers?q=private")).body.data).toHaveLength(1);
    expect(await auditFor(id)).toEqual([]);
  });

  it("refuses a removal without this browser's CSRF value, writing nothing", async () => {
    const id = await addSubscriber("forged@acme.example", "confirmed", "csub");
    const browser = await signedIn();
    await browser.get("/console/subscribers");
    expect((await browser.post(`/console/subscribers/${id}/remove`, { confirm: "yes", _csrf: "" })).status).toBe(403);
    expect((await api("GET", "/subscribers?q=forged")).body.data).toHaveLength(1);
    expect(await auditFor(id)).toEqual([]);
  });
});
