import { describe, expect, it } from "vitest";
import { previewUpdate } from "../../worker/core/incidents/update-preview.ts";
import type { IncidentView } from "../../worker/core/read-model.ts";
import { componentView, pageSnapshot } from "../helpers/read-model-fixtures.ts";

const NOW = "2026-11-22T16:05:00.000Z";

function incident(overrides: Partial<IncidentView> = {}): IncidentView {
  return {
    kind: "incident",
    id: "inc1",
    name: "Elevated API errors",
    visibility: "public",
    status: "investigating",
    impact: "major",
    createdAt: "2026-11-22T15:50:00.000Z",
    updatedAt: "2026-11-22T15:50:00.000Z",
    startedAt: "2026-11-22T15:45:00.000Z",
    identifiedAt: null,
    monitoringAt: null,
    resolvedAt: null,
    lead: null,
    communicator: null,
    scribe: null,
    investigator: null,
    revision: 1,
    // "secret" is a hidden component: only the API names it.
    componentIds: ["api", "db", "secret"],
    report: null,
    updates: [
      {
        id: "u1",
        status: "investigating",
        body: "Looking.",
        createdAt: "2026-11-22T15:50:00.000Z",
        updatedAt: "2026-11-22T15:50:00.000Z",
        displayAt: "2026-11-22T15:50:00.000Z",
        affectedComponents: [
          { code: "api", name: "API", oldStatus: "operational", newStatus: "major_outage" },
          { code: "secret", name: "Secret", oldStatus: "operational", newStatus: "major_outage" },
        ],
        deliverNotifications: true,
      },
    ],
    ...overrides,
  };
}

const snapshot = pageSnapshot({
  components: [
    componentView("api", "API", { status: "major_outage" }),
    componentView("db", "Database", { status: "partial_outage" }),
    componentView("web", "Website"),
  ],
});

describe("previewUpdate", () => {
  it("renders the update as the outbox would: mail subject and text, webhook body, newest update first", () => {
    const preview = previewUpdate(
      snapshot,
      incident(),
      { status: "identified", message: "A bad deploy.", components: { web: "degraded_performance" }, notify: true },
      "https://status.acme.test/",
      NOW,
    );
    expect(preview.mail.subject).toBe("[Identified] Elevated API errors");
    expect(preview.mail.text).toContain(
      "Now: API: Major outage; Database: Partial outage; Website: Degraded performance",
    );
    expect(preview.mail.text).toContain("https://status.acme.test/incidents/inc1");
    const webhook = preview.webhook as { incident: { status: string; incident_updates: { body: string }[] } };
    expect(webhook.incident.status).toBe("identified");
    expect(webhook.incident.incident_updates.map((u) => u.body)).toEqual(["A bad deploy.", "Looking."]);
    expect(preview.notifies).toMatchObject({ readers: true, subscribers: true, webhooks: true });
  });

  it("never names a hidden component, as the outbox never does", () => {
    const preview = previewUpdate(
      snapshot,
      incident(),
      { status: "monitoring", message: "Watching.", components: {}, notify: true },
      "https://status.acme.test",
      NOW,
    );
    const everything = JSON.stringify(preview);
    expect(preview.event.componentIds).toEqual(["api", "db"]);
    expect(everything).not.toContain("Secret");
  });

  it("shows resolving handing affected components back, except one another open incident holds", () => {
    const other = incident({ id: "inc2", componentIds: ["db"] });
    const preview = previewUpdate(
      pageSnapshot({ ...snapshot, activeIncidents: [other] }),
      incident(),
      { status: "resolved", message: "Fixed.", components: {}, notify: true },
      "https://status.acme.test",
      NOW,
    );
    expect(preview.update.affectedComponents).toEqual([
      { code: "api", name: "API", oldStatus: "major_outage", newStatus: "operational" },
      { code: "db", name: "Database", oldStatus: "partial_outage", newStatus: "partial_outage" },
    ]);
    expect(preview.event.resolvedAt).toBe(NOW);
  });

  it("says who hears of it: nobody with notify off beyond the page, nobody at all for an internal incident", () => {
    const draft = { status: "identified" as const, message: "x", components: {}, notify: false };
    expect(previewUpdate(snapshot, incident(), draft, "https://s", NOW).notifies).toMatchObject({
      readers: true,
      subscribers: false,
      webhooks: false,
    });
    const internal = previewUpdate(
      snapshot,
      incident({ visibility: "internal" }),
      { ...draft, notify: true },
      "https://s",
      NOW,
    );
    expect(internal.notifies).toMatchObject({ readers: false, subscribers: false, webhooks: false });
    expect(internal.notifies.why).toContain("internal");
  });
});
