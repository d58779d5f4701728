import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../worker/app.tsx";
import { api } from "../../helpers/workers/api.ts";
import { type ConsoleBrowser, formIn, signedIn, signedInAs } from "../../helpers/workers/console.ts";
import { auditFor, declaredThroughApi } from "../../helpers/workers/console-api.ts";

/** The public page and feeds as readers get them, without the edge cache's few seconds of freshness. */
const app = createApp({ freshMs: 0, maxStaleMs: 0, sharedCache: () => null });
const publicText = async (path: string) => (await app.request(path, {}, env)).text();

/** A resolved incident on the API component, begun five minutes ago. */
async function resolvedIncident(name: string): Promise<string> {
  const { id } = await declaredThroughApi({
    name,
    message: "We are looking into failing API requests.",
    components: { api: "major_outage" },
    startedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
  });
  await api("POST", `/incidents/${id}/updates`, { body: { status: "monitoring", message: "Rolled back." } });
  await api("POST", `/incidents/${id}/updates`, { body: { status: "resolved", message: "All good again." } });
  return id;
}

const savedReport = async (id: string) => (await api("GET", `/incidents/${id}/report`)).body.report;
const revisionOf = async (id: string) => (await api("GET", `/incidents/${id}`)).body.revision as number;

/** The fields the report form sends, from the page the browser holds. */
async function formFields(browser: ConsoleBrowser, id: string): Promise<Record<string, string>> {
  const page = await (await browser.get(`/console/incidents/${id}/report`)).text();
  const revision = /name="revision" value="(\d+)"/.exec(page)?.[1];
  expect(revision).toBeDefined();
  return {
    revision: revision as string,
    summary: "The API failed for five minutes.",
    whoWasAffected: "Everyone calling the **REST API**.",
    whatHappened: "A bad deploy.",
    prevention: "We now canary every deploy.",
    "followUp-0-title": "Canary deploys",
    "followUp-0-owner": "Grace",
    "followUp-0-url": "https://tracker.example/LK-1",
    "followUp-0-done": "on",
    "followUp-1-title": "",
    "followUp-1-owner": "",
    "followUp-1-url": "",
  };
}

