import { describe, expect, it } from "vitest";
import type { IncidentView } from "../../worker/core/read-model.ts";
import { draftReport, PREVENTION_PLACEHOLDER, type ReportInput } from "../../worker/core/reports/draft-report.ts";
import { renderMarkdown } from "../../worker/core/reports/markdown.ts";
import { type MonitorObservation, NOTHING_OBSERVED } from "../../worker/core/reports/monitor-evidence.ts";
import type { StatusTransition } from "../../worker/core/uptime.ts";
import { incidentView, updateView } from "../helpers/read-model-fixtures.ts";

const t = (hhmmss: string) => Date.parse(`2026-11-22T${hhmmss}Z`);
const iso = (hhmmss: string) => new Date(t(hhmmss)).toISOString();
const MIN = 60_000;

function incident(overrides: Partial<IncidentView> = {}): IncidentView {
  return incidentView({
    status: "resolved",
    createdAt: iso("14:02:00"),
    updatedAt: iso("15:05:00"),
    startedAt: iso("14:00:00"),
    identifiedAt: iso("14:10:00"),
    monitoringAt: iso("14:40:00"),
    resolvedAt: iso("15:05:00"),
    lead: "Ada",
    communicator: "Grace",
    revision: 4,
    componentIds: ["api", "web"],
    // Newest first, as the read model keeps them.
    updates: [
      updateView({ status: "resolved", body: "All clear.", displayAt: iso("15:05:00") }),
      updateView({ status: "identified", body: "A bad deploy.\nRolling back.", displayAt: iso("14:10:00") }),
      updateView({
        status: "investigating",
        body: "We are looking into errors.",
        displayAt: iso("14:02:00"),
        affectedComponents: [{ code: "api", name: "API", oldStatus: "operational", newStatus: "partial_outage" }],
      }),
    ],
    ...overrides,
  });
}

const transitions = (): Map<string, StatusTransition[]> =>
  new Map([
    [
      "api",
      [
        { at: t("09:00:00"), status: "operational" },
        { at: t("14:02:10"), status: "major_outage" },
        { at: t("14:30:00"), status: "partial_outage" },
        { at: t("14:50:00"), status: "operational" },
      ],
    ],
    [
      "web",
      [
        // Degraded since before the incident: only the part inside the window counts.
        { at: t("13:00:00"), status: "degraded_performance" },
        { at: t("14:20:00"), status: "operational" },
        // After the incident was resolved: outside the window.
        { at: t("15:30:00"), status: "major_outage" },
      ],
    ],
  ]);

function input(overrides: Partial<ReportInput> = {}): ReportInput {
  return {
    incident: incident(),
    componentNames: new Map([
      ["api", "API"],
      ["web", "Web"],
    ]),
    transitions: transitions(),
    timeZone: "UTC",
    now: t("16:00:00"),
    ...overrides,
  };
}

