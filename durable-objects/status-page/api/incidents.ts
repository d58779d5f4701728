import { ApiProblem } from "../../../worker/core/api/contract.ts";
import { checkIncidentTransition } from "../../../worker/core/incidents/lifecycle.ts";
import { resolveSeverity } from "../../../worker/core/incidents/severity.ts";
import type { IncidentView } from "../../../worker/core/read-model.ts";
import type { ComponentStatus } from "../../../worker/core/statuses.ts";
import { handOverToPerson } from "../auto-incidents.ts";
import { loadEvents } from "../events.ts";
import { monitorStatusOf } from "../monitors.ts";
import { readSeverities } from "../severities.ts";
import { forgetKnownEvents } from "../snapshot.ts";
import { addIncidentUpdate, type ComponentChanges, createIncident, plannedAffectedComponents } from "../writes.ts";
import { type Handler, notFound, recordAudit, requireRevision, withRevision } from "./context.ts";
import { checkComponents, pageOf } from "./lists.ts";

/** An incident as the API shows it: internal ones and draft reports included. */
export function loadIncident(sql: SqlStorage, id: string): IncidentView {
  const event = loadEvents(sql, {
    where: "id = ?",
    params: [id],
    includeDraftReports: true,
    includeHiddenComponents: true,
  })[0];
  if (event?.kind !== "incident") throw notFound("incident", id);
  return event;
}

/** An internal incident must not move public component statuses: that would tell readers what it hides. */
function refusePublicEffects(visibility: string, components: ComponentChanges | undefined): void {
  if (visibility === "internal" && components && Object.keys(components).length > 0) {
    throw new ApiProblem(422, "internal_incident_components", "an internal incident cannot change component statuses", [
      { path: "components", message: "make the incident public first, or leave components out" },
    ]);
  }
}

function refuseFutureStart(startedAt: string | undefined, now: number): void {
  if (startedAt && Date.parse(startedAt) > now + 60_000) {
    throw new ApiProblem(422, "validation_failed", "an incident cannot start in the future", [
      { path: "startedAt", message: "must not be in the future" },
    ]);
  }
}

export const createIncidentHandler: Handler<"incidents.create"> = (context) => {
  const { body, sql, now } = context;
  refuseFutureStart(body.startedAt, now);
  refusePublicEffects(body.visibility, body.components);
  checkComponents(sql, Object.keys(body.components ?? {}), "components");
  const chosen = resolveSeverity(readSeverities(sql), body);
  const id = createIncident(
    sql,
    {
      name: body.name,
      body: body.message,
      status: body.status,
      impact: chosen.impact ?? "minor",
      severity: chosen.severity ?? null,
      components: body.components,
      visibility: body.visibility,
      startedAt: body.startedAt,
      deliverNotifications: body.notify,
      lead: body.lead ?? null,
      communicator: body.communicator ?? null,
      scribe: body.scribe ?? null,
      investigator: body.investigator ?? null,
    },
    now,
  );
  const created = loadIncident(sql, id);
  recordAudit(context, "incident.create", id, null, created);
  return withRevision(created, 201);
};

export const listIncidentsHandler: Handler<"incidents.list"> = ({ sql, query }) => {
  const where: string[] = ["kind = 'incident'"];
  const params: unknown[] = [];
  if (query.status === "open") where.push(`status IN ('investigating', 'identified', 'monitoring')`);
  else if (query.status) {
    where.push("status = ?");
    params.push(query.status);
  }
  if (query.visibility) {
    where.push("visibility = ?");
    params.push(query.visibility);
  }
  return { status: 200, body: pageOf(sql, { where, params, order: "created_at" }, query) };
};

export const getIncidentHandler: Handler<"incidents.get"> = ({ sql, params }) =>
  withRevision(loadIncident(sql, params.id ?? ""));

