import { ApiProblem } from "../../../worker/core/api/contract.ts";
import type { ExportDocument } from "../../../worker/core/api/schemas.ts";
import { placeProbeGroups } from "../probe-groups.ts";
import { markRestored } from "../restored.ts";
import { readMeta, SCHEMA_VERSION } from "../schema.ts";
import { forgetKnownEvents } from "../snapshot.ts";
import { iso } from "../time.ts";
import { type Handler, LOOKOUT, recordAudit } from "./context.ts";
import { refuseUnreadable } from "./import-checks.ts";

/**
 * What a backup holds, in the order a restore inserts it. Idempotency keys
 * (a day's worth of retries) and the object's own bookkeeping in `meta` are
 * left out; everything a reader, a communicator or an auditor sees is in.
 */
export const EXPORTED_TABLES = [
  "groups",
  "components",
  "component_status_history",
  "incidents",
  "incident_components",
  "incident_updates",
  "reports",
  "follow_up_actions",
  // The incident room's internal timeline: the team's record of a response is worth restoring.
  "incident_notes",
  "monitors",
  "monitor_components",
  "monitor_instances",
  "latency_hourly",
  "monitor_daily",
  "api_tokens",
  "audit_log",
  "flag_overrides",
  "subscribers",
  "outbox",
  "delivery_holds",
  "webhooks",
  // Alerts with how far their escalation went (a restored alert queues no step twice: the
  // outbox's dedupe keys are in too), each channel's health and send window, and the threads
  // that tie a PagerDuty/Opsgenie trigger to its resolve.
  "alerts",
  "alert_channels",
  "alert_threads",
  // Who signs in to the console through Cloudflare Access with which role, as the API set it
  // (the config's people come with the config).
  "console_people",
] as const;

type Table = { columns: string[]; rows: (string | number | null)[][] };

export function exportPage(sql: SqlStorage, now: number): ExportDocument {
  const tables: Record<string, Table> = {};
  for (const table of EXPORTED_TABLES) {
    const cursor = sql.exec(`SELECT * FROM ${table}`);
    const rows = [...cursor.raw()] as (string | number | null)[][];
    tables[table] = { columns: cursor.columnNames, rows };
  }
  const updatedAt = Number(readMeta(sql, "updated_at") ?? now);
  return {
    format: "lookout.export",
    version: 1,
    exportedAt: iso(now),
    schemaVersion: SCHEMA_VERSION,
    pageUpdatedAt: iso(updatedAt),
    tables,
  };
}

export const exportHandler: Handler<"backup.export"> = ({ sql, now }) => ({ status: 200, body: exportPage(sql, now) });

/** Columns renamed by a migration (schema.ts), keyed by the schema version that renamed them. */
const RENAMED: { version: number; table: string; from: string; to: string }[] = [
  { version: 10, table: "outbox", from: "event", to: "dedupe_key" },
];

/** A column of an export taken at `schemaVersion`, under its name in today's schema. */
function renamedSince(schemaVersion: number, table: string, column: string): string {
  const rename = RENAMED.find((r) => r.table === table && r.from === column && schemaVersion < r.version);
  return rename ? rename.to : column;
}

/** Restores an export into a page that has no incidents, tokens or audit entries by people yet. */
export const importHandler: Handler<"backup.import"> = (context) => {
  const { sql, body } = context;
  if (body.schemaVersion > SCHEMA_VERSION) {
    throw new ApiProblem(
      422,
      "newer_export",
      `the export comes from schema ${body.schemaVersion}; this page runs ${SCHEMA_VERSION}: deploy the newer Lookout first`,
      [{ path: "schemaVersion", message: `at most ${SCHEMA_VERSION}` }],
    );
  }
  const count = (from: string) => sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${from}`).one().n;
  // Lookout's own lines (a fresh page applying its config) do not make a page "used"; a person's do.
  const held = {
    incidents: count("incidents"),
    tokens: count("api_tokens"),
    audit: count(`audit_log WHERE actor != '${LOOKOUT.id}'`),
  };
  if (held.incidents + held.tokens + held.audit > 0) {
    throw new ApiProblem(
      409,
      "page_not_empty",
      `import restores into an empty page; this one holds ${held.incidents} incidents and maintenances, ${held.tokens} tokens and ${held.audit} audit entries`,
    );
  }
  for (const name of Object.keys(body.tables)) {
    if (!(EXPORTED_TABLES as readonly string[]).includes(name)) {
      throw new ApiProblem(422, "validation_failed", `unknown table "${name}"`, [
        { path: `tables.${name}`, message: "not a table an export holds" },
      ]);
    }
  }
  let rows = 0;
  for (const table of EXPORTED_TABLES) {
    const data = body.tables[table];
    if (!data) continue;
    const known = new Set(
      sql
        .exec<{ name: string }>(`SELECT name FROM pragma_table_info(?)`, table)
        .toArray()
        .map((c) => c.name),
    );
    const columns = data.columns.map((column) => renamedSince(body.schemaVersion, table, column));
    const unknown = columns.filter((column) => !known.has(column));
    if (unknown.length > 0) {
      throw new ApiProblem(422, "validation_failed", `table ${table} has no column ${unknown.join(", ")}`, [
        { path: `tables.${table}.columns`, message: `unknown: ${unknown.join(", ")}` },
      ]);
    }
    sql.exec(`DELETE FROM ${table}`);
    const insert = `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`;
    data.rows.forEach((row, index) => {
      if (row.length !== data.columns.length) {
        throw new ApiProblem(422, "validation_failed", `a row of ${table} does not match its columns`, [
          { path: `tables.${table}.rows.${index}`, message: `expected ${data.columns.length} values` },
        ]);
      }
      try {
        sql.exec(insert, ...row);
      } catch (error) {
        throw new ApiProblem(422, "validation_failed", `a row of ${table} does not fit: ${String(error)}`, [
          { path: `tables.${table}.rows.${index}`, message: "rejected by the table" },
        ]);
      }
    });
    rows += data.rows.length;
  }
  refuseUnreadable(context, EXPORTED_TABLES);
  forgetKnownEvents(sql);
  const notSent = dropWhatWasPending(sql);
  // What falls due before this moment is caught up on without telling anyone (restored.ts).
  markRestored(sql, context.now);
  // Every Monitor object is started afresh, and the deployed config is applied again on the next heartbeat.
  sql.exec(`UPDATE monitor_instances SET started_fingerprint = NULL, kicked_at = NULL`);
  sql.exec(`UPDATE probe_groups SET started_fingerprint = NULL, kicked_at = NULL`);
  placeProbeGroups(sql);
  sql.exec(`DELETE FROM meta WHERE key = 'config_fingerprint'`);
  recordAudit(context, "backup.import", null, null, { exportedAt: body.exportedAt, rows, notSent });
  return { status: 200, body: { imported: rows, exportedAt: body.exportedAt, notSent } };
};

/**
 * Mail and webhooks still waiting in the outbox at export time are about
 * events older than the restore: the original page may well have sent them
 * after the export, and a subscriber told today of yesterday's update is told
 * something false. They are kept for the record, marked dropped, and counted
 * in the import's answer and audit line; nothing older than the restore is
 * sent (docs/decisions/0022-no-false-outages.md).
 */
function dropWhatWasPending(sql: SqlStorage): number {
  return sql
    .exec(
      `UPDATE outbox SET state = 'dropped', last_error = 'pending at export: not sent after the restore'
       WHERE state IN ('pending', 'sending') RETURNING seq`,
    )
    .toArray().length;
}
