import { randomBytes } from "node:crypto";
import type { AffectedComponent } from "../worker/core/read-model.ts";
import type { ComponentStatus, Impact, IncidentStatus } from "../worker/core/statuses.ts";
import { api, expectStatus } from "./api-client.ts";

/**
 * A page's history written in Node as an export document
 * (durable-objects/status-page/api/backup.ts), for one `POST /api/v1/import`:
 * 10,000 incidents through the API one by one would make seeding the
 * benchmark. The rows are the ones the API's writes leave
 * (durable-objects/status-page/writes.ts); the import checks every value
 * before it commits (import-checks.ts), so a row that does not fit fails the
 * seed. Only the tables named here are replaced: groups and components stay
 * as the config applied them.
 */

type Cell = string | number | null;
interface Table {
  columns: string[];
  rows: Cell[][];
}

export interface PastUpdate {
  status: IncidentStatus;
  body: string;
  at: number;
  /** What the update records in `affected_components`: every component the incident concerns. */
  affected: AffectedComponent[];
}

export interface PastIncident {
  name: string;
  impact: Impact;
  /** When impact began and the incident was declared; the first update's time if not given. */
  startedAt?: number;
  /** The components linked to the incident. */
  components: string[];
  /** Oldest first; the first is the declaration. */
  updates: PastUpdate[];
}

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/** An id of the shape durable-objects/status-page/ids.ts makes. */
function newId(): string {
  let id = "";
  for (const byte of randomBytes(12)) id += ALPHABET[byte & 31];
  return id;
}

export class HistoryDocument {
  readonly #tables = {
    component_status_history: { columns: ["component_id", "status", "at"], rows: [] } as Table,
    incidents: {
      columns: [
        "id",
        "kind",
        "name",
        "status",
        "impact",
        "visibility",
        "created_at",
        "updated_at",
        "started_at",
        "identified_at",
        "monitoring_at",
        "resolved_at",
        "revision",
      ],
      rows: [],
    } as Table,
    incident_components: { columns: ["incident_id", "component_id"], rows: [] } as Table,
    incident_updates: {
      columns: [
        "id",
        "incident_id",
        "status",
        "body",
        "created_at",
        "updated_at",
        "display_at",
        "affected_components",
        "deliver_notifications",
      ],
      rows: [],
    } as Table,
  };
  #latest = 0;

  /** A component's status from `at` on (its bars read these). */
  statusChange(componentId: string, status: ComponentStatus, at: number): void {
    this.#tables.component_status_history.rows.push([componentId, status, at]);
    this.#latest = Math.max(this.#latest, at);
  }

  /** An incident as the API leaves it after its updates: each stage's first time, one revision per later update. */
  incident(incident: PastIncident): string {
    const id = newId();
    const first = incident.updates[0];
    const last = incident.updates.at(-1);
    if (!first || !last) throw new Error(`"${incident.name}" has no updates`);
    const reached = (status: IncidentStatus) => incident.updates.find((u) => u.status === status)?.at ?? null;
    const startedAt = incident.startedAt ?? first.at;
    this.#tables.incidents.rows.push([
      id,
      "incident",
      incident.name,
      last.status,
      incident.impact,
      "public",
      startedAt,
      last.at,
      startedAt,
      reached("identified"),
      reached("monitoring"),
      last.status === "resolved" ? reached("resolved") : null,
      incident.updates.length,
    ]);
    for (const component of incident.components) this.#tables.incident_components.rows.push([id, component]);
    for (const update of incident.updates) {
      this.#tables.incident_updates.rows.push([
        newId(),
        id,
        update.status,
        update.body,
        update.at,
        update.at,
        update.at,
        update.affected.length > 0 ? JSON.stringify(update.affected) : null,
        1,
      ]);
    }
    this.#latest = Math.max(this.#latest, last.at);
    return id;
  }

  /**
   * Imports the document into the (empty) page below `base` with the bench's
   * bootstrap token, which holds every scope an import needs. The schema
   * version is the page's own, read from its export.
   */
  async importInto(base: URL): Promise<void> {
    const current = JSON.parse(expectStatus(await api(base, "GET", "/export"), 200, "GET /api/v1/export").text) as {
      schemaVersion: number;
    };
    const document = {
      format: "lookout.export",
      version: 1,
      exportedAt: new Date().toISOString(),
      schemaVersion: current.schemaVersion,
      pageUpdatedAt: new Date(this.#latest || Date.now()).toISOString(),
      tables: this.#tables,
    };
    expectStatus(await api(base, "POST", "/import", document), 200, "POST /api/v1/import of the generated history");
  }
}
