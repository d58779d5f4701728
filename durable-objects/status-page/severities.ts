import { DEFAULT_SEVERITIES, type Severity } from "../../worker/core/config/console-schema.ts";
import { readMeta, writeMeta } from "./schema.ts";

/**
 * The config's severities (console.severities), kept in `meta` when a
 * config is applied: the API reads the page's applied config from SQLite,
 * as it does its components, not whatever module happens to be loaded.
 */
export function saveSeverities(sql: SqlStorage, severities: readonly Severity[] | undefined): void {
  const json = JSON.stringify(severities ?? DEFAULT_SEVERITIES);
  // A row rewritten with the value it holds is still a row written (billed): only a change is written.
  if (readMeta(sql, "severities") !== json) writeMeta(sql, "severities", json);
}

export function readSeverities(sql: SqlStorage): readonly Severity[] {
  const json = readMeta(sql, "severities");
  return json ? (JSON.parse(json) as Severity[]) : DEFAULT_SEVERITIES;
}
