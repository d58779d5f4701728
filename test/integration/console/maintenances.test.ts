import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../worker/app.tsx";
import { instantToLocal } from "../../../worker/core/local-time.ts";
import { api } from "../../helpers/workers/api.ts";
import { formIn, signedIn, signedInAs } from "../../helpers/workers/console.ts";
import { auditFor } from "../../helpers/workers/console-api.ts";

/** The public page as readers get it, without the edge cache's few seconds of freshness. */
const app = createApp({ freshMs: 0, maxStaleMs: 0, sharedCache: () => null });
const publicV2 = async () =>
  (await (await app.request("/api/v2/scheduled-maintenances/upcoming.json", {}, env)).json()) as {
    scheduled_maintenances: { id: string; name: string }[];
  };

/** lookout.config.ts's page zone: not UTC, so a wall time typed there is not the instant it reads as in UTC. */
const ZONE = "Europe/Berlin";
/** A wall time in the page's zone, `minutes` from now, as a datetime-local field holds it. */
const local = (minutes: number) => instantToLocal(Date.now() + minutes * 60_000, ZONE);

const maintenanceCount = async () => (await api("GET", "/maintenances?limit=100")).body.data.length as number;

const schedule = (name: string, from = local(120), until = local(180)) => ({
  name,
  message: "Upgrading the database.",
  scheduledFor: from,
  scheduledUntil: until,
  components: ["postgres"],
  visibility: "public",
  notify: "on",
});

/** The "Tell subscribers" box of the form posting to `action`, as the page renders it. */
function notifyBox(page: string, action: string): string {
  const form = formIn(page, action);
  const box = /<input type="checkbox" name="notify"[^>]*>/.exec(form)?.[0];
  expect(box).toBeDefined();
  return box as string;
}

async function scheduled(name: string): Promise<string> {
  const browser = await signedIn();
  await browser.get("/console/maintenances/new");
  const answer = await browser.post("/console/maintenances/new", schedule(name));
  expect(answer.status).toBe(303);
  return /\/console\/maintenances\/([^?]+)/.exec(answer.headers.get("location") ?? "")?.[1] as string;
}

