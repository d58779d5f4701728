import type { AffectedComponent, IncidentUpdateView, IncidentView, PageSnapshot } from "../read-model.ts";
import type { ComponentStatus, IncidentStatus } from "../statuses.ts";
import { type MailContent, updateEmail } from "../subscribers/emails.ts";
import { incidentWebhook } from "../webhooks/payloads.ts";

/** An update as typed in the incident room's composer, not yet posted. */
export interface UpdateDraft {
  status: IncidentStatus;
  message: string;
  notify: boolean;
}

export interface UpdatePreview {
  /** The incident as readers would see it right after the update (its public components only). */
  event: IncidentView;
  update: IncidentUpdateView;
  /** Who hears of it: nobody when notify is off or the incident is internal. */
  notifies: { readers: boolean; subscribers: boolean; webhooks: boolean; why: string };
  /** The subscriber mail, with placeholders where each subscriber's own links go. */
  mail: MailContent;
  /** The body a webhook endpoint is posted, as the outbox renders it. */
  webhook: unknown;
}

export const PREVIEW_UPDATE_ID = "preview";
/** Stands in for each subscriber's own signed links, which only the outbox mints. */
export const SUBSCRIBER_LINK = "(each subscriber's own link)";

/**
 * What the StatusPage object says posting the draft would record
 * (incidents.updates.preview): the statuses it sets, a resolve's hand-back
 * included, and its affected components in the page's order, worked out by
 * the code that posts it.
 */
export interface PlannedUpdate {
  components: Record<string, ComponentStatus>;
  affectedComponents: AffectedComponent[];
}

/**
 * What an update would publish, rendered by the very functions the outbox
 * uses (updateEmail, incidentWebhook) over the incident as it would stand
 * after it: nothing is written. The component part is not guessed here but
 * taken from the object (`planned`), which works it out as posting does.
 */
export function previewUpdate(
  snapshot: PageSnapshot,
  incident: IncidentView,
  draft: UpdateDraft,
  planned: PlannedUpdate,
  origin: string,
  now: string,
): UpdatePreview {
  const byId = new Map(snapshot.components.map((c) => [c.id, c]));
  const resolving = draft.status === "resolved" && incident.status !== "resolved";
  const changes = planned.components;
  // Hidden components never reach a public surface (decision 0042): the preview leaves them out as the outbox does.
  const affectedComponents = planned.affectedComponents.filter((c) => byId.has(c.code));
  const componentIds = affectedComponents.map((c) => c.code);
  const update: IncidentUpdateView = {
    id: PREVIEW_UPDATE_ID,
    status: draft.status,
    body: draft.message,
    createdAt: now,
    updatedAt: now,
    displayAt: now,
    affectedComponents: affectedComponents.length > 0 ? affectedComponents : null,
    deliverNotifications: draft.notify,
  };
  const publicUpdates = incident.updates.map((u) => ({
    ...u,
    affectedComponents: u.affectedComponents?.filter((c) => byId.has(c.code)) ?? null,
  }));
  const event: IncidentView = {
    ...incident,
    status: draft.status,
    updatedAt: now,
    resolvedAt: resolving ? now : incident.resolvedAt,
    componentIds,
    updates: [update, ...publicUpdates],
  };
  const after: PageSnapshot = {
    ...snapshot,
    components: snapshot.components.map((c) =>
      changes[c.id] && changes[c.id] !== c.status
        ? { ...c, status: changes[c.id] as ComponentStatus, updatedAt: now }
        : c,
    ),
    activeIncidents: [
      ...(resolving || incident.visibility === "internal" ? [] : [event]),
      ...snapshot.activeIncidents.filter((i) => i.id !== incident.id),
    ],
  };
  const base = origin.replace(/\/$/, "");
  const links = { manage: SUBSCRIBER_LINK, unsubscribe: SUBSCRIBER_LINK };
  const names = new Map(snapshot.components.map((c) => [c.id, c.name]));
  const mail = updateEmail(snapshot.page, event, update, names, `${base}/incidents/${incident.id}`, links);
  const webhook = incidentWebhook(after, event, PREVIEW_UPDATE_ID, {
    documentation: `${base}/api/v1/docs`,
    unsubscribe: `${base}/api/v1/webhooks/(each endpoint's id)`,
    generatedAt: now,
  });
  return { event, update, notifies: reachOf(incident, draft), mail, webhook };
}

function reachOf(incident: IncidentView, draft: UpdateDraft): UpdatePreview["notifies"] {
  if (incident.visibility === "internal") {
    return {
      readers: false,
      subscribers: false,
      webhooks: false,
      why: "This incident is internal: the update stays in the console. Readers, subscribers and webhooks get nothing.",
    };
  }
  if (!draft.notify) {
    return {
      readers: true,
      subscribers: false,
      webhooks: false,
      why: "Shown on the public page, but nobody is notified: subscribers get no mail and webhooks no post.",
    };
  }
  return {
    readers: true,
    subscribers: true,
    webhooks: true,
    why: "Shown on the public page; mailed to subscribers who follow the affected components (or all of them) and posted to webhooks (unless an ops flag holds mail or webhooks).",
  };
}
