import type { LookoutConfig } from "../../worker/core/config/schema.ts";
import { fingerprint, pageIdFor } from "../../worker/core/page-id.ts";
import type { PageInfo } from "../../worker/core/read-model.ts";
import { applyAlertingConfig } from "./alerts/alerting-config.ts";
import { reconcileMonitors } from "./monitors.ts";
import { readMeta, writeMeta } from "./schema.ts";

export interface ReconcileResult {
  changed: boolean;
  added: string[];
  removed: string[];
  updated: string[];
}

type ExistingRow = {
  id: string;
  name: string;
  description: string | null;
  position: number;
  removed_at: number | null;
  group_id?: string | null;
  only_show_if_degraded?: number;
  start_date?: string | null;
};

/**
 * Makes the stored groups and components match the config. Nothing is deleted:
 * a component dropped from the config is marked removed and keeps its history,
 * so putting it back restores its uptime bars. Call inside a transaction.
 */
export function reconcileWithConfig(sql: SqlStorage, config: LookoutConfig, now: number): ReconcileResult {
  const result: ReconcileResult = { changed: false, added: [], removed: [], updated: [] };
  const digest = fingerprint(JSON.stringify(config));
  if (readMeta(sql, "config_fingerprint") === digest) return result;

  const page: PageInfo = {
    id: pageIdFor(config),
    name: config.page.name,
    url: config.page.url,
    timeZone: config.page.timeZone,
    homepage: config.page.homepage ?? null,
  };
  // A row rewritten with the value it holds is still a row written (billed): only a change is written.
  const pageJson = JSON.stringify(page);
  if (readMeta(sql, "page") !== pageJson) writeMeta(sql, "page", pageJson);
  applyAlertingConfig(sql, config.alerting);

  const groups = existingRows(sql, "groups");
  config.groups.forEach((group, index) => {
    const existing = groups.get(group.id);
    const description = group.description ?? null;
    if (!existing) {
      sql.exec(
        `INSERT INTO groups (id, name, description, position, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
        group.id,
        group.name,
        description,
        index + 1,
        now,
        now,
      );
      result.added.push(group.id);
    } else if (
      existing.name !== group.name ||
      existing.description !== description ||
      existing.position !== index + 1 ||
      existing.removed_at !== null
    ) {
      sql.exec(
        `UPDATE groups SET name = ?, description = ?, position = ?, removed_at = NULL, updated_at = ? WHERE id = ?`,
        group.name,
        description,
        index + 1,
        now,
        group.id,
      );
      result.updated.push(group.id);
    }
    groups.delete(group.id);
  });
  markRemoved(sql, "groups", groups, now, result);

  const components = existingRows(sql, "components");
  config.components.forEach((component, index) => {
    const existing = components.get(component.id);
    const fields = {
      name: component.name,
      description: component.description ?? null,
      groupId: component.group ?? null,
      position: index + 1,
      onlyShowIfDegraded: component.onlyShowIfDegraded ? 1 : 0,
      startDate: component.startDate ?? null,
    };
    if (!existing) {
      sql.exec(
        `INSERT INTO components (id, name, description, group_id, position, status, only_show_if_degraded,
           start_date, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'operational', ?, ?, ?, ?)`,
        component.id,
        fields.name,
        fields.description,
        fields.groupId,
        fields.position,
        fields.onlyShowIfDegraded,
        fields.startDate,
        now,
        now,
      );
      sql.exec(
        `INSERT INTO component_status_history (component_id, status, at) VALUES (?, 'operational', ?)`,
        component.id,
        now,
      );
      result.added.push(component.id);
    } else if (
      existing.name !== fields.name ||
      existing.description !== fields.description ||
      existing.group_id !== fields.groupId ||
      existing.position !== fields.position ||
      existing.only_show_if_degraded !== fields.onlyShowIfDegraded ||
      existing.start_date !== fields.startDate ||
      existing.removed_at !== null
    ) {
      sql.exec(
        `UPDATE components SET name = ?, description = ?, group_id = ?, position = ?, only_show_if_degraded = ?,
           start_date = ?, removed_at = NULL, updated_at = ? WHERE id = ?`,
        fields.name,
        fields.description,
        fields.groupId,
        fields.position,
        fields.onlyShowIfDegraded,
        fields.startDate,
        now,
        component.id,
      );
      result.updated.push(component.id);
    }
    components.delete(component.id);
  });
  markRemoved(sql, "components", components, now, result);

  reconcileMonitors(sql, config, now);
  writeMeta(sql, "config_fingerprint", digest);
  result.changed = true;
  return result;
}

function existingRows(sql: SqlStorage, table: "groups" | "components"): Map<string, ExistingRow> {
  return new Map(
    sql
      .exec<ExistingRow>(`SELECT * FROM ${table}`)
      .toArray()
      .map((row) => [row.id, row]),
  );
}

/** Rows left over after matching the config are hidden, never deleted, so their history survives. */
function markRemoved(
  sql: SqlStorage,
  table: "groups" | "components",
  leftovers: Map<string, ExistingRow>,
  now: number,
  result: ReconcileResult,
): void {
  for (const [id, row] of leftovers) {
    if (row.removed_at !== null) continue;
    sql.exec(`UPDATE ${table} SET removed_at = ?, updated_at = ? WHERE id = ?`, now, now, id);
    result.removed.push(id);
  }
}
