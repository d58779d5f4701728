import { describe, expect, it } from "vitest";
import type { IncidentView, MaintenanceView, PostIncidentReport } from "../../worker/core/read-model.ts";
import { EventPage } from "../../worker/views/event-page.tsx";
import { renderDocument } from "../../worker/views/layout.tsx";
import {
  componentView,
  incidentView,
  maintenanceView,
  pageSnapshot,
  updateView,
} from "../helpers/read-model-fixtures.ts";

const HOSTILE = '<script>alert("x")</script> [x](javascript:alert(1))';

const component = (id: string, name: string) => componentView(id, name);

const snapshot = pageSnapshot({
  components: [component("api", "API"), component("web", "Web"), component("db", "Database")],
});

const report: PostIncidentReport = {
  summary: "API had a **major outage** for 1 h 5 min.",
  whoWasAffected: "- **API**: major outage",
  whatHappened: "#### Timeline\n\n- 14:02:00 UTC — investigating",
  prevention: "We are adding a [canary](https://example.com/canary) & <b>alerts</b>.",
  followUps: [
    { title: "Add canary deploys", owner: "Platform team", url: "https://tracker.test/1", done: true },
    { title: "Alert on error rate", owner: null, url: "javascript:alert(1)", done: false },
  ],
  publishedAt: "2026-11-23T10:00:00.000Z",
  updatedAt: "2026-11-23T10:00:00.000Z",
};

function incident(overrides: Partial<IncidentView> = {}): IncidentView {
  return incidentView({
    status: "resolved",
    updatedAt: "2026-11-22T15:05:00.000Z",
    identifiedAt: "2026-11-22T14:10:00.000Z",
    monitoringAt: "2026-11-22T14:40:00.000Z",
    resolvedAt: "2026-11-22T15:05:00.000Z",
    lead: "Lead Lovelace",
    communicator: "Communicator Hopper",
    revision: 3,
    componentIds: ["api", "web"],
    report,
    updates: [
      updateView({
        id: "u2",
        status: "resolved",
        body: "Fixed.\nWatching closely.",
        displayAt: "2026-11-22T15:05:00.000Z",
        affectedComponents: [{ code: "api", name: "API", oldStatus: "major_outage", newStatus: "operational" }],
      }),
      updateView({
        id: "u1",
        status: "investigating",
        body: HOSTILE,
        displayAt: "2026-11-22T14:02:00.000Z",
        affectedComponents: [
          { code: "api", name: "API", oldStatus: "operational", newStatus: "major_outage" },
          { code: "db", name: "Database", oldStatus: "operational", newStatus: "degraded_performance" },
        ],
      }),
    ],
    ...overrides,
  });
}

function maintenance(overrides: Partial<MaintenanceView> = {}): MaintenanceView {
  return maintenanceView({
    updatedAt: "2026-11-21T10:00:00.000Z",
    lead: "Lead Lovelace",
    communicator: "Communicator Hopper",
    revision: 2,
    componentIds: ["db"],
    ...overrides,
  });
}

const render = (event: IncidentView | MaintenanceView) =>
  renderDocument(<EventPage event={event} snapshot={snapshot} />);

describe("EventPage", () => {
  it("renders a published post-incident report under its four headings, from markdown", async () => {
    const html = await render(incident());
    expect(html).toMatch(
      /<section class="report" aria-labelledby="report-title"><h2 id="report-title">Post-incident report<\/h2>/,
    );
    const headings = [...html.matchAll(/<h3>([^<]*)<\/h3>/g)].map(([, text]) => text);
    expect(headings.slice(0, 5)).toEqual([
      "Summary",
      "Who was affected",
      "What happened",
      "What we are doing to make sure it does not happen again",
      "Follow-up actions",
    ]);
    expect(html).toContain("<p>API had a <strong>major outage</strong> for 1 h 5 min.</p>");
    expect(html).toContain("<h4>Timeline</h4>");
    expect(html).toContain('<a href="https://example.com/canary" rel="nofollow noopener">canary</a>');
    // Raw HTML in a report is shown, not rendered.
    expect(html).toContain("&amp; &lt;b&gt;alerts&lt;/b&gt;");
  });

  it("lists follow-up actions with their state in words and links only to web trackers", async () => {
    const html = await render(incident());
    expect(html).toContain(
      '<span class="state done">Done</span> <a href="https://tracker.test/1" rel="nofollow noopener">Add canary deploys</a>',
    );
    expect(html).toContain("Owner: Platform team");
    expect(html).toContain('<span class="state open">Open</span> Alert on error rate');
    expect(html).not.toContain('javascript:alert(1)"');
  });

  it("does not show a draft report", async () => {
    const html = await render(incident({ report: { ...report, publishedAt: null } }));
    expect(html).toContain("Elevated API errors");
    expect(html).not.toContain("Post-incident report");
    expect(html).not.toContain("major outage</strong>");
    expect(html).not.toContain("Add canary deploys");
  });

  it("never shows who led or spoke for the response", async () => {
    for (const event of [incident(), maintenance()]) {
      const html = await render(event);
      expect(html).not.toContain("Lovelace");
      expect(html).not.toContain("Hopper");
    }
  });

  it("escapes update bodies and keeps their line breaks", async () => {
    const html = await render(incident());
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; [x](javascript:alert(1))");
    expect(html).toContain('<p class="body">Fixed.\nWatching closely.</p>');
  });

  it("shows each affected component with the worst status its updates declared", async () => {
    const html = await render(incident());
    const affected = html.slice(
      html.indexOf('<ul class="affected">'),
      html.indexOf("</ul>", html.indexOf('<ul class="affected">')),
    );
    expect(affected).toContain('<li>API <span class="status st-major_outage">');
    expect(affected).toContain("Major outage");
    // Named on the event but never given a status: the name alone.
    expect(affected).toContain("<li>Web</li>");
    // Only mentioned by an update.
    expect(affected).toContain('<li>Database <span class="status st-degraded_performance">');
  });

  it("states how long a resolved incident lasted, and how long an open one has lasted so far", async () => {
    expect(await render(incident())).toContain("<dt>Duration</dt><dd>1 h 5 min</dd>");
    const ongoing = await render(incident({ status: "monitoring", resolvedAt: null, report: null }));
    expect(ongoing).toContain("Ongoing for 2 h");
    expect(ongoing).toContain('(as of <time datetime="2026-11-22T16:00:00.000Z">');
    expect(ongoing).not.toContain("<dt>Resolved</dt>");
  });

  it("shows a maintenance's window, and says when it was cancelled", async () => {
    const scheduled = await render(maintenance());
    expect(scheduled).toContain("<dt>Scheduled</dt>");
    expect(scheduled).toContain('<time datetime="2026-11-25T04:00:00.000Z">');
    expect(scheduled).not.toContain("Cancelled");
    expect(scheduled).not.toContain("<dt>Duration</dt>");

    const cancelled = await render(maintenance({ cancelledAt: "2026-11-24T09:00:00.000Z" }));
    expect(cancelled).toContain("<dt>Status</dt><dd>Cancelled</dd>");
    expect(cancelled).toContain('<dt>Cancelled</dt><dd><time datetime="2026-11-24T09:00:00.000Z">');
  });
});
