import { describe, expect, it } from "vitest";
import { instantToLocal } from "../../../worker/core/local-time.ts";
import { api } from "../../helpers/workers/api.ts";
import { type ConsoleBrowser, formIn, signedIn } from "../../helpers/workers/console.ts";
import { incidentsNamed } from "../../helpers/workers/console-api.ts";

/**
 * A form that creates something counts once (worker/console/once.ts): the
 * same form sent twice — a double click, or a post sent again after its
 * answer was lost — writes once, and both answers lead to the one thing
 * written. Forms rendered apart are separate requests, even with the same words.
 */
const run = crypto.randomUUID().slice(0, 6);

/** The one-time key of the form posting to `action` on a page just read. */
async function onceKey(browser: ConsoleBrowser, page: string, action: string): Promise<string> {
  const form = formIn(await browser.page(page), action);
  const once = /name="_once" value="([0-9a-f-]{36})"/.exec(form)?.[1];
  expect(once).toBeDefined();
  return once as string;
}

/** The same form sent twice at once, as a double click sends it: both answers. */
async function doubleClick(browser: ConsoleBrowser, action: string, fields: Record<string, string | string[]>) {
  const answers = await Promise.all([browser.post(action, fields), browser.post(action, fields)]);
  return answers.map((answer) => ({ status: answer.status, location: answer.headers.get("location") }));
}

const declaration = (name: string) => ({
  name,
  severity: "major",
  "component.api": "partial_outage",
  message: "Some requests fail.",
  visibility: "public",
  notify: "on",
});

async function declared(browser: ConsoleBrowser, name: string): Promise<string> {
  const once = await onceKey(browser, "/console/incidents/new", "/console/incidents/new");
  const answer = await browser.post("/console/incidents/new", { ...declaration(name), _once: once });
  expect(answer.status).toBe(303);
  return /\/console\/incidents\/([^?]+)/.exec(answer.headers.get("location") ?? "")?.[1] as string;
}

describe("a console form that creates counts once", () => {
  it("declares once on a double click: both answers lead to the one incident", async () => {
    const browser = await signedIn();
    const name = `Double click ${run}`;
    const once = await onceKey(browser, "/console/incidents/new", "/console/incidents/new");
    const [first, second] = await doubleClick(browser, "/console/incidents/new", { ...declaration(name), _once: once });
    expect(first?.status).toBe(303);
    expect(second).toEqual(first);
    const incidents = await incidentsNamed(name);
    expect(incidents).toHaveLength(1);
    expect(first?.location).toBe(`/console/incidents/${incidents[0]?.id}?notice=incident-declared`);
  });

  it("declares twice from two forms with the same words: each render is a new request", async () => {
    const browser = await signedIn();
    const name = `Twice on purpose ${run}`;
    await declared(browser, name);
    await declared(browser, name);
    expect(await incidentsNamed(name)).toHaveLength(2);
  });

  it("answers a form sent again with other words 409, says so, and gives the form a new key", async () => {
    const browser = await signedIn();
    const name = `Went back ${run}`;
    const once = await onceKey(browser, "/console/incidents/new", "/console/incidents/new");
    expect((await browser.post("/console/incidents/new", { ...declaration(name), _once: once })).status).toBe(303);
    // Back to the form the browser kept, a word changed, sent again: the key is the old one.
    const again = await browser.post("/console/incidents/new", { ...declaration(`${name} (edited)`), _once: once });
    expect(again.status).toBe(409);
    const page = await again.text();
    expect(page).toContain("This form was already sent once with other words.");
    expect(page).toContain(`value="${name} (edited)"`);
    const fresh = /name="_once" value="([0-9a-f-]{36})"/.exec(page)?.[1];
    expect(fresh).toBeDefined();
    expect(fresh).not.toBe(once);
    expect(await incidentsNamed(`${name} (edited)`)).toEqual([]);
    const resent = await browser.post("/console/incidents/new", {
      ...declaration(`${name} (edited)`),
      _once: fresh ?? "",
    });
    expect(resent.status).toBe(303);
    expect(await incidentsNamed(`${name} (edited)`)).toHaveLength(1);
  });

  it("posts an update and an internal note once each on a double click", async () => {
    const browser = await signedIn();
    const id = await declared(browser, `Room ${run}`);
    const room = `/console/incidents/${id}`;
    const updateOnce = await onceKey(browser, room, `${room}/updates`);
    const update = await doubleClick(browser, `${room}/updates`, {
      _once: updateOnce,
      action: "post",
      status: "identified",
      message: "Found it.",
      notify: "on",
    });
    expect(update.map((answer) => answer.status)).toEqual([303, 303]);
    const noteOnce = await onceKey(browser, room, `${room}/notes`);
    const note = await doubleClick(browser, `${room}/notes`, { _once: noteOnce, message: "Rolled back at 03:12." });
    expect(note.map((answer) => answer.status)).toEqual([303, 303]);
    const read = await api("GET", `/incidents/${id}`);
    expect(read.body.updates.map((u: { body: string }) => u.body)).toEqual(["Found it.", "Some requests fail."]);
    const notes = await api("GET", `/incidents/${id}/notes`);
    expect(notes.body.data.map((n: { body: string }) => n.body)).toEqual(["Rolled back at 03:12."]);
  });

  it("posts an update that changes a component once when the form is sent again after the first landed", async () => {
    const browser = await signedIn();
    const id = await declared(browser, `Lost answer ${run}`);
    const room = `/console/incidents/${id}`;
    const fields = {
      _once: await onceKey(browser, room, `${room}/updates`),
      action: "post",
      status: "identified",
      message: "The API is down.",
      "component.api": "major_outage",
      notify: "on",
    };
    const first = await browser.post(`${room}/updates`, fields);
    expect(first.status).toBe(303);
    // The answer never reached the phone; the form is sent again as it was. The API is now
    // in major outage already, so the body the room builds from it no longer names it.
    const again = await browser.post(`${room}/updates`, fields);
    expect(again.status).toBe(303);
    expect(again.headers.get("location")).toBe(first.headers.get("location"));
    const read = await api("GET", `/incidents/${id}`);
    expect(read.body.updates.map((u: { body: string }) => u.body)).toEqual(["The API is down.", "Some requests fail."]);
  });

  it("schedules a maintenance and posts its update once each on a double click", async () => {
    const browser = await signedIn();
    const name = `Window ${run}`;
    const once = await onceKey(browser, "/console/maintenances/new", "/console/maintenances/new");
    // lookout.config.ts's page zone, where the form's wall times are read.
    const local = (minutes: number) => instantToLocal(Date.now() + minutes * 60_000, "Europe/Berlin");
    const [scheduled] = await doubleClick(browser, "/console/maintenances/new", {
      _once: once,
      name,
      message: "Upgrading the database.",
      scheduledFor: local(120),
      scheduledUntil: local(180),
      components: ["postgres"],
      visibility: "public",
      notify: "on",
    });
    expect(scheduled?.status).toBe(303);
    const listed = await api("GET", "/maintenances?limit=100");
    const windows = (listed.body.data as { id: string; name: string }[]).filter((m) => m.name === name);
    expect(windows).toHaveLength(1);
    const page = `/console/maintenances/${windows[0]?.id}`;
    const updateOnce = await onceKey(browser, page, `${page}/updates`);
    await doubleClick(browser, `${page}/updates`, {
      _once: updateOnce,
      status: "scheduled",
      message: "Still on.",
      notify: "on",
    });
    const read = await api("GET", `/maintenances/${windows[0]?.id}`);
    expect(read.body.updates.filter((u: { body: string }) => u.body === "Still on.")).toHaveLength(1);
  });
});
