import type {
  AffectedComponent,
  FollowUpAction,
  IncidentUpdateView,
  IncidentView,
  MaintenanceView,
  PostIncidentReport,
} from "../../worker/core/read-model.ts";
import type { Impact, IncidentStatus, MaintenanceStatus } from "../../worker/core/statuses.ts";
import { iso, isoOrNull } from "./time.ts";

export type EventView = IncidentView | MaintenanceView;

type IncidentRow = {
  id: string;
  kind: "incident" | "maintenance";
  name: string;
  status: string;
  impact: string;
  visibility: "public" | "internal";
  created_at: number;
  updated_at: number;
  started_at: number;
  identified_at: number | null;
  monitoring_at: number | null;
  resolved_at: number | null;
  scheduled_for: number | null;
  scheduled_until: number | null;
  cancelled_at: number | null;
  reminded_at: number | null;
  lead: string | null;
  communicator: string | null;
  scribe: string | null;
  investigator: string | null;
  revision: number;
  severity: string | null;
};

type ReportRow = {
  incident_id: string;
  summary: string;
  who_was_affected: string;
  what_happened: string;
  prevention: string;
  published_at: number | null;
  updated_at: number;
};

type FollowUpRow = { incident_id: string; title: string; owner: string | null; url: string | null; done: number };

type UpdateRow = {
  id: string;
  incident_id: string;
  status: string;
  body: string;
  created_at: number;
  updated_at: number;
  display_at: number;
  affected_components: string | null;
  deliver_notifications: number;
};

/**
 * A query over incidents and maintenances. `where`, `order` and `index` are
 * fixed SQL written in this folder, never user text; values go through `params`.
 */
export interface EventQuery {
  where: string;
  params?: unknown[];
  order?: string;
  /** Pins the index where SQLite's planner would rather avoid a sort than a scan. */
  index?: string;
  /** Drafts are for the communicator API; public surfaces only see published reports. */
  includeDraftReports?: boolean;
  /**
   * Hidden components are for the communicator API too: public surfaces
   * (pages, feeds, JSON, mails, webhooks) never name them (decision 0042).
   */
  includeHiddenComponents?: boolean;
}

/** Loads incidents or maintenances with their updates and components. */
export function loadEvents(sql: SqlStorage, query: EventQuery): EventView[] {
  const from = query.index ? `incidents INDEXED BY ${query.index}` : "incidents";
  const rows = sql
    .exec<IncidentRow>(`SELECT * FROM ${from} WHERE ${query.where} ${query.order ?? ""}`, ...(query.params ?? []))
    .toArray();
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const updates = new Map<string, IncidentUpdateView[]>();
  const components = new Map<string, string[]>();
  const reports = new Map<string, ReportRow>();
  const followUps = new Map<string, FollowUpAction[]>();
  // Statements are capped at 100 bound parameters: fetch in chunks.
  for (let i = 0; i < ids.length; i += 90) {
    const chunk = ids.slice(i, i + 90);
    const marks = chunk.map(() => "?").join(", ");
    for (const row of sql
      .exec<UpdateRow>(
        `SELECT * FROM incident_updates WHERE incident_id IN (${marks}) ORDER BY display_at DESC, created_at DESC`,
        ...chunk,
      )
      .toArray()) {
      push(updates, row.incident_id, toUpdateView(row));
    }
    for (const row of sql
      .exec<{ incident_id: string; component_id: string }>(
        `SELECT ic.incident_id, ic.component_id FROM incident_components ic
           JOIN components c ON c.id = ic.component_id ${query.includeHiddenComponents ? "" : "AND c.hidden = 0"}
         WHERE ic.incident_id IN (${marks}) ORDER BY c.position`,
        ...chunk,
      )
      .toArray()) {
      push(components, row.incident_id, row.component_id);
    }
    const published = query.includeDraftReports ? "" : "AND published_at IS NOT NULL";
    for (const row of sql
      .exec<ReportRow>(`SELECT * FROM reports WHERE incident_id IN (${marks}) ${published}`, ...chunk)
      .toArray()) {
      reports.set(row.incident_id, row);
    }
    for (const row of sql
      .exec<FollowUpRow>(`SELECT * FROM follow_up_actions WHERE incident_id IN (${marks}) ORDER BY position`, ...chunk)
      .toArray()) {
      push(followUps, row.incident_id, { title: row.title, owner: row.owner, url: row.url, done: row.done === 1 });
    }
  }
  if (!query.includeHiddenComponents) withoutHidden(sql, updates);
  return rows.map((row) => {
    const report = reports.get(row.id);
    return toEventView(
      row,
      updates.get(row.id) ?? [],
      components.get(row.id) ?? [],
      report ? toReport(report, followUps.get(row.id) ?? []) : null,
    );
  });
}

