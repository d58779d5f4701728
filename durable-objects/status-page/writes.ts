import { type LinkedComponent, listAffectedComponents } from "../../worker/core/incidents/affected-components.ts";
import type { AffectedComponent } from "../../worker/core/read-model.ts";
import type { ComponentStatus, Impact, IncidentStatus, MaintenanceStatus } from "../../worker/core/statuses.ts";
import { newId } from "./ids.ts";
import { notifySubscribers } from "./subscribers.ts";
import { notifyWebhooksOfComponent, notifyWebhooksOfUpdate } from "./webhooks.ts";

/**
 * Writes to incidents, maintenances and component statuses. Each runs inside
 * the object's transaction; the caller bumps the page version. Inputs are
 * already validated at the edge (the communicator API); what is checked here
 * are the facts only storage knows, such as whether a component exists.
 */

export class NotFoundError extends Error {
  override name = "NotFoundError";
}

export interface ComponentChanges {
  /** New status per component id. */
  [componentId: string]: ComponentStatus;
}

export interface NewIncident {
  name: string;
  status?: IncidentStatus;
  impact?: Impact;
  body: string;
  components?: ComponentChanges;
  /** Components the incident touches, their statuses left as they are (the monitors already set them). */
  componentIds?: string[];
  visibility?: "public" | "internal";
  /** When impact began, if before the declaration (ISO 8601). */
  startedAt?: string;
  deliverNotifications?: boolean;
  lead?: string | null;
  communicator?: string | null;
  scribe?: string | null;
  investigator?: string | null;
  /** A severity's id (console.severities); `impact` is already its mapping. */
  severity?: string | null;
}

export interface NewIncidentUpdate {
  status: IncidentStatus | MaintenanceStatus;
  body: string;
  components?: ComponentChanges;
  deliverNotifications?: boolean;
  /**
   * A transition that fell due before the page was restored (restored.ts):
   * no one hears of it, not even the followers of the components it moves.
   */
  beforeRestore?: boolean;
}

export interface NewMaintenance {
  name: string;
  body: string;
  scheduledFor: string;
  scheduledUntil: string;
  componentIds: string[];
  status?: MaintenanceStatus;
  visibility?: "public" | "internal";
  deliverNotifications?: boolean;
}

export function setComponentStatus(
  sql: SqlStorage,
  componentId: string,
  status: ComponentStatus,
  at: number,
  notify = true,
) {
  const row = sql
    .exec<{ name: string; status: ComponentStatus }>(
      `SELECT name, status FROM components WHERE id = ? AND removed_at IS NULL`,
      componentId,
    )
    .toArray()[0];
  if (!row) throw new NotFoundError(`unknown component "${componentId}"`);
  if (row.status === status) return null;
  sql.exec(`UPDATE components SET status = ?, updated_at = ? WHERE id = ?`, status, at, componentId);
  const { seq } = sql
    .exec<{ seq: number }>(
      `INSERT INTO component_status_history (component_id, status, at) VALUES (?, ?, ?) RETURNING seq`,
      componentId,
      status,
      at,
    )
    .one();
  if (notify) notifyWebhooksOfComponent(sql, componentId, seq, at);
  const change: AffectedComponent = { code: componentId, name: row.name, oldStatus: row.status, newStatus: status };
  return change;
}

function recordedChange(sql: SqlStorage, componentId: string, status: ComponentStatus): AffectedComponent | null {
  const row = sql
    .exec<{ name: string }>(`SELECT name FROM components WHERE id = ? AND removed_at IS NULL`, componentId)
    .toArray()[0];
  if (!row) throw new NotFoundError(`unknown component "${componentId}"`);
  return { code: componentId, name: row.name, oldStatus: "operational", newStatus: status };
}

/**
 * `madeBefore`: component status changes already made in this transaction by
 * someone else (the monitors, for an automatic incident), recorded as the first
 * update's for the components the incident concerns.
 */
