import { ApiProblem } from "../../../worker/core/api/contract.ts";
import { checkMaintenanceTransition } from "../../../worker/core/incidents/lifecycle.ts";
import type { MaintenanceView } from "../../../worker/core/read-model.ts";
import { loadEvents } from "../events.ts";
import { advanceMaintenances, completeMaintenance, startMaintenance } from "../maintenances.ts";
import { addIncidentUpdate, createMaintenance, linkComponents } from "../writes.ts";
import { type Handler, notFound, recordAudit, requireRevision, withRevision } from "./context.ts";
import { checkComponents, pageOf } from "./lists.ts";

export function loadMaintenance(sql: SqlStorage, id: string): MaintenanceView {
  const event = loadEvents(sql, { where: "id = ?", params: [id], includeHiddenComponents: true })[0];
  if (event?.kind !== "maintenance") throw notFound("maintenance", id);
  return event;
}

export const createMaintenanceHandler: Handler<"maintenances.create"> = (context) => {
  const { sql, body, now } = context;
  if (Date.parse(body.scheduledUntil) <= now) {
    throw new ApiProblem(422, "validation_failed", "the window has already ended", [
      { path: "scheduledUntil", message: "must be in the future" },
    ]);
  }
  checkComponents(sql, body.components, "components");
  const id = createMaintenance(
    sql,
    {
      name: body.name,
      body: body.message,
      scheduledFor: body.scheduledFor,
      scheduledUntil: body.scheduledUntil,
      componentIds: body.components,
      visibility: body.visibility,
      deliverNotifications: body.notify,
    },
    now,
  );
  // A window that has already begun starts now rather than at the next heartbeat.
  advanceMaintenances(sql, now);
  const created = loadMaintenance(sql, id);
  recordAudit(context, "maintenance.create", id, null, created);
  return withRevision(created, 201);
};

export const listMaintenancesHandler: Handler<"maintenances.list"> = ({ sql, query }) => {
  const where = ["kind = 'maintenance'"];
  const params: unknown[] = [];
  if (query.status) {
    where.push("status = ?");
    params.push(query.status);
  }
  return {
    status: 200,
    body: pageOf(sql, { where, params, order: "scheduled_for", direction: query.order }, query),
  };
};

export const getMaintenanceHandler: Handler<"maintenances.get"> = ({ sql, params }) =>
  withRevision(loadMaintenance(sql, params.id ?? ""));

export const editMaintenanceHandler: Handler<"maintenances.edit"> = (context) => {
  const { sql, params, body, now } = context;
  const before = loadMaintenance(sql, params.id ?? "");
  requireRevision(context.ifMatch, before.revision);
  if (before.status === "completed") throw new ApiProblem(409, "completed", "the maintenance is already completed");
  const notScheduled = (field: string) =>
    new ApiProblem(409, "already_started", `${field} can only change before the window starts`, [
      { path: field, message: "the window has started" },
    ]);
  if (body.scheduledFor !== undefined && before.status !== "scheduled") throw notScheduled("scheduledFor");
  if (body.components !== undefined && before.status !== "scheduled") throw notScheduled("components");
  const from = Date.parse(body.scheduledFor ?? before.scheduledFor);
  const until = Date.parse(body.scheduledUntil ?? before.scheduledUntil);
  if (until <= from) {
    throw new ApiProblem(422, "validation_failed", "the window must end after it starts", [
      { path: "scheduledUntil", message: "must be after scheduledFor" },
    ]);
  }
  if (body.components) {
    checkComponents(sql, body.components, "components");
    sql.exec(`DELETE FROM incident_components WHERE incident_id = ?`, before.id);
    linkComponents(sql, before.id, body.components);
  }
  sql.exec(
    `UPDATE incidents SET name = ?, scheduled_for = ?, started_at = ?, scheduled_until = ?, updated_at = ?,
       revision = revision + 1 WHERE id = ?`,
    body.name ?? before.name,
    from,
    from,
    until,
    now,
    before.id,
  );
  // Moving the end into the past completes it now; an extension simply runs on.
  advanceMaintenances(sql, now);
  const after = loadMaintenance(sql, before.id);
  recordAudit(context, "maintenance.edit", before.id, before, after);
  return withRevision(after);
};

export const postMaintenanceUpdateHandler: Handler<"maintenances.updates.create"> = (context) => {
  const { sql, params, body, now } = context;
  const before = loadMaintenance(sql, params.id ?? "");
  requireRevision(context.ifMatch, before.revision);
  const transition = checkMaintenanceTransition(before.status, body.status);
  if (!transition.ok) throw new ApiProblem(409, "invalid_transition", transition.reason);
  if (body.status === "in_progress" && before.status === "scheduled") {
    startMaintenance(sql, before.id, body.message, now, { deliverNotifications: body.notify });
  } else if (body.status === "completed") {
    completeMaintenance(sql, before.id, body.message, now, { deliverNotifications: body.notify });
  } else {
    addIncidentUpdate(
      sql,
      before.id,
      { status: body.status, body: body.message, deliverNotifications: body.notify },
      now,
    );
  }
  const after = loadMaintenance(sql, before.id);
  recordAudit(context, "maintenance.update", before.id, before, after);
  return withRevision(after, 201);
};

export const cancelMaintenanceHandler: Handler<"maintenances.cancel"> = (context) => {
  const { sql, params, body, now } = context;
  const before = loadMaintenance(sql, params.id ?? "");
  requireRevision(context.ifMatch, before.revision);
  if (before.status === "completed") throw new ApiProblem(409, "completed", "the maintenance is already completed");
  // Called off before it began is a cancellation; ending one under way early is a completion.
  const neverStarted = before.status === "scheduled";
  completeMaintenance(
    sql,
    before.id,
    body.message ?? (neverStarted ? "This maintenance has been cancelled." : "The maintenance ended early."),
    now,
    { deliverNotifications: body.notify },
  );
  if (neverStarted) sql.exec(`UPDATE incidents SET cancelled_at = ? WHERE id = ?`, now, before.id);
  const after = loadMaintenance(sql, before.id);
  recordAudit(context, neverStarted ? "maintenance.cancel" : "maintenance.end_early", before.id, before, after);
  return withRevision(after);
};