export function loadIncidents(sql: SqlStorage, query: EventQuery): IncidentView[] {
  return loadEvents(sql, { ...query, where: `kind = 'incident' AND ${query.where}` }).filter(
    (event): event is IncidentView => event.kind === "incident",
  );
}

export function loadMaintenances(sql: SqlStorage, query: EventQuery): MaintenanceView[] {
  return loadEvents(sql, { ...query, where: `kind = 'maintenance' AND ${query.where}` }).filter(
    (event): event is MaintenanceView => event.kind === "maintenance",
  );
}

function toEventView(
  row: IncidentRow,
  updates: IncidentUpdateView[],
  componentIds: string[],
  report: PostIncidentReport | null,
): EventView {
  const base = {
    id: row.id,
    name: row.name,
    visibility: row.visibility,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    startedAt: iso(row.started_at),
    identifiedAt: isoOrNull(row.identified_at),
    monitoringAt: isoOrNull(row.monitoring_at),
    resolvedAt: isoOrNull(row.resolved_at),
    lead: row.lead,
    communicator: row.communicator,
    scribe: row.scribe,
    investigator: row.investigator,
    revision: row.revision,
    componentIds,
    updates,
  };
  if (row.kind === "maintenance") {
    return {
      ...base,
      kind: "maintenance",
      status: row.status as MaintenanceStatus,
      impact: "maintenance",
      scheduledFor: iso(row.scheduled_for ?? row.started_at),
      scheduledUntil: iso(row.scheduled_until ?? row.started_at),
      cancelledAt: isoOrNull(row.cancelled_at),
      remindedAt: isoOrNull(row.reminded_at),
    };
  }
  return {
    ...base,
    kind: "incident",
    status: row.status as IncidentStatus,
    impact: row.impact as Impact,
    severity: row.severity ?? null,
    report,
  };
}

function toReport(row: ReportRow, followUps: FollowUpAction[]): PostIncidentReport {
  return {
    summary: row.summary,
    whoWasAffected: row.who_was_affected,
    whatHappened: row.what_happened,
    prevention: row.prevention,
    followUps,
    publishedAt: isoOrNull(row.published_at),
    updatedAt: iso(row.updated_at),
  };
}

function toUpdateView(row: UpdateRow): IncidentUpdateView {
  return {
    id: row.id,
    status: row.status as IncidentStatus | MaintenanceStatus,
    body: row.body,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    displayAt: iso(row.display_at),
    affectedComponents: row.affected_components ? (JSON.parse(row.affected_components) as AffectedComponent[]) : null,
    deliverNotifications: row.deliver_notifications === 1,
  };
}

/** Updates' affected components less the hidden ones; the hidden ids are read only when an update names any. */
function withoutHidden(sql: SqlStorage, updates: Map<string, IncidentUpdateView[]>): void {
  const all = [...updates.values()].flat().filter((u) => u.affectedComponents?.length);
  if (all.length === 0) return;
  const hidden = new Set(
    sql
      .exec<{ id: string }>(`SELECT id FROM components WHERE hidden = 1`)
      .toArray()
      .map((row) => row.id),
  );
  if (hidden.size === 0) return;
  for (const update of all) {
    update.affectedComponents = (update.affectedComponents ?? []).filter((c) => !hidden.has(c.code));
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