export function createIncident(
  sql: SqlStorage,
  input: NewIncident,
  now: number,
  madeBefore: readonly AffectedComponent[] = [],
): string {
  const id = newId();
  const status = input.status ?? "investigating";
  const startedAt = input.startedAt ? Date.parse(input.startedAt) : now;
  sql.exec(
    `INSERT INTO incidents (id, kind, name, status, impact, visibility, created_at, updated_at, started_at,
       identified_at, monitoring_at, resolved_at, lead, communicator, scribe, investigator, severity)
     VALUES (?, 'incident', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    id,
    input.name,
    status,
    input.impact ?? "minor",
    input.visibility ?? "public",
    now,
    now,
    startedAt,
    status === "identified" ? now : null,
    status === "monitoring" ? now : null,
    status === "resolved" ? now : null,
    input.lead ?? null,
    input.communicator ?? null,
    input.scribe ?? null,
    input.investigator ?? null,
    input.severity ?? null,
  );
  // Linked before the first update, whose notifications go to the followers of these components.
  linkComponents(sql, id, [...Object.keys(input.components ?? {}), ...(input.componentIds ?? [])]);
  insertUpdate(
    sql,
    id,
    { status, body: input.body, components: input.components, deliverNotifications: input.deliverNotifications },
    now,
    status !== "resolved",
    madeBefore,
  );
  return id;
}

/** `madeBefore`: as for `createIncident`. */
export function addIncidentUpdate(
  sql: SqlStorage,
  incidentId: string,
  input: NewIncidentUpdate,
  now: number,
  madeBefore: readonly AffectedComponent[] = [],
): string {
  const incident = sql.exec<{ kind: string }>(`SELECT kind FROM incidents WHERE id = ?`, incidentId).toArray()[0];
  if (!incident) throw new NotFoundError(`unknown incident "${incidentId}"`);
  // The first time each stage is reached is what a report measures; reopening clears the resolution.
  sql.exec(
    `UPDATE incidents SET status = ?1, updated_at = ?2, revision = revision + 1,
       identified_at = CASE WHEN ?1 = 'identified' AND identified_at IS NULL THEN ?2 ELSE identified_at END,
       monitoring_at = CASE WHEN ?1 = 'monitoring' AND monitoring_at IS NULL THEN ?2 ELSE monitoring_at END,
       resolved_at = CASE WHEN ?1 IN ('resolved', 'completed') AND resolved_at IS NULL THEN ?2
                          WHEN ?1 IN ('investigating', 'identified', 'monitoring') THEN NULL
                          ELSE resolved_at END
     WHERE id = ?3`,
    input.status,
    now,
    incidentId,
  );
  linkComponents(sql, incidentId, Object.keys(input.components ?? {}));
  return insertUpdate(sql, incidentId, input, now, true, madeBefore);
}

export function createMaintenance(sql: SqlStorage, input: NewMaintenance, now: number): string {
  const id = newId();
  const status = input.status ?? "scheduled";
  const scheduledFor = Date.parse(input.scheduledFor);
  sql.exec(
    `INSERT INTO incidents (id, kind, name, status, impact, visibility, created_at, updated_at, started_at,
       scheduled_for, scheduled_until) VALUES (?, 'maintenance', ?, ?, 'maintenance', ?, ?, ?, ?, ?, ?)`,
    id,
    input.name,
    status,
    input.visibility ?? "public",
    now,
    now,
    scheduledFor,
    scheduledFor,
    Date.parse(input.scheduledUntil),
  );
  linkComponents(sql, id, input.componentIds);
  insertUpdate(sql, id, { status, body: input.body, deliverNotifications: input.deliverNotifications }, now);
  return id;
}

export function linkComponents(sql: SqlStorage, incidentId: string, componentIds: string[]): void {
  for (const componentId of componentIds) {
    const exists = sql.exec(`SELECT 1 FROM components WHERE id = ? AND removed_at IS NULL`, componentId).toArray();
    if (exists.length === 0) throw new NotFoundError(`unknown component "${componentId}"`);
    sql.exec(
      `INSERT INTO incident_components (incident_id, component_id) VALUES (?, ?) ON CONFLICT DO NOTHING`,
      incidentId,
      componentId,
    );
  }
}

/**
 * One timeline entry. Its component statuses are applied now, unless it
 * records the past (an incident declared already resolved): then they are
 * kept as what the incident did, and today's statuses are left alone.
 */
function insertUpdate(
  sql: SqlStorage,
  incidentId: string,
  input: NewIncidentUpdate,
  now: number,
  applyComponents = true,
  madeBefore: readonly AffectedComponent[] = [],
): string {
  const changes = Object.entries(input.components ?? {})
    .map(([componentId, status]) =>
      applyComponents
        ? setComponentStatus(sql, componentId, status, now, !input.beforeRestore)
        : recordedChange(sql, componentId, status),
    )
    .filter((change): change is AffectedComponent => change !== null);
  const affected = concernedComponents(sql, incidentId, changes, madeBefore);
  const told = input.deliverNotifications !== false && !input.beforeRestore;
  const id = newId();
  sql.exec(
    `INSERT INTO incident_updates (id, incident_id, status, body, created_at, updated_at, display_at,
       affected_components, deliver_notifications) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    id,
    incidentId,
    input.status,
    input.body,
    now,
    now,
    now,
    affected.length > 0 ? JSON.stringify(affected) : null,
    told ? 1 : 0,
  );
  // Subscribers hear of it in the same transaction, or not at all: nothing is lost between the two.
  const isPublic = sql.exec(`SELECT 1 FROM incidents WHERE id = ? AND visibility = 'public'`, incidentId).toArray();
  if (told && isPublic.length > 0) {
    notifySubscribers(sql, incidentId, id, now);
    notifyWebhooksOfUpdate(sql, incidentId, id, now);
  }
  return id;
}