export const editIncidentHandler: Handler<"incidents.edit"> = (context) => {
  const { sql, params, body, now } = context;
  const before = loadIncident(sql, params.id ?? "");
  requireRevision(context.ifMatch, before.revision);
  refuseFutureStart(body.startedAt, now);
  if (body.visibility === "internal" && before.visibility === "public") {
    throw new ApiProblem(
      409,
      "already_public",
      "a public incident cannot be made internal: readers and subscribers have seen it",
    );
  }
  const set: string[] = [];
  const values: unknown[] = [];
  const assign = (column: string, value: unknown) => {
    set.push(`${column} = ?`);
    values.push(value);
  };
  if (body.name !== undefined) assign("name", body.name);
  const severities = readSeverities(sql);
  const chosen = resolveSeverity(severities, body);
  if (chosen.impact !== undefined) assign("impact", chosen.impact);
  if (chosen.severity !== undefined) assign("severity", chosen.severity);
  // An impact alone that is no longer its severity's leaves the incident without one rather than a false name.
  else if (chosen.impact !== undefined && severities.find((s) => s.id === before.severity)?.impact !== chosen.impact)
    assign("severity", null);
  if (body.visibility !== undefined) assign("visibility", body.visibility);
  // Made public: the edge's filter of public ids is built afresh to include it.
  if (body.visibility === "public" && before.visibility !== "public") forgetKnownEvents(sql);
  if (body.startedAt !== undefined) assign("started_at", Date.parse(body.startedAt));
  if (body.lead !== undefined) assign("lead", body.lead);
  if (body.communicator !== undefined) assign("communicator", body.communicator);
  if (body.scribe !== undefined) assign("scribe", body.scribe);
  if (body.investigator !== undefined) assign("investigator", body.investigator);
  sql.exec(
    `UPDATE incidents SET ${set.join(", ")}, updated_at = ?, revision = revision + 1 WHERE id = ?`,
    ...values,
    now,
    before.id,
  );
  const after = loadIncident(sql, before.id);
  recordAudit(context, "incident.edit", before.id, before, after);
  return withRevision(after);
};

/**
 * The component statuses an update sets, checked as posting checks them:
 * what it names, and on a resolve the hand-back of the rest. Posting and
 * previewing both take it from here, so a preview shows what a post does.
 */
function componentsOfUpdate(
  sql: SqlStorage,
  before: IncidentView,
  body: { status: IncidentView["status"]; components?: ComponentChanges | undefined },
): ComponentChanges | undefined {
  const transition = checkIncidentTransition(before.status, body.status);
  if (!transition.ok) throw new ApiProblem(409, "invalid_transition", transition.reason);
  refusePublicEffects(before.visibility, body.components);
  checkComponents(sql, Object.keys(body.components ?? {}), "components");
  // Resolving hands back every affected component the update does not name itself.
  const resolving = body.status === "resolved" && before.status !== "resolved";
  return resolving ? { ...handBack(sql, before), ...body.components } : body.components;
}

/** What posting this update would record (its changes and affected components), written nowhere. */
export const previewIncidentUpdateHandler: Handler<"incidents.updates.preview"> = ({ sql, params, body }) => {
  const before = loadIncident(sql, params.id ?? "");
  const components = componentsOfUpdate(sql, before, body) ?? {};
  return {
    status: 200,
    body: { components, affectedComponents: plannedAffectedComponents(sql, before.id, components) },
  };
};

export const postIncidentUpdateHandler: Handler<"incidents.updates.create"> = (context) => {
  const { sql, params, body, now } = context;
  const before = loadIncident(sql, params.id ?? "");
  requireRevision(context.ifMatch, before.revision);
  const components = componentsOfUpdate(sql, before, body);
  addIncidentUpdate(
    sql,
    before.id,
    { status: body.status, body: body.message, components, deliverNotifications: body.notify },
    now,
  );
  handOverToPerson(sql, before.id);
  const after = loadIncident(sql, before.id);
  recordAudit(context, "incident.update", before.id, before, after);
  return withRevision(after, 201);
};

/**
 * Resolving without naming components: each affected component that is not
 * operational goes back to what its monitors say, or operational, unless
 * another open incident still holds it.
 */
function handBack(sql: SqlStorage, incident: IncidentView): ComponentChanges {
  const changes: ComponentChanges = {};
  for (const componentId of incident.componentIds) {
    const row = sql
      .exec<{ status: ComponentStatus }>(
        `SELECT status FROM components WHERE id = ? AND removed_at IS NULL`,
        componentId,
      )
      .toArray()[0];
    if (!row || row.status === "operational" || row.status === "under_maintenance") continue;
    const heldElsewhere =
      sql
        .exec(
          `SELECT 1 FROM incident_components ic JOIN incidents i ON i.id = ic.incident_id
           WHERE ic.component_id = ? AND i.id != ? AND i.kind = 'incident'
             AND i.status IN ('investigating', 'identified', 'monitoring') LIMIT 1`,
          componentId,
          incident.id,
        )
        .toArray().length > 0;
    if (!heldElsewhere) changes[componentId] = monitorStatusOf(sql, componentId) ?? "operational";
  }
  return changes;
}