describe("the post-incident report in the console", () => {
  it("shows the draft's four parts beside the figures, the timeline and the probe evidence, linked to the incident", async () => {
    const id = await resolvedIncident("Report page outage");
    const browser = await signedIn();
    const page = await browser.page(`/console/incidents/${id}/report`);
    const draft = (await api("GET", `/incidents/${id}/report`)).body.draft;
    for (const label of ["Summary", "Who was affected", "What happened", "does not happen again"]) {
      expect(page).toContain(label);
    }
    expect(page).toContain(`href="/console/incidents/${id}"`);
    // The form holds the draft (HTML-escaped in the textarea) until a report is saved.
    expect(page).toContain("REST API");
    expect(draft.summary).toContain("REST API");
    for (const figure of ["Time to detect", "Time to mitigate", "Time to resolve", "Probe evidence", "Rolled back."]) {
      expect(page).toContain(figure);
    }
    // A blank row for a new follow-up action, and no script needed for it.
    expect(page).toContain('name="followUp-0-title" value=""');
  });

  it("saves the four parts and follow-ups with owner and tracker link, audited under the person", async () => {
    const id = await resolvedIncident("Report save outage");
    const browser = await signedIn(undefined, "Ada Lovelace");
    const answer = await browser.post(`/console/incidents/${id}/report`, {
      ...(await formFields(browser, id)),
      intent: "save",
    });
    expect(answer.status).toBe(303);
    expect(answer.headers.get("location")).toBe(`/console/incidents/${id}/report?notice=report-saved`);
    const report = await savedReport(id);
    expect(report).toMatchObject({
      summary: "The API failed for five minutes.",
      prevention: "We now canary every deploy.",
    });
    // The blank row was left unused, so only the typed action is kept.
    expect(report.followUps).toEqual([
      { title: "Canary deploys", owner: "Grace", url: "https://tracker.example/LK-1", done: true },
    ]);
    expect(report.publishedAt).toBeNull();
    const lines = await auditFor(id, "report.save");
    expect(lines.map((line) => line.actor.name)).toEqual(["Ada Lovelace (bootstrap token)"]);

    // Clearing a title removes its row.
    const again = await formFields(browser, id);
    expect(again.revision).not.toBe("");
    const page = await (await browser.get(`/console/incidents/${id}/report`)).text();
    expect(page).toContain('value="Canary deploys"');
    const removed = await browser.post(`/console/incidents/${id}/report`, {
      ...again,
      "followUp-0-title": "",
      intent: "save",
    });
    expect(removed.status).toBe(303);
    expect((await savedReport(id)).followUps).toEqual([]);
  });

  it("previews the public rendering of what was typed and writes nothing", async () => {
    const id = await resolvedIncident("Report preview outage");
    const browser = await signedIn();
    const before = await revisionOf(id);
    const answer = await browser.post(`/console/incidents/${id}/report`, {
      ...(await formFields(browser, id)),
      intent: "preview",
    });
    expect(answer.status).toBe(200);
    const page = await answer.text();
    // The public view's rendering: markdown made HTML, the follow-up linked to its tracker.
    expect(page).toContain("Post-incident report");
    expect(page).toContain("<strong>REST API</strong>");
    expect(page).toContain('href="https://tracker.example/LK-1"');
    expect(page).toContain("Nothing was saved");
    // The form still holds what was typed: the typed row, then one blank row (the unused one is not kept).
    expect(page).toContain('value="Canary deploys"');
    expect(page).toContain('name="followUp-1-title" value=""');
    expect(page).not.toContain('name="followUp-2-title"');
    expect(await savedReport(id)).toBeNull();
    expect(await revisionOf(id)).toBe(before);
    expect(await auditFor(id, "report.save")).toEqual([]);
  });

  it("publishes: the report is on the public incident page and in the feed", async () => {
    const id = await resolvedIncident("Report publish outage");
    const browser = await signedIn(undefined, "Grace Hopper");
    const saved = await browser.post(`/console/incidents/${id}/report`, {
      ...(await formFields(browser, id)),
      intent: "save",
    });
    expect(saved.status).toBe(303);
    expect(await publicText(`/incidents/${id}`)).not.toContain("We now canary every deploy.");

    const page = await (await browser.get(`/console/incidents/${id}/report`)).text();
    expect(page).toContain(`action="/console/incidents/${id}/report/publish"`);
    const published = await browser.post(`/console/incidents/${id}/report/publish`, { notify: "on" });
    expect(published.status).toBe(303);
    expect(published.headers.get("location")).toBe(`/console/incidents/${id}/report?notice=report-published`);
    expect((await savedReport(id)).publishedAt).not.toBeNull();
    const incident = (await api("GET", `/incidents/${id}`)).body;
    expect(incident.status).toBe("postmortem");
    // Ticked "Tell subscribers": the postmortem update goes out.
    expect(incident.updates[0]).toMatchObject({ status: "postmortem", deliverNotifications: true });

    const incidentPage = await publicText(`/incidents/${id}`);
    expect(incidentPage).toContain("What we are doing to make sure it does not happen again");
    expect(incidentPage).toContain("We now canary every deploy.");
    expect(incidentPage).toContain("https://tracker.example/LK-1");
    const feed = await publicText("/history.rss");
    expect(feed).toContain("Report publish outage");
    expect(feed).toContain("We now canary every deploy.");
    expect((await auditFor(id, "report.publish")).map((line) => line.actor.name)).toEqual([
      "Grace Hopper (bootstrap token)",
    ]);
  });

  it("publishes without telling subscribers when the box is unticked", async () => {
    const id = await resolvedIncident("Report quiet outage");
    const browser = await signedIn();
    await browser.post(`/console/incidents/${id}/report`, { ...(await formFields(browser, id)), intent: "save" });
    await browser.get(`/console/incidents/${id}/report`);
    expect((await browser.post(`/console/incidents/${id}/report/publish`, {})).status).toBe(303);
    const incident = (await api("GET", `/incidents/${id}`)).body;
    expect(incident.updates[0]).toMatchObject({ status: "postmortem", deliverNotifications: false });
  });

  it("keeps 'Tell subscribers' unticked when a publish is refused (412), publishing nothing", async () => {
    const id = await resolvedIncident("Report refused publish outage");
    const browser = await signedIn();
    await browser.post(`/console/incidents/${id}/report`, { ...(await formFields(browser, id)), intent: "save" });
    const opened = await (await browser.get(`/console/incidents/${id}/report`)).text();
    const publish = `/console/incidents/${id}/report/publish`;
    const revision = /name="revision" value="(\d+)"/.exec(formIn(opened, publish))?.[1] as string;
    // Someone changes the incident after the page was opened.
    await api("PATCH", `/incidents/${id}`, { headers: { "if-match": "*" }, body: { name: "Report renamed outage" } });
    const refused = await browser.post(`/console/incidents/${id}/report/publish`, { revision });
    expect(refused.status).toBe(412);
    const page = await refused.text();
    expect(page).toContain('role="alert"');
    const form = formIn(page, publish);
    expect(form).toMatch(/<input type="checkbox" name="notify"[^>]*>/);
    expect(/<input type="checkbox" name="notify"[^>]*>/.exec(form)?.[0]).not.toContain("checked");
    // Ticked and refused comes back ticked.
    const ticked = await (
      await browser.post(`/console/incidents/${id}/report/publish`, { revision, notify: "on" })
    ).text();
    const tickedForm = formIn(ticked, publish);
    expect(/<input type="checkbox" name="notify"[^>]*>/.exec(tickedForm)?.[0]).toContain("checked");
    expect((await savedReport(id)).publishedAt).toBeNull();
  });

  it("keeps what was typed and says so when the incident changed since the page was opened (412)", async () => {
    const id = await resolvedIncident("Report conflict outage");
    const browser = await signedIn();
    const fields = await formFields(browser, id);
    await api("PUT", `/incidents/${id}/report`, {
      headers: { "if-match": "*" },
      body: { summary: "Someone else's summary", whoWasAffected: "w", whatHappened: "h", prevention: "p" },
    });
    const answer = await browser.post(`/console/incidents/${id}/report`, {
      ...fields,
      summary: "My careful summary",
      intent: "save",
    });
    expect(answer.status).toBe(412);
    const page = await answer.text();
    expect(page).toContain('role="alert"');
    expect(page).toContain("Someone changed this incident");
    expect(page).toContain("My careful summary");
    expect((await savedReport(id)).summary).toBe("Someone else's summary");
    // Saving again from the page it was given goes through, knowingly.
    const revision = /name="revision" value="(\d+)"/.exec(page)?.[1] as string;
    const retry = await browser.post(`/console/incidents/${id}/report`, {
      ...fields,
      revision,
      summary: "My careful summary",
      intent: "save",
    });
    expect(retry.status).toBe(303);
    expect((await savedReport(id)).summary).toBe("My careful summary");
  });

  it("refuses a follow-up link that is not http(s) with a 400 naming the row and field, keeping the text", async () => {
    const id = await resolvedIncident("Report bad link outage");
    const browser = await signedIn();
    const answer = await browser.post(`/console/incidents/${id}/report`, {
      ...(await formFields(browser, id)),
      "followUp-0-url": "javascript:alert(1)",
      intent: "save",
    });
    expect(answer.status).toBe(400);
    const page = await answer.text();
    expect(page).toContain('role="alert"');
    expect(page).toContain("Action 1, tracker link");
    expect(page).toContain("must be an http(s) URL");
    expect(page).toContain('value="javascript:alert(1)"');
    expect(page).toContain("We now canary every deploy.");
    expect(await savedReport(id)).toBeNull();
  });

  it("lets a viewer read but not write: no form, and a forced post is refused by the API (403), nothing written", async () => {
    const id = await resolvedIncident("Report viewer outage");
    const viewer = await signedInAs("viewer", "Vera Viewer");
    const page = await (await viewer.get(`/console/incidents/${id}/report`)).text();
    expect(page).toContain("Time to resolve");
    expect(page).not.toContain(`action="/console/incidents/${id}/report"`);
    expect(page).not.toContain("/report/publish");
    const before = await revisionOf(id);
    const forced = await viewer.post(`/console/incidents/${id}/report`, {
      revision: String(before),
      summary: "forced",
      whoWasAffected: "",
      whatHappened: "",
      prevention: "",
      intent: "save",
    });
    expect(forced.status).toBe(403);
    const publish = await viewer.post(`/console/incidents/${id}/report/publish`, { notify: "on" });
    expect(publish.status).toBe(403);
    expect(await savedReport(id)).toBeNull();
    expect(await revisionOf(id)).toBe(before);
  });

  it("refuses a post without this browser's CSRF value (403), nothing written", async () => {
    const id = await resolvedIncident("Report CSRF outage");
    const browser = await signedIn();
    const fields = await formFields(browser, id);
    const refused = await browser.post(`/console/incidents/${id}/report`, {
      ...fields,
      intent: "save",
      _csrf: "0".repeat(32),
    });
    expect(refused.status).toBe(403);
    const publish = await browser.post(`/console/incidents/${id}/report/publish`, { _csrf: "" });
    expect(publish.status).toBe(403);
    expect(await savedReport(id)).toBeNull();
    // The same form with the value saves: the refusal was the CSRF check.
    expect((await browser.post(`/console/incidents/${id}/report`, { ...fields, intent: "save" })).status).toBe(303);
  });

  it("answers an unknown incident with a 404 page", async () => {
    const browser = await signedIn();
    const page = await browser.page("/console/incidents/no-such-incident/report", 404);
    expect(page).toContain("No such incident");
    expect(page).toContain('href="/console"');
  });
});
