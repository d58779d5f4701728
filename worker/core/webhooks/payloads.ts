import type { IncidentView, MaintenanceView, PageSnapshot } from "../read-model.ts";
import type { ComponentStatus } from "../statuses.ts";
import { componentJson, incidentJson, maintenanceJson, pageStatusOf } from "../statuspage/json.ts";

/**
 * Webhook bodies in the shape Statuspage sends, so a consumer written for
 * Statuspage reads Lookout's unchanged: `meta`, `page` with the page's status
 * indicator, then either `incident` or `component_update` with `component`.
 * `meta.event_type` names which (Statuspage consumers tell them apart by the
 * keys present; either way works).
 */
export type WebhookEventType = "incident.updated" | "component.updated" | "webhook.test";

export interface WebhookMeta {
  /** Where the page documents its webhooks. */
  documentation: string;
  /**
   * Statuspage's unsubscribe link, a string its consumers read: here the
   * endpoint's own address in the communicator API, where a DELETE ends it.
   */
  unsubscribe: string;
  generatedAt: string;
}

function envelope(snapshot: PageSnapshot, type: WebhookEventType, meta: WebhookMeta) {
  const status = pageStatusOf(snapshot);
  return {
    meta: {
      event_type: type,
      unsubscribe: meta.unsubscribe,
      documentation: meta.documentation,
      generated_at: meta.generatedAt,
    },
    page: {
      id: snapshot.page.id,
      name: snapshot.page.name,
      url: snapshot.page.url,
      status_indicator: status.indicator,
      status_description: status.description,
    },
  };
}

/**
 * An incident or maintenance as it stood right after one of its updates: that
 * update and the ones before it, and its status then. A delivery retried hours
 * later still describes the moment it announces.
 */
export function incidentWebhook(
  snapshot: PageSnapshot,
  event: IncidentView | MaintenanceView,
  updateId: string,
  meta: WebhookMeta,
) {
  const at = event.updates.findIndex((u) => u.id === updateId);
  const update = event.updates[at];
  if (!update) throw new Error(`update ${updateId} is not part of ${event.id}`);
  const asThen = { ...event, status: update.status, updates: event.updates.slice(at) } as typeof event;
  const incident = asThen.kind === "maintenance" ? maintenanceJson(asThen, snapshot) : incidentJson(asThen, snapshot);
  const report = asThen.kind === "incident" && asThen.report?.publishedAt ? asThen.report : null;
  const maintenance = asThen.kind === "maintenance";
  return {
    ...envelope(snapshot, "incident.updated", meta),
    incident: {
      // Statuspage's incident webhook keys, with the values it sends when there is nothing to say.
      backfilled: false,
      impact_override: null,
      postmortem_body_last_updated_at: report?.updatedAt ?? null,
      postmortem_ignored: false,
      postmortem_notified_subscribers: false,
      postmortem_notified_twitter: false,
      scheduled_for: null,
      scheduled_until: null,
      // Lookout opens and closes a window by itself and reminds subscribers before it starts.
      scheduled_auto_transition: maintenance,
      scheduled_remind_prior: maintenance,
      scheduled_reminded_at: asThen.kind === "maintenance" ? (asThen.remindedAt ?? null) : null,
      organization_id: snapshot.page.id,
      ...incident,
      incident_updates: incident.incident_updates.map((update) => ({
        ...update,
        twitter_updated_at: null,
        wants_twitter_update: false,
      })),
      postmortem_body: report
        ? [report.summary, report.whoWasAffected, report.whatHappened, report.prevention].join("\n\n")
        : null,
      postmortem_published_at: report?.publishedAt ?? null,
    },
  };
}

export interface ComponentChange {
  /** Stable per change: the status history row. */
  id: string;
  componentId: string;
  oldStatus: ComponentStatus;
  newStatus: ComponentStatus;
  at: string;
}

export function componentWebhook(snapshot: PageSnapshot, change: ComponentChange, meta: WebhookMeta) {
  const component = snapshot.components.find((c) => c.id === change.componentId);
  if (!component) throw new Error(`component ${change.componentId} is not on the page`);
  return {
    ...envelope(snapshot, "component.updated", meta),
    component_update: {
      id: change.id,
      component_id: change.componentId,
      component_type: "Component",
      old_status: change.oldStatus,
      new_status: change.newStatus,
      created_at: change.at,
    },
    // The full component object, as it stood right after the change it announces.
    component: { ...componentJson(component, snapshot), status: change.newStatus },
  };
}

/** What "send a test" delivers: the envelope and nothing that could be mistaken for an event. */
export function testWebhook(snapshot: PageSnapshot, meta: WebhookMeta) {
  return { ...envelope(snapshot, "webhook.test", meta), test: true };
}
