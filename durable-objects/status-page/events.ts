import type {
  AffectedComponent,
  IncidentUpdateView,
  IncidentView,
  MaintenanceView,
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
  visibility: string;
  created_at: number;
  updated_at: number;
  started_at: number;
  monitoring_at: number | null;
  resolved_at: number | null;
  scheduled_for: number | null;
  scheduled_until: number | null;
};

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
           JOIN components c ON c.id = ic.component_id
         WHERE ic.incident_id IN (${marks}) ORDER BY c.position`,
        ...chunk,
      )
      .toArray()) {
      push(components, row.incident_id, row.component_id);
    }
  }
  return rows.map((row) => toEventView(row, updates.get(row.id) ?? [], components.get(row.id) ?? []));
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

function toEventView(row: IncidentRow, updates: IncidentUpdateView[], componentIds: string[]): EventView {
  const base = {
    id: row.id,
    name: row.name,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    startedAt: iso(row.started_at),
    monitoringAt: isoOrNull(row.monitoring_at),
    resolvedAt: isoOrNull(row.resolved_at),
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
    };
  }
  return { ...base, kind: "incident", status: row.status as IncidentStatus, impact: row.impact as Impact };
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

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
