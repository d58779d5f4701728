import { ApiProblem } from "../../../worker/core/api/contract.ts";
import { draftReport } from "../../../worker/core/reports/draft-report.ts";
import type { StatusTransition } from "../../../worker/core/uptime.ts";
import { observationsFor } from "../monitor-observations.ts";
import { pageInfo } from "../page-info.ts";
import { transitionsSince } from "../snapshot.ts";
import { addIncidentUpdate } from "../writes.ts";
import { type Handler, recordAudit, requireRevision, withRevision } from "./context.ts";
import { loadIncident } from "./incidents.ts";

/**
 * Lookout drafts the report from the record (times, durations, components,
 * what the monitors saw); a person edits the four parts and publishes.
 */
export const getReportHandler: Handler<"reports.get"> = ({ sql, params, now }) => {
  const incident = loadIncident(sql, params.id ?? "");
  const componentNames = new Map(
    sql
      .exec<{ id: string; name: string }>(`SELECT id, name FROM components`)
      .toArray()
      .map((row) => [row.id, row.name]),
  );
  const transitions = new Map<string, StatusTransition[]>(
    incident.componentIds.map((id) => [id, transitionsSince(sql, id, Date.parse(incident.startedAt))]),
  );
  const page = pageInfo(sql);
  const startedAt = Date.parse(incident.startedAt);
  const end = incident.resolvedAt ? Date.parse(incident.resolvedAt) : now;
  const observations = observationsFor(sql, incident.componentIds, startedAt, end);
  const timeZone = page?.timeZone ?? "UTC";
  const draft = draftReport({ incident, componentNames, transitions, observations, timeZone, now });
  return withRevision(incident, 200, { report: incident.report, draft });
};

export const putReportHandler: Handler<"reports.put"> = (context) => {
  const { sql, params, body, now } = context;
  const before = loadIncident(sql, params.id ?? "");
  requireRevision(context.ifMatch, before.revision);
  sql.exec(
    `INSERT INTO reports (incident_id, summary, who_was_affected, what_happened, prevention, created_at, updated_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
     ON CONFLICT (incident_id) DO UPDATE SET summary = ?2, who_was_affected = ?3, what_happened = ?4,
       prevention = ?5, updated_at = ?6`,
    before.id,
    body.summary,
    body.whoWasAffected,
    body.whatHappened,
    body.prevention,
    now,
  );
  sql.exec(`DELETE FROM follow_up_actions WHERE incident_id = ?`, before.id);
  body.followUps.forEach((action, position) => {
    sql.exec(
      `INSERT INTO follow_up_actions (incident_id, position, title, owner, url, done) VALUES (?, ?, ?, ?, ?, ?)`,
      before.id,
      position,
      action.title,
      action.owner ?? null,
      action.url ?? null,
      action.done ? 1 : 0,
    );
  });
  sql.exec(`UPDATE incidents SET updated_at = ?, revision = revision + 1 WHERE id = ?`, now, before.id);
  const after = loadIncident(sql, before.id);
  recordAudit(context, "report.save", before.id, before.report, after.report);
  return withRevision(after);
};

export const publishReportHandler: Handler<"reports.publish"> = (context) => {
  const { sql, params, body, now } = context;
  const before = loadIncident(sql, params.id ?? "");
  requireRevision(context.ifMatch, before.revision);
  if (!before.report) {
    throw new ApiProblem(
      409,
      "no_report",
      "save the report first (PUT /api/v1/incidents/{id}/report), then publish it",
    );
  }
  if (before.report.publishedAt) {
    throw new ApiProblem(409, "already_published", "the report is already published; saved edits show at once");
  }
  if (before.status !== "resolved") {
    throw new ApiProblem(409, "not_resolved", "resolve the incident before publishing its report");
  }
  sql.exec(`UPDATE reports SET published_at = ? WHERE incident_id = ?`, now, before.id);
  addIncidentUpdate(
    sql,
    before.id,
    { status: "postmortem", body: "The post-incident report has been published.", deliverNotifications: body.notify },
    now,
  );
  const after = loadIncident(sql, before.id);
  recordAudit(context, "report.publish", before.id, before, after);
  return withRevision(after);
};
