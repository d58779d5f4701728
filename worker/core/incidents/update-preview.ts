import type { AffectedComponent, IncidentUpdateView, IncidentView, PageSnapshot } from "../read-model.ts";
import type { ComponentStatus, IncidentStatus } from "../statuses.ts";
import { type MailContent, updateEmail } from "../subscribers/emails.ts";
import { incidentWebhook } from "../webhooks/payloads.ts";

/** An update as typed in the incident room's composer, not yet posted. */
export interface UpdateDraft {
  status: IncidentStatus;
  message: string;
  /** Components named in the update and the status each gets. */
  components: Record<string, ComponentStatus>;
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
 * What an update would publish, rendered by the very functions the outbox
 * uses (updateEmail, incidentWebhook) over the incident as it would stand
 * after it: nothing is written. Resolving hands affected components back
 * (api/incidents.ts handBack); the preview shows them operational, which is
 * what that does unless a monitor still sees trouble; one another open
 * incident holds keeps its status, as there.
 */
export function previewUpdate(
  snapshot: PageSnapshot,
  incident: IncidentView,
  draft: UpdateDraft,
  origin: string,
  now: string,
): UpdatePreview {
  const byId = new Map(snapshot.components.map((c) => [c.id, c]));
  const groupNames = new Map(snapshot.groups.map((g) => [g.id, g.name]));
  const resolving = draft.status === "resolved" && incident.status !== "resolved";
  const changes: Record<string, ComponentStatus> = {};
  if (resolving) {
    const heldElsewhere = new Set(
      snapshot.activeIncidents.filter((i) => i.id !== incident.id).flatMap((i) => i.componentIds),
    );
    for (const id of incident.componentIds) {
      const status = byId.get(id)?.status;
      if (!status || status === "operational" || status === "under_maintenance" || heldElsewhere.has(id)) continue;
      changes[id] = "operational";
    }
  }
  Object.assign(changes, draft.components);
  // Hidden components never reach a public surface (decision 0042): the preview leaves them out as the outbox does.
  const componentIds = [...new Set([...incident.componentIds, ...Object.keys(changes)])].filter((id) => byId.has(id));
  const affectedComponents: AffectedComponent[] = componentIds.map((id) => {
    const component = byId.get(id);
    const old = component?.status ?? "operational";
    const group = component?.groupId ? groupNames.get(component.groupId) : undefined;
    const name = component?.name ?? id;
    return { code: id, name: group ? `${group} - ${name}` : name, oldStatus: old, newStatus: changes[id] ?? old };
  });
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
      changes[c.id] ? { ...c, status: changes[c.id] as ComponentStatus } : c,
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
