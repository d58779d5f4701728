import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../worker/app.tsx";
import { api } from "../../helpers/workers/api.ts";
import { signedIn, signedInAs } from "../../helpers/workers/console.ts";
import { declaredThroughApi, newestAuditLine } from "../../helpers/workers/console-api.ts";

/** The public incident page exactly as readers get it, without the edge cache's few seconds of freshness. */
const app = createApp({ freshMs: 0, maxStaleMs: 0, sharedCache: () => null });
const publicPage = async (path: string) => (await app.request(path, {}, env)).text();

const declare = (body: Record<string, unknown> = {}) =>
  declaredThroughApi({
    name: "Room incident",
    message: "We are looking into it.",
    components: { api: "partial_outage" },
    ...body,
  });

const updatesOf = async (id: string) => (await api("GET", `/incidents/${id}`)).body.updates.length as number;

describe("the incident room", { timeout: 60_000 }, () => {
  it("shows the incident, its roles, its public timeline and components, with the forms a communicator may use", async () => {
    const { id } = await declare({ lead: "Ada", scribe: "Margaret", impact: "major" });
    const browser = await signedIn();
    const room = await browser.get(`/console/incidents/${id}`);
    expect(room.status).toBe(200);
    expect(room.headers.get("cache-control")).toBe("no-store");
    const html = await room.text();
    expect(html).toContain("<h1>Room incident</h1>");
    expect(html).toContain("Major impact");
    expect(html).toMatch(/<dt>Lead<\/dt><dd class="role">Ada<\/dd>/);
    expect(html).toMatch(/<dt>Scribe<\/dt><dd class="role">Margaret<\/dd>/);
    expect(html).toMatch(/<dt>Investigator<\/dt><dd class="role">Unassigned<\/dd>/);
    expect(html).toContain("We are looking into it.");
    expect(html).toContain("REST API: Operational → Partial outage");
    expect(html).toContain(`action="/console/incidents/${id}/updates"`);
    expect(html).toContain(`action="/console/incidents/${id}/notes"`);
    expect(html).toContain(`action="/console/incidents/${id}/edit"`);
    expect(html).toContain(`href="/console/incidents/${id}/report"`);
    expect(html).toMatch(/<select id="component-api" name="component.api">/);
  });

  it("shows a viewer the room read-only, and answers a viewer's forced post 403 with nothing written", async () => {
    const { id } = await declare();
    const browser = await signedInAs("viewer", "Vera Viewer");
    const html = await (await browser.get(`/console/incidents/${id}`)).text();
    expect(html).toContain("We are looking into it.");
    expect(html).toContain("Internal timeline");
    expect(html).not.toContain('<form method="post" action="/console/incidents/');
    const before = await updatesOf(id);
    const forced = await browser.post(`/console/incidents/${id}/updates`, {
      action: "post",
      status: "identified",
      message: "Forced by a viewer.",
      notify: "on",
    });
    expect(forced.status).toBe(403);
    expect(await forced.text()).toContain('<div class="problems" role="alert">');
    expect(await updatesOf(id)).toBe(before);
    const note = await browser.post(`/console/incidents/${id}/notes`, { message: "Forced note." });
    expect(note.status).toBe(403);
    expect((await api("GET", `/incidents/${id}/notes`)).body.data).toEqual([]);
    const roles = await browser.post(`/console/incidents/${id}/edit`, { form: "roles", lead: "Mallory", etag: '"r1"' });
    expect(roles.status).toBe(403);
    expect((await api("GET", `/incidents/${id}`)).body.lead).toBeNull();
  });

  it("previews exactly what an update publishes, and writes nothing", async () => {
    const { id } = await declare();
    const browser = await signedIn();
    await browser.get(`/console/incidents/${id}`);
    const before = await api("GET", `/incidents/${id}`);
    const preview = await browser.post(`/console/incidents/${id}/updates`, {
      action: "preview",
      status: "identified",
      message: "A bad deploy; rolling back.",
      "component.api": "major_outage",
      notify: "on",
    });
    expect(preview.status).toBe(200);
    const html = await preview.text();
    expect(html).toContain("Preview (nothing is posted yet)");
    expect(html).toContain("<strong>Notifies.</strong>");
    // The public views' rendering, the mail the outbox would send, the webhook body.
    expect(html).toContain('<h3>Identified</h3><p class="body">A bad deploy; rolling back.</p>');
    expect(html).toContain('<strong class="mail-subject">[Identified] Room incident</strong>');
    expect(html).toContain("Now: Core platform - REST API: Major outage");
    expect(html).toContain(`https://status.test/incidents/${id}`);
    expect(html).toContain("&quot;event_type&quot;: &quot;incident.updated&quot;");
    expect(html).toContain("&quot;body&quot;: &quot;A bad deploy; rolling back.&quot;");
    // What was typed stays in the form.
    expect(html).toMatch(/<option value="identified" selected="">Identified<\/option>/);
    expect(html).toMatch(/<textarea id="update-message" name="message"[^>]*>A bad deploy; rolling back.<\/textarea>/);
    expect(html).toMatch(/<option value="major_outage" selected="">Major outage<\/option>/);

    const after = await api("GET", `/incidents/${id}`);
    expect(after.body.updates.length).toBe(before.body.updates.length);
    expect(after.body.revision).toBe(before.body.revision);
    const components = await api("GET", `/incidents/${id}`);
    expect(components.body.status).toBe("investigating");
  });

  it("says when an update will not notify: notify off, or an internal incident", async () => {
    const browser = await signedIn();
    const { id } = await declare();
    await browser.get(`/console/incidents/${id}`);
    const quiet = await (
      await browser.post(`/console/incidents/${id}/updates`, {
        action: "preview",
        status: "monitoring",
        message: "Watching.",
      })
    ).text();
    expect(quiet).toContain("<strong>Does not notify.</strong>");
    expect(quiet).toContain("Subscriber mail (not sent)");

    const internal = await declare({ visibility: "internal", components: undefined, name: "Hidden trouble" });
    await browser.get(`/console/incidents/${internal.id}`);
    const html = await (
      await browser.post(`/console/incidents/${internal.id}/updates`, {
        action: "preview",
        status: "identified",
        message: "Still internal.",
        notify: "on",
      })
    ).text();
    expect(html).toContain("This incident is internal");
    expect(html).toContain("Webhook payload (not sent)");
  });

  it("posts an update that reaches the public incident page, and resolves with a final message", async () => {
    // Components no other incident of this file holds: resolving hands them back.
    const { id } = await declare({ components: { "object-storage": "partial_outage" } });
    const browser = await signedIn(undefined, "Grace Hopper");
    await browser.get(`/console/incidents/${id}`);
    const posted = await browser.post(`/console/incidents/${id}/updates`, {
      action: "post",
      status: "identified",
      message: "Found it: a bad deploy.",
      "component.object-storage": "major_outage",
      add_component: "search",
      add_status: "degraded_performance",
      notify: "on",
    });
    expect(posted.status).toBe(303);
    expect(posted.headers.get("location")).toBe(`/console/incidents/${id}?notice=update-posted`);
    expect(await publicPage(`/incidents/${id}`)).toContain("Found it: a bad deploy.");
    const read = await api("GET", `/incidents/${id}`);
    expect(read.body.status).toBe("identified");
    expect(read.body.componentIds).toEqual(expect.arrayContaining(["object-storage", "search"]));
    const line = await newestAuditLine();
    expect(line).toMatchObject({
      action: "incident.update",
      target: id,
      actor: { name: "Grace Hopper (bootstrap token)" },
    });

    const resolved = await browser.post(`/console/incidents/${id}/updates`, {
      action: "post",
      status: "resolved",
      message: "Rolled back; all well.",
      notify: "on",
    });
    expect(resolved.status).toBe(303);
    const after = await api("GET", `/incidents/${id}`);
    expect(after.body.status).toBe("resolved");
    const components = await app.request("/api/v2/components.json", {}, env);
    const statuses = (await components.json()) as { components: { id: string; status: string }[] };
    expect(statuses.components.find((c) => c.id === "object-storage")?.status).toBe("operational");
    expect(statuses.components.find((c) => c.id === "search")?.status).toBe("operational");
    expect(await publicPage(`/incidents/${id}`)).toContain("Rolled back; all well.");
  });

  it("changes roles, audited under the person, and keeps what was typed when a colleague changed it first", async () => {
    const { id } = await declare({ lead: "Ada" });
    const browser = await signedIn(undefined, "Ada Lovelace");
    const html = await (await browser.get(`/console/incidents/${id}`)).text();
    const etag = (/name="etag" value="([^"]*)"/.exec(html)?.[1] ?? "").replaceAll("&quot;", '"');
    expect(etag).toMatch(/^"r\d+"$/);
    const saved = await browser.post(`/console/incidents/${id}/edit`, {
      form: "roles",
      etag,
      lead: "Ada",
      communicator: "Grace",
      scribe: "Margaret",
      investigator: "",
    });
    expect(saved.status).toBe(303);
    const read = await api("GET", `/incidents/${id}`);
    expect(read.body).toMatchObject({ lead: "Ada", communicator: "Grace", scribe: "Margaret", investigator: null });
    const line = await newestAuditLine();
    expect(line).toMatchObject({ action: "incident.edit", actor: { name: "Ada Lovelace (bootstrap token)" } });
    expect(line.after).toMatchObject({ communicator: "Grace", scribe: "Margaret" });

    // The same (now stale) form sent again: refused, nothing changed, what was typed kept.
    const stale = await browser.post(`/console/incidents/${id}/edit`, {
      form: "roles",
      etag,
      lead: "Ada",
      communicator: "Grace",
      scribe: "Someone Else",
      investigator: "Alan",
    });
    expect(stale.status).toBe(412);
    const page = await stale.text();
    expect(page).toContain("Someone else changed this incident");
    expect(page).toContain('role="alert"');
    expect(page).toContain('value="Someone Else"');
    expect((await api("GET", `/incidents/${id}`)).body.scribe).toBe("Margaret");
  });

  it("refuses a post without this browser's CSRF value, writing nothing", async () => {
    const { id } = await declare();
    const browser = await signedIn();
    const before = await updatesOf(id);
    const refused = await browser.post(`/console/incidents/${id}/updates`, {
      _csrf: "0".repeat(32),
      action: "post",
      status: "identified",
      message: "Forged.",
    });
    expect(refused.status).toBe(403);
    expect(await updatesOf(id)).toBe(before);
    const note = await browser.post(`/console/incidents/${id}/notes`, { _csrf: "", message: "Forged note." });
    expect(note.status).toBe(403);
    expect((await api("GET", `/incidents/${id}/notes`)).body.data).toEqual([]);
  });

  it("answers an unknown incident with the console's 404 page", async () => {
    const browser = await signedIn();
    const html = await browser.page("/console/incidents/nosuchincid0", 404);
    expect(html).toContain("No such incident");
    expect(html).toContain('href="/console"');
  });

  it("re-renders bad input with a 4xx naming the field, keeping what was typed", async () => {
    const { id } = await declare();
    const browser = await signedIn();
    await browser.get(`/console/incidents/${id}`);
    const before = await updatesOf(id);
    const empty = await browser.post(`/console/incidents/${id}/updates`, {
      action: "post",
      status: "identified",
      message: "   ",
      "component.api": "major_outage",
    });
    expect(empty.status).toBe(400);
    const html = await empty.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain("<code>message</code>");
    expect(html).toMatch(/<option value="major_outage" selected="">Major outage<\/option>/);
    const badStatus = await browser.post(`/console/incidents/${id}/updates`, {
      action: "preview",
      status: "exploded",
      message: "Hi.",
    });
    expect(badStatus.status).toBe(400);
    expect(await badStatus.text()).toContain("<code>status</code>");
    const longRole = await browser.post(`/console/incidents/${id}/edit`, {
      form: "roles",
      etag: "*",
      lead: "x".repeat(101),
    });
    expect(longRole.status).toBe(400);
    expect(await longRole.text()).toContain("<code>lead</code>");
    expect(await updatesOf(id)).toBe(before);
  });
});
