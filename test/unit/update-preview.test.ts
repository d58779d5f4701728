import { describe, expect, it } from "vitest";
import { type PlannedUpdate, previewUpdate } from "../../worker/core/incidents/update-preview.ts";
import type { IncidentView } from "../../worker/core/read-model.ts";
import { componentView, incidentView, pageSnapshot, updateView } from "../helpers/read-model-fixtures.ts";

const NOW = "2026-11-22T16:05:00.000Z";

function incident(overrides: Partial<IncidentView> = {}): IncidentView {
  return incidentView({
    createdAt: "2026-11-22T15:50:00.000Z",
    updatedAt: "2026-11-22T15:50:00.000Z",
    startedAt: "2026-11-22T15:45:00.000Z",
    // "secret" is a hidden component: only the API names it.
    componentIds: ["api", "db", "secret"],
    updates: [
      updateView({
        id: "u1",
        status: "investigating",
        body: "Looking.",
        displayAt: "2026-11-22T15:50:00.000Z",
        affectedComponents: [
          { code: "api", name: "API", oldStatus: "operational", newStatus: "major_outage" },
          { code: "secret", name: "Secret", oldStatus: "operational", newStatus: "major_outage" },
        ],
      }),
    ],
    ...overrides,
  });
}

const snapshot = pageSnapshot({
  components: [
    componentView("api", "API", { status: "major_outage" }),
    componentView("db", "Database", { status: "partial_outage" }),
    componentView("web", "Website"),
  ],
});

/** What the object plans for an update that names nothing: every linked component as it stands. */
const standing: PlannedUpdate = {
  components: {},
  affectedComponents: [
    { code: "api", name: "API", oldStatus: "major_outage", newStatus: "major_outage" },
    { code: "db", name: "Database", oldStatus: "partial_outage", newStatus: "partial_outage" },
    { code: "secret", name: "Secret", oldStatus: "major_outage", newStatus: "major_outage" },
  ],
};

describe("previewUpdate", () => {
  it("renders the update as the outbox would: mail subject and text, webhook body, newest update first", () => {
    const preview = previewUpdate(
      snapshot,
      incident(),
      { status: "identified", message: "A bad deploy.", notify: true },
      {
        components: { web: "degraded_performance" },
        affectedComponents: [
          ...standing.affectedComponents,
          { code: "web", name: "Website", oldStatus: "operational", newStatus: "degraded_performance" },
        ],
      },
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
      { status: "monitoring", message: "Watching.", notify: true },
      standing,
      "https://status.acme.test",
      NOW,
    );
    const everything = JSON.stringify(preview);
    expect(preview.event.componentIds).toEqual(["api", "db"]);
    expect(everything).not.toContain("Secret");
  });

  it("shows the statuses and order the object planned (a resolve's hand-back), in the mail and the webhook", () => {
    const planned: PlannedUpdate = {
      components: { api: "partial_outage" },
      affectedComponents: [
        { code: "db", name: "Database", oldStatus: "partial_outage", newStatus: "partial_outage" },
        { code: "api", name: "API", oldStatus: "major_outage", newStatus: "partial_outage" },
      ],
    };
    const preview = previewUpdate(
      snapshot,
      incident(),
      { status: "resolved", message: "Fixed.", notify: true },
      planned,
      "https://status.acme.test",
      NOW,
    );
    expect(preview.update.affectedComponents).toEqual(planned.affectedComponents);
    expect(preview.event.componentIds).toEqual(["db", "api"]);
    expect(preview.mail.text).toContain("Now: Database: Partial outage; API: Partial outage");
    const webhook = preview.webhook as { incident: { components: { id: string; status: string }[] } };
    expect(webhook.incident.components.map((c) => [c.id, c.status])).toEqual([
      ["db", "partial_outage"],
      ["api", "partial_outage"],
    ]);
    expect(preview.event.resolvedAt).toBe(NOW);
  });

  it("says who hears of it: nobody with notify off beyond the page, nobody at all for an internal incident", () => {
    const draft = { status: "identified" as const, message: "x", notify: false };
    expect(previewUpdate(snapshot, incident(), draft, standing, "https://s", NOW).notifies).toMatchObject({
      readers: true,
      subscribers: false,
      webhooks: false,
    });
    const internal = previewUpdate(
      snapshot,
      incident({ visibility: "internal" }),
      { ...draft, notify: true },
      standing,
      "https://s",
      NOW,
    );
    expect(internal.notifies).toMatchObject({ readers: false, subscribers: false, webhooks: false });
    expect(internal.notifies.why).toContain("internal");
  });
});