describe("draftReport", () => {
  it("measures the response from when impact began", () => {
    expect(draftReport(input()).figures).toEqual({
      timeToDetectMs: 2 * MIN,
      timeToIdentifyMs: 10 * MIN,
      timeToMitigateMs: 40 * MIN,
      timeToResolveMs: 65 * MIN,
    });
  });

  it("falls back to the resolve time for mitigation when monitoring was skipped", () => {
    const draft = draftReport(input({ incident: incident({ monitoringAt: null }) }));
    expect(draft.figures.timeToMitigateMs).toBe(65 * MIN);
  });

  it("summarises what was affected, the worst status, exact start and end and the duration", () => {
    expect(draftReport(input()).summary).toBe(
      "API and Web had a major outage from 22 Nov 2026, 14:00:00 UTC until 15:05:00 UTC, 1 h 5 min in all.",
    );
  });

  it("states times in the page's time zone", () => {
    const draft = draftReport(input({ timeZone: "Europe/Berlin" }));
    expect(draft.summary).toContain("from 22 Nov 2026, 15:00:00 CET until 16:05:00 CET");
    expect(draft.whatHappened).toContain("- 15:02:00 CET — **Investigating**");
  });

  it("clips each component's history to the incident window", () => {
    const { components, whoWasAffected } = draftReport(input());
    expect(components).toEqual([
      // 14:02:10 to 14:50:00 not operational.
      { id: "api", name: "API", worstStatus: "major_outage", notOperationalMs: 47 * MIN + 50_000 },
      // Degraded from the window's start (not 13:00) to 14:20; the outage at 15:30 is after it.
      { id: "web", name: "Web", worstStatus: "degraded_performance", notOperationalMs: 20 * MIN },
    ]);
    expect(whoWasAffected).toBe(
      [
        "- **API**: major outage at worst; not operational for 48 min.",
        "- **Web**: degraded performance at worst; not operational for 20 min.",
      ].join("\n"),
    );
  });

  it("counts a status declared on an update even where no history was recorded", () => {
    const draft = draftReport(input({ transitions: new Map() }));
    expect(draft.components.map((c) => [c.id, c.worstStatus, c.notOperationalMs])).toEqual([
      ["api", "partial_outage", 0],
      ["web", "operational", 0],
    ]);
  });

  it("tells the story oldest first with exact times, labels and bodies, keeping multi-line bodies in their item", () => {
    const { whatHappened } = draftReport(input());
    expect(whatHappened).toContain(
      [
        "#### Timeline",
        "",
        "- 14:02:00 UTC — **Investigating**: We are looking into errors.",
        "- 14:10:00 UTC — **Identified**: A bad deploy.",
        "  Rolling back.",
        "- 15:05:00 UTC — **Resolved**: All clear.",
      ].join("\n"),
    );
    expect(whatHappened).toContain(
      [
        "- Time to detect: 2 min",
        "- Time to identify: 10 min",
        "- Time to mitigate: 40 min",
        "- Time to resolve: 1 h 5 min",
      ].join("\n"),
    );
  });

  it("lists only what the monitors saw inside the window as probe evidence, in time order", () => {
    const observations: MonitorObservation[] = [
      {
        monitorName: "API health",
        region: "default",
        at: t("14:02:10"),
        from: "up",
        to: "down",
        summary: "HTTP 503",
        firstFailure: { at: t("14:01:10"), summary: "HTTP 502" },
      },
      { monitorName: "API health", region: "eu", at: t("14:50:00"), from: "down", to: "up", summary: "HTTP 200" },
      // Before the incident began and after it ended: not evidence of this one.
      { monitorName: "API health", region: "default", at: t("13:00:00"), from: "unknown", to: "up", summary: "x" },
      { monitorName: "API health", region: "default", at: t("15:30:00"), from: "up", to: "down", summary: "y" },
    ].map((o) => ({ firstFailure: null, ...o }) as MonitorObservation);
    const { whatHappened, probeEvidence } = draftReport(input({ observations }));
    const evidence = whatHappened.slice(whatHappened.indexOf("#### Probe evidence"));
    // The same part on its own, for the console to show beside the text.
    expect(probeEvidence).toBe(evidence);
    expect(evidence).toBe(
      [
        "#### Probe evidence",
        "",
        "- 14:01:10 UTC API health: first failing check, HTTP 502",
        "- 14:02:10 UTC API health: passing → failing, HTTP 503",
        "- 14:50:00 UTC API health from eu: failing → passing, HTTP 200",
      ].join("\n"),
    );
  });

  it("says so when the monitors saw nothing, and never lists a status a person set", () => {
    // The status history (set by hand on updates) is not probe evidence.
    const { whatHappened } = draftReport(input({ observations: [] }));
    expect(whatHappened.slice(whatHappened.indexOf("#### Probe evidence"))).toBe(
      `#### Probe evidence\n\n${NOTHING_OBSERVED}`,
    );
  });

  it("shows the date when a time falls on another day than the start", () => {
    const draft = draftReport(input({ incident: incident({ resolvedAt: "2026-11-23T01:00:00.000Z" }) }));
    expect(draft.summary).toContain("until 23 Nov 2026, 01:00:00 UTC, 11 h in all.");
  });

  it("drafts an unresolved incident up to now, with the unreached stages marked", () => {
    const draft = draftReport(
      input({
        incident: incident({ status: "identified", monitoringAt: null, resolvedAt: null }),
        now: t("15:00:00"),
      }),
    );
    expect(draft.figures.timeToMitigateMs).toBeNull();
    expect(draft.figures.timeToResolveMs).toBeNull();
    expect(draft.summary).toBe(
      "API and Web have had a major outage since 22 Nov 2026, 14:00:00 UTC; it was still ongoing at 15:00:00 UTC, after 1 h.",
    );
    expect(draft.whatHappened).toContain("- Time to mitigate: not reached");
    expect(draft.whatHappened).toContain("- Time to resolve: not reached");
    // Web's 15:30 outage is after `now`; API's 14:50 recovery is before it.
    expect(draft.components.find((c) => c.id === "web")?.worstStatus).toBe("degraded_performance");
  });

  it("leaves prevention to a person, saying what belongs there", () => {
    const { prevention } = draftReport(input());
    expect(prevention).toBe(PREVENTION_PLACEHOLDER);
    expect(prevention).toMatch(/^_Replace this paragraph\..*_$/);
  });

  it("keeps hostile text literal: no links, no HTML, no structure injected", () => {
    const hostile = "[x](javascript:alert(1)) <script>alert(1)</script>";
    const draft = draftReport(
      input({
        componentNames: new Map([
          ["api", hostile],
          ["web", "# Web"],
        ]),
        incident: incident({
          updates: [
            updateView({
              status: "investigating",
              body: `${hostile}\n# heading\n- item\n1. first\n<img src=x onerror=alert(1)>\n![i](http://evil.example/x.png)`,
            }),
          ],
        }),
      }),
    );
    const markdown = [draft.summary, draft.whoWasAffected, draft.whatHappened].join("\n\n");
    expect(markdown).not.toContain("[x](");
    expect(markdown).toContain("\\[x\\](javascript:alert(1))");
    expect(markdown).toContain("\\<script\\>");

    const html = renderMarkdown(markdown);
    // A bare web address may become a link, but only ever to exactly what the text shows.
    const links = [...html.matchAll(/<a href="([^"]*)"[^>]*>([^<]*)<\/a>/g)].map(([, href, text]) => [href, text]);
    expect(links).toEqual([["http://evil.example/x.png", "http://evil.example/x.png"]]);
    expect(html.match(/<a\b/g)).toHaveLength(1);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<h[1-6]>(?:heading|Web)/);
    expect(html).toContain("[x](javascript:alert(1)) &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("# heading");
    expect(html).toContain("1. first");
    // The body stays inside its one timeline item.
    const timeline = html.slice(html.indexOf("Timeline"), html.indexOf("Key figures"));
    expect(timeline.match(/<li>/g)).toHaveLength(1);
  });
});