/**
 * What an update records in `affected_components`, as Statuspage does: every
 * component the incident concerns, with the change this update made to it, or
 * its status then (old = new) when it made none; grouped ones named
 * "Group - Component". Taken at write time, so the record says what was true
 * when the update was posted, whatever set the status (a person or a monitor).
 * `madeBefore` (changes the monitors made just before) only supplies the old
 * status of components the incident concerns; it adds none.
 */
function concernedComponents(
  sql: SqlStorage,
  incidentId: string,
  changes: AffectedComponent[],
  madeBefore: readonly AffectedComponent[] = [],
): AffectedComponent[] {
  return listAffectedComponents(linkedComponents(sql, incidentId), changes, madeBefore);
}

/** The components an incident concerns, plus `also` (linked by the update to come), in the page's order. */
function linkedComponents(sql: SqlStorage, incidentId: string, also: readonly string[] = []): LinkedComponent[] {
  return sql
    .exec<{ id: string; name: string; status: ComponentStatus; group_name: string | null }>(
      `SELECT c.id, c.name, c.status, g.name AS group_name FROM components c
         LEFT JOIN groups g ON g.id = c.group_id AND g.removed_at IS NULL
       WHERE c.removed_at IS NULL AND (c.id IN (SELECT component_id FROM incident_components WHERE incident_id = ?)
         OR c.id IN (SELECT value FROM json_each(?)))
       ORDER BY c.position`,
      incidentId,
      JSON.stringify(also),
    )
    .toArray()
    .map((row) => ({ id: row.id, name: row.name, status: row.status, groupName: row.group_name }));
}

/**
 * What an update setting `components` would record in `affected_components`,
 * nothing written: the same list `insertUpdate` makes (a status already
 * shown is no change, as setComponentStatus has it).
 */
export function plannedAffectedComponents(
  sql: SqlStorage,
  incidentId: string,
  components: ComponentChanges,
): AffectedComponent[] {
  const linked = linkedComponents(sql, incidentId, Object.keys(components));
  const changes = linked.flatMap((row): AffectedComponent[] => {
    const status = components[row.id];
    return status && status !== row.status
      ? [{ code: row.id, name: row.name, oldStatus: row.status, newStatus: status }]
      : [];
  });
  return listAffectedComponents(linked, changes);
}
