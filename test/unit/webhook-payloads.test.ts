import { describe, expect, it } from "vitest";
import type { ComponentView } from "../../worker/core/read-model.ts";
import { componentWebhook, incidentWebhook, testWebhook } from "../../worker/core/webhooks/payloads.ts";
import {
  componentView,
  incidentView,
  maintenanceView,
  pageSnapshot,
  updateView,
} from "../helpers/read-model-fixtures.ts";
import { STATUSPAGE_COMPONENT_KEYS } from "../helpers/statuspage-keys.ts";

/**
 * What a Statuspage consumer reads from a webhook, per statuspage-v2.md's
 * webhook section and Statuspage's documented payloads: the full component
 * object, the incident with every key Statuspage sends (null/false where
 * Lookout has nothing to say), and `meta.unsubscribe` as a string.
 */

function component(id: string, name: string, groupId: string | null, position: number): ComponentView {
  return componentView(id, name, {
    description: `${name} description`,
    groupId,
    position,
    startDate: "2026-01-01",
    updatedAt: "2026-01-02T00:00:00.000Z",
  });
}

const snapshot = pageSnapshot({
  page: { id: "p1", name: "Acme", url: "https://status.acme.test", timeZone: "UTC", homepage: null },
  groups: [
    {
      id: "core",
      name: "Core",
      description: null,
      position: 1,
      createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-01T00:00:00.000Z",
    },
  ],
  components: [component("web", "Website", null, 1), component("api", "API", "core", 2)],
});

const incident = incidentView({
  status: "resolved",
  updatedAt: "2026-11-22T15:05:00.000Z",
  resolvedAt: "2026-11-22T15:05:00.000Z",
  revision: 2,
  componentIds: ["api"],
  updates: [
    updateView({
      id: "u2",
      status: "resolved",
      body: "Fixed.",
      displayAt: "2026-11-22T15:05:00.000Z",
      affectedComponents: [{ code: "api", name: "Core - API", oldStatus: "major_outage", newStatus: "operational" }],
    }),
    updateView({
      id: "u1",
      status: "investigating",
      body: "Looking.",
      displayAt: "2026-11-22T14:02:00.000Z",
      affectedComponents: [{ code: "api", name: "Core - API", oldStatus: "operational", newStatus: "major_outage" }],
    }),
  ],
});

const maintenance = maintenanceView({
  componentIds: ["web"],
  updates: [updateView({ id: "mu1", status: "scheduled", body: "Planned.", displayAt: "2026-11-20T10:00:00.000Z" })],
  remindedAt: "2026-11-25T01:00:00.000Z",
});

const meta = {
  documentation: "https://status.acme.test/api/v1/docs",
  unsubscribe: "https://status.acme.test/api/v1/webhooks/wh_1",
  generatedAt: "2026-11-22T16:00:01.000Z",
};

/** The keys Statuspage's incident webhook carries, with the value it sends when there is nothing to say. */
const STATUSPAGE_INCIDENT_DEFAULTS = {
  backfilled: false,
  impact_override: null,
  postmortem_body: null,
  postmortem_body_last_updated_at: null,
  postmortem_ignored: false,
  postmortem_notified_subscribers: false,
  postmortem_notified_twitter: false,
  postmortem_published_at: null,
  scheduled_for: null,
  scheduled_until: null,
  scheduled_remind_prior: false,
  scheduled_reminded_at: null,
  scheduled_auto_transition: false,
};

describe("webhook payloads", () => {
  it("an incident carries every key Statuspage sends, with its null/false defaults", () => {
    const payload = incidentWebhook(snapshot, incident, "u2", meta) as unknown as Record<
      string,
      Record<string, unknown>
    >;
    expect(payload.incident).toMatchObject({
      ...STATUSPAGE_INCIDENT_DEFAULTS,
      id: "inc1",
      name: "Elevated API errors",
      status: "resolved",
      impact: "major",
      organization_id: "p1",
      page_id: "p1",
      shortlink: "https://status.acme.test/incidents/inc1",
    });
    for (const key of Object.keys(STATUSPAGE_INCIDENT_DEFAULTS)) expect(payload.incident).toHaveProperty(key);
    const updates = payload.incident?.incident_updates as Record<string, unknown>[];
    for (const update of updates) {
      expect(update).toMatchObject({ twitter_updated_at: null, wants_twitter_update: false, custom_tweet: null });
    }
  });

  it("a maintenance carries its window and says Lookout moves it through its states and reminds subscribers", () => {
    const payload = incidentWebhook(snapshot, maintenance, "mu1", meta) as unknown as Record<
      string,
      Record<string, unknown>
    >;
    expect(payload.incident).toMatchObject({
      scheduled_for: "2026-11-25T02:00:00.000Z",
      scheduled_until: "2026-11-25T04:00:00.000Z",
      scheduled_auto_transition: true,
      scheduled_remind_prior: true,
      scheduled_reminded_at: "2026-11-25T01:00:00.000Z",
      impact: "maintenance",
    });
  });

  it("a component change carries the full component object, as it stood after the change", () => {
    const payload = componentWebhook(
      snapshot,
      {
        id: "7",
        componentId: "api",
        oldStatus: "operational",
        newStatus: "major_outage",
        at: "2026-11-22T14:02:00.000Z",
      },
      meta,
    ) as unknown as Record<string, Record<string, unknown>>;
    expect(Object.keys(payload.component ?? {}).sort()).toEqual(STATUSPAGE_COMPONENT_KEYS);
    expect(payload.component).toMatchObject({
      id: "api",
      name: "API",
      status: "major_outage",
      group_id: "core",
      group: false,
      page_id: "p1",
      position: 1,
      description: "API description",
      start_date: "2026-01-01",
    });
    expect(payload.component_update).toMatchObject({ component_id: "api", old_status: "operational" });
  });

  it("meta.unsubscribe is a string (the endpoint's own address), as Statuspage clients expect", () => {
    for (const payload of [
      incidentWebhook(snapshot, incident, "u1", meta),
      testWebhook(snapshot, meta),
      componentWebhook(
        snapshot,
        { id: "8", componentId: "web", oldStatus: "operational", newStatus: "partial_outage", at: meta.generatedAt },
        meta,
      ),
    ]) {
      expect(payload.meta.unsubscribe).toBe("https://status.acme.test/api/v1/webhooks/wh_1");
      expect(payload.meta).toMatchObject({ documentation: meta.documentation, generated_at: meta.generatedAt });
    }
  });
});