describe("maintenances in the console", () => {
  it("schedules a window that the public page shows as upcoming, listed under Upcoming, audited under the person", async () => {
    const browser = await signedIn(undefined, "Ada Lovelace");
    const form = await (await browser.get("/console/maintenances/new")).text();
    expect(form).toContain('type="datetime-local"');
    expect(form).toContain(ZONE);
    expect(form).toContain('value="postgres"');
    const answer = await browser.post("/console/maintenances/new", schedule("Postgres 17 upgrade"));
    expect(answer.status).toBe(303);
    const location = answer.headers.get("location") ?? "";
    expect(location).toMatch(/^\/console\/maintenances\/[^/?]+\?notice=maintenance-scheduled$/);
    const id = /\/console\/maintenances\/([^?]+)/.exec(location)?.[1] as string;

    expect((await publicV2()).scheduled_maintenances.map((m) => m.id)).toContain(id);
    expect(await (await app.request("/", {}, env)).text()).toContain("Postgres 17 upgrade");
    const list = await (await browser.get("/console/maintenances")).text();
    const upcoming = list.slice(list.indexOf('id="upcoming"'), list.indexOf('id="in-progress"'));
    expect(upcoming).toContain("Postgres 17 upgrade");
    const detail = await (await browser.get(location)).text();
    expect(detail).toContain("Maintenance scheduled.");
    expect(detail).toContain("Upgrading the database.");
    expect((await auditFor(id, "maintenance.create")).map((line) => line.actor.name)).toEqual([
      "Ada Lovelace (bootstrap token)",
    ]);
  });

  it("reads the window's wall times in the page's time zone, winter and summer alike", async () => {
    const browser = await signedIn();
    await browser.get("/console/maintenances/new");
    const year = new Date().getUTCFullYear() + 1;
    const winter = await browser.post(
      "/console/maintenances/new",
      schedule("Winter window", `${year}-01-15T10:00`, `${year}-01-15T11:30`),
    );
    expect(winter.status).toBe(303);
    const winterId = /\/console\/maintenances\/([^?]+)/.exec(winter.headers.get("location") ?? "")?.[1];
    const summer = await browser.post(
      "/console/maintenances/new",
      schedule("Summer window", `${year}-07-15T10:00`, `${year}-07-15T11:30`),
    );
    const summerId = /\/console\/maintenances\/([^?]+)/.exec(summer.headers.get("location") ?? "")?.[1];
    // Berlin is UTC+1 in January and UTC+2 in July.
    const w = (await api("GET", `/maintenances/${winterId}`)).body;
    expect([w.scheduledFor, w.scheduledUntil]).toEqual([`${year}-01-15T09:00:00.000Z`, `${year}-01-15T10:30:00.000Z`]);
    const s = (await api("GET", `/maintenances/${summerId}`)).body;
    expect([s.scheduledFor, s.scheduledUntil]).toEqual([`${year}-07-15T08:00:00.000Z`, `${year}-07-15T09:30:00.000Z`]);
    // And the move form shows them back as the same wall times.
    const detail = await (await browser.get(`/console/maintenances/${winterId}`)).text();
    expect(detail).toContain(`value="${year}-01-15T10:00"`);
  });

  it("moves a window (edit of scheduledFor and Until), audited with before and after", async () => {
    const id = await scheduled("Search reindex");
    const browser = await signedIn(undefined, "Grace Hopper");
    const page = await (await browser.get(`/console/maintenances/${id}`)).text();
    const revision = /name="revision" value="(\d+)"/.exec(page)?.[1] as string;
    const before = (await api("GET", `/maintenances/${id}`)).body;
    const year = new Date().getUTCFullYear() + 1;
    const moved = await browser.post(`/console/maintenances/${id}/move`, {
      revision,
      scheduledFor: `${year}-02-01T22:00`,
      scheduledUntil: `${year}-02-02T01:00`,
    });
    expect(moved.status).toBe(303);
    expect(moved.headers.get("location")).toBe(`/console/maintenances/${id}?notice=maintenance-moved`);
    const after = (await api("GET", `/maintenances/${id}`)).body;
    expect([after.scheduledFor, after.scheduledUntil]).toEqual([
      `${year}-02-01T21:00:00.000Z`,
      `${year}-02-02T00:00:00.000Z`,
    ]);
    const lines = await auditFor(id, "maintenance.edit");
    expect(lines).toHaveLength(1);
    expect(lines[0]?.actor.name).toBe("Grace Hopper (bootstrap token)");
    expect(lines[0]?.before?.scheduledFor).toBe(before.scheduledFor);
    expect(lines[0]?.after?.scheduledFor).toBe(`${year}-02-01T21:00:00.000Z`);

    // The same revision again is stale: said plainly, nothing moved.
    const stale = await browser.post(`/console/maintenances/${id}/move`, {
      revision,
      scheduledFor: `${year}-03-01T22:00`,
      scheduledUntil: `${year}-03-02T01:00`,
    });
    expect(stale.status).toBe(412);
    expect(await stale.text()).toContain("Someone changed this maintenance");
    expect((await api("GET", `/maintenances/${id}`)).body.scheduledFor).toBe(`${year}-02-01T21:00:00.000Z`);
  });

  it("posts an update to the timeline, and cancels with a message: gone from the public upcoming list", async () => {
    const id = await scheduled("Network cut-over");
    const browser = await signedIn();
    await browser.get(`/console/maintenances/${id}`);
    const update = await browser.post(`/console/maintenances/${id}/updates`, {
      status: "scheduled",
      message: "Still on for tonight.",
      notify: "on",
    });
    expect(update.status).toBe(303);
    expect(await (await browser.get(`/console/maintenances/${id}`)).text()).toContain("Still on for tonight.");

    const cancelled = await browser.post(`/console/maintenances/${id}/cancel`, {
      message: "Postponed to next week.",
      notify: "on",
    });
    expect(cancelled.status).toBe(303);
    expect(cancelled.headers.get("location")).toBe(`/console/maintenances/${id}?notice=maintenance-cancelled`);
    const after = (await api("GET", `/maintenances/${id}`)).body;
    expect(after.status).toBe("completed");
    expect(after.cancelledAt).not.toBeNull();
    expect(after.updates[0].body).toBe("Postponed to next week.");
    expect((await publicV2()).scheduled_maintenances.map((m) => m.id)).not.toContain(id);
    expect(await auditFor(id, "maintenance.cancel")).toHaveLength(1);
    const list = await (await browser.get("/console/maintenances")).text();
    expect(list.slice(list.indexOf('id="past"'))).toContain("Network cut-over");
  });

  it("refuses a window that ends before it starts, or a time that is not one, with a 400 naming the field", async () => {
    const browser = await signedIn();
    await browser.get("/console/maintenances/new");
    const count = await maintenanceCount();
    const backwards = await browser.post("/console/maintenances/new", schedule("Backwards", local(180), local(120)));
    expect(backwards.status).toBe(400);
    const page = await backwards.text();
    expect(page).toContain('role="alert"');
    expect(page).toContain("scheduledUntil");
    expect(page).toContain("must be after scheduledFor");
    // What was typed comes back.
    expect(page).toContain('value="Backwards"');
    const garbled = await browser.post("/console/maintenances/new", schedule("Garbled", "tomorrow-ish", local(120)));
    expect(garbled.status).toBe(400);
    expect(await garbled.text()).toContain("scheduledFor");
    expect(await maintenanceCount()).toBe(count);
  });

  it("keeps what was typed after a refusal, 'Tell subscribers' unticked included, in the update and cancel forms", async () => {
    const id = await scheduled("Quiet window");
    const browser = await signedIn();
    await browser.get(`/console/maintenances/${id}`);
    const before = (await api("GET", `/maintenances/${id}`)).body.revision;
    const at = `/console/maintenances/${id}`;

    // notify left out = the box unticked; an empty message is refused.
    const update = await browser.post(`${at}/updates`, { status: "scheduled", message: "" });
    expect(update.status).toBe(400);
    const updatePage = await update.text();
    expect(updatePage).toContain("<code>message</code>");
    expect(notifyBox(updatePage, `${at}/updates`)).not.toContain("checked");
    // The other form was not the one sent: its box keeps its default.
    expect(notifyBox(updatePage, `${at}/cancel`)).toContain("checked");
    // Ticked and refused comes back ticked.
    const ticked = await browser.post(`${at}/updates`, { status: "scheduled", message: "", notify: "on" });
    expect(notifyBox(await ticked.text(), `${at}/updates`)).toContain("checked");

    const long = "x".repeat(10_001);
    const cancel = await browser.post(`${at}/cancel`, { message: long });
    expect(cancel.status).toBe(400);
    const cancelPage = await cancel.text();
    expect(cancelPage).toContain("cancel message");
    expect(cancelPage).toContain(long);
    expect(notifyBox(cancelPage, `${at}/cancel`)).not.toContain("checked");
    expect(notifyBox(cancelPage, `${at}/updates`)).toContain("checked");

    expect((await api("GET", `/maintenances/${id}`)).body.revision).toBe(before);
  });

  it("lets a viewer read but not write: no forms, and forced posts are refused by the API (403), nothing written", async () => {
    const id = await scheduled("Viewer window");
    const viewer = await signedInAs("viewer", "Vera Viewer");
    const listText = await viewer.page("/console/maintenances");
    expect(listText).toContain("Viewer window");
    expect(listText).not.toContain('href="/console/maintenances/new"');
    const detail = await (await viewer.get(`/console/maintenances/${id}`)).text();
    expect(detail).not.toContain("/move");
    expect(detail).not.toContain("/cancel");
    const count = await maintenanceCount();
    const before = (await api("GET", `/maintenances/${id}`)).body;
    expect((await viewer.post("/console/maintenances/new", schedule("Forced"))).status).toBe(403);
    const moved = await viewer.post(`/console/maintenances/${id}/move`, {
      revision: String(before.revision),
      scheduledFor: local(300),
      scheduledUntil: local(360),
    });
    expect(moved.status).toBe(403);
    expect((await viewer.post(`/console/maintenances/${id}/cancel`, {})).status).toBe(403);
    expect(await maintenanceCount()).toBe(count);
    expect((await api("GET", `/maintenances/${id}`)).body.revision).toBe(before.revision);
  });

  it("refuses posts without this browser's CSRF value (403), nothing written", async () => {
    const id = await scheduled("CSRF window");
    const browser = await signedIn();
    await browser.get("/console/maintenances/new");
    const count = await maintenanceCount();
    const before = (await api("GET", `/maintenances/${id}`)).body.revision;
    expect((await browser.post("/console/maintenances/new", { ...schedule("Forged"), _csrf: "" })).status).toBe(403);
    expect((await browser.post(`/console/maintenances/${id}/cancel`, { _csrf: "0".repeat(32) })).status).toBe(403);
    expect(await maintenanceCount()).toBe(count);
    expect((await api("GET", `/maintenances/${id}`)).body.revision).toBe(before);
    // The same form with the value goes through: the refusal was the CSRF check.
    expect((await browser.post("/console/maintenances/new", schedule("Genuine"))).status).toBe(303);
  });

  it("answers an unknown maintenance with a 404 page", async () => {
    const browser = await signedIn();
    expect(await browser.page("/console/maintenances/no-such-window", 404)).toContain("No such maintenance");
  });
});
