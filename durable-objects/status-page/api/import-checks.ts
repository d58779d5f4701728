import { isScope } from "../../../worker/core/access/scopes.ts";
import { ALERT_KINDS, ALERT_SEVERITIES } from "../../../worker/core/alerting/alert.ts";
import { ApiProblem } from "../../../worker/core/api/contract.ts";
import { monitorSchema } from "../../../worker/core/monitors/monitor-config.ts";
import { COMPONENT_STATUSES, IMPACTS, INCIDENT_STATUSES, MAINTENANCE_STATUSES } from "../../../worker/core/statuses.ts";
import { loadEvents } from "../events.ts";
import { buildSnapshot } from "../snapshot.ts";
import { listAlertsHandler } from "./alerts.ts";
import { listAuditHandler } from "./audit-log.ts";
import type { ApiContext } from "./context.ts";
import { listFlagsHandler } from "./flags.ts";
import { listMonitorsHandler } from "./monitors.ts";
import { listTokensHandler } from "./tokens.ts";
import { listWebhooksHandler } from "./webhooks.ts";

/** Columns that hold one of a fixed vocabulary: anything else would break whoever reads it later. */
const VOCABULARY: readonly [table: string, column: string, words: readonly string[]][] = [
  ["components", "status", COMPONENT_STATUSES],
  ["component_status_history", "status", COMPONENT_STATUSES],
  ["incidents", "kind", ["incident", "maintenance"]],
  ["incidents", "status", [...INCIDENT_STATUSES, ...MAINTENANCE_STATUSES]],
  ["incidents", "impact", [...IMPACTS, "maintenance"]],
  ["incidents", "visibility", ["public", "internal"]],
  ["incident_updates", "status", [...INCIDENT_STATUSES, ...MAINTENANCE_STATUSES]],
  ["monitors", "down_status", ["partial_outage", "major_outage"]],
  ["monitor_instances", "state", ["unknown", "up", "degraded", "down"]],
  ["alerts", "kind", ALERT_KINDS],
  ["alerts", "severity", ALERT_SEVERITIES],
];

/**
 * An import is checked after its rows are in, inside its transaction. The
 * document's schema only says cells are strings, numbers or null; a damaged or
 * hand-edited export could hold a time out of range, a word outside
 * Statuspage's vocabulary or broken JSON, and every later read of the page
 * would fail. Refused here, the whole import rolls back (422).
 */
export function refuseUnreadable(context: ApiContext<"backup.import">, tables: readonly string[]): void {
  const { sql } = context;
  const reader = { ...context, body: undefined, params: {}, query: {}, prepared: {} };
  try {
    refuseImpossibleTimes(sql, tables);
    refuseUnknownWords(sql);
    refuseBrokenJson(sql);
    // Then every reader, as the API and the page will run them.
    loadEvents(sql, { where: "1 = 1", includeDraftReports: true });
    listTokensHandler(reader as ApiContext<"tokens.list">);
    listAuditHandler({ ...reader, query: { limit: Number.MAX_SAFE_INTEGER - 1 } } as ApiContext<"audit.list">);
    listFlagsHandler(reader as ApiContext<"flags.list">);
    listMonitorsHandler(reader as ApiContext<"monitors.list">);
    listWebhooksHandler(reader as ApiContext<"webhooks.list">);
    listAlertsHandler({
      ...reader,
      query: { status: "all", limit: Number.MAX_SAFE_INTEGER - 1 },
    } as ApiContext<"alerts.list">);
    buildSnapshot(sql, context.now);
  } catch (error) {
    throw new ApiProblem(
      422,
      "unreadable_export",
      `the export holds values this page cannot read back: ${(error as Error).message}`.slice(0, 500),
    );
  }
}

/** Every time is whole milliseconds a Date can hold (±8.64e15), so every reader can format it. */
function refuseImpossibleTimes(sql: SqlStorage, tables: readonly string[]): void {
  for (const table of tables) {
    const columns = sql
      .exec<{ name: string; type: string }>(`SELECT name, type FROM pragma_table_info(?)`, table)
      .toArray()
      .filter((c) => c.type === "INTEGER" && /^(at|since|scheduled_for|scheduled_until|[a-z_]+_at)$/.test(c.name));
    for (const { name } of columns) {
      const bad = sql
        .exec(
          `SELECT 1 FROM ${table} WHERE ${name} IS NOT NULL
             AND (typeof(${name}) != 'integer' OR ${name} < -8640000000000000 OR ${name} > 8640000000000000) LIMIT 1`,
        )
        .toArray();
      if (bad.length > 0) throw new Error(`${table}.${name} holds a value that is not a time`);
    }
  }
}

function refuseUnknownWords(sql: SqlStorage): void {
  for (const [table, column, words] of VOCABULARY) {
    const marks = words.map(() => "?").join(", ");
    const bad = sql
      .exec<{ value: SqlStorageValue }>(
        `SELECT ${column} AS value FROM ${table} WHERE ${column} NOT IN (${marks}) LIMIT 1`,
        ...words,
      )
      .toArray()[0];
    if (bad)
      throw new Error(`${table}.${column} holds "${String(bad.value).slice(0, 40)}", not one of ${words.join(", ")}`);
  }
}

function refuseBrokenJson(sql: SqlStorage): void {
  for (const row of sql.exec<{ id: string; scopes: string }>(`SELECT id, scopes FROM api_tokens`).toArray()) {
    const scopes: unknown = JSON.parse(row.scopes);
    if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === "string" && isScope(scope))) {
      throw new Error(`token ${row.id} has scopes ${String(row.scopes).slice(0, 100)}, not a list of scopes`);
    }
  }
  for (const row of sql.exec<{ id: string; config: string }>(`SELECT id, config FROM monitors`).toArray()) {
    const parsed = monitorSchema.safeParse(JSON.parse(row.config));
    if (!parsed.success) throw new Error(`monitor ${row.id} has a config this Lookout does not accept`);
  }
  for (const row of sql
    .exec<{ id: string; components: string }>(`SELECT id, components FROM subscribers WHERE components IS NOT NULL`)
    .toArray()) {
    const chosen: unknown = JSON.parse(row.components);
    if (!Array.isArray(chosen) || !chosen.every((id) => typeof id === "string")) {
      throw new Error(`subscriber ${row.id} has components that are not a list of ids`);
    }
  }
  const updates = sql
    .exec<{ id: string; affected_components: string }>(
      `SELECT id, affected_components FROM incident_updates WHERE affected_components IS NOT NULL`,
    )
    .toArray();
  for (const row of updates) {
    const changes: unknown = JSON.parse(row.affected_components);
    const valid =
      Array.isArray(changes) &&
      changes.every(
        (c) =>
          typeof c === "object" &&
          c !== null &&
          typeof c.code === "string" &&
          typeof c.name === "string" &&
          COMPONENT_STATUSES.includes(c.oldStatus) &&
          COMPONENT_STATUSES.includes(c.newStatus),
      );
    if (!valid) throw new Error(`update ${row.id} has affected components that are not status changes`);
  }
}
