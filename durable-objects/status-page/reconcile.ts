import type { LookoutConfig } from "../../worker/core/config/schema.ts";
import { fingerprint, pageIdFor } from "../../worker/core/page-id.ts";
import type { PageInfo } from "../../worker/core/read-model.ts";
import { applyAlertingConfig } from "./alerts/alerting-config.ts";
import { applyConsoleAccess } from "./console-people.ts";
import { reconcileMonitors } from "./monitors.ts";
import { readMeta, writeMeta } from "./schema.ts";
import { saveSeverities } from "./severities.ts";

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
  hidden?: number;
};

/**
 * Makes the stored groups and components match the config. Nothing is deleted:
 * a component dropped from the config is marked removed and keeps its history,
 * so putting it back restores its uptime bars. Call inside a transaction.
 */
export function reconcileWithConfig(sql: SqlStorage, config: LookoutConfig, now: number): ReconcileResult {
  const result: ReconcileResult = { changed: false, added: [], removed: [], updated: [] };
  const digest = fingerprint(JSON.stringify(config));
  // Before the unchanged-config shortcut: a page that migrated to console access learns its people at once.
  applyConsoleAccess(sql, config.console);
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
  saveSeverities(sql, config.console?.severities);

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
      hidden: component.hidden ? 1 : 0,
    };
    if (!existing) {
      sql.exec(
        `INSERT INTO components (id, name, description, group_id, position, status, only_show_if_degraded,
           start_date, hidden, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'operational', ?, ?, ?, ?, ?)`,
        component.id,
        fields.name,
        fields.description,
        fields.groupId,
        fields.position,
        fields.onlyShowIfDegraded,
        fields.startDate,
        fields.hidden,
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
      existing.hidden !== fields.hidden ||
      existing.removed_at !== null
    ) {
      sql.exec(
        `UPDATE components SET name = ?, description = ?, group_id = ?, position = ?, only_show_if_degraded = ?,
           start_date = ?, hidden = ?, removed_at = NULL, updated_at = ? WHERE id = ?`,
        fields.name,
        fields.description,
        fields.groupId,
        fields.position,
        fields.onlyShowIfDegraded,
        fields.startDate,
        fields.hidden,
        now,
        component.id,
      );
      result.updated.push(component.id);
    }
    components.delete(component.id);
  });
  markRemoved(sql, "components", components, now, result);
  reconcileDependencies(sql, config);

  reconcileMonitors(sql, config, now);
  writeMeta(sql, "config_fingerprint", digest);
  result.changed = true;
  return result;
}

/** The stored dependencies match the config's `dependsOn`: rows change only where the config did. */
function reconcileDependencies(sql: SqlStorage, config: LookoutConfig): void {
  const wanted = new Map<string, { critical: number; position: number }>();
  for (const component of config.components) {
    component.dependsOn.forEach((d, i) => {
      wanted.set(`${component.id}\n${d.component}`, { critical: d.critical ? 1 : 0, position: i + 1 });
    });
  }
  const stored = sql
    .exec<{ component_id: string; depends_on: string; critical: number; position: number }>(
      `SELECT component_id, depends_on, critical, position FROM component_dependencies`,
    )
    .toArray();
  for (const row of stored) {
    const key = `${row.component_id}\n${row.depends_on}`;
    const want = wanted.get(key);
    if (!want) {
      sql.exec(
        `DELETE FROM component_dependencies WHERE component_id = ? AND depends_on = ?`,
        row.component_id,
        row.depends_on,
      );
    } else if (want.critical !== row.critical || want.position !== row.position) {
      sql.exec(
        `UPDATE component_dependencies SET critical = ?, position = ? WHERE component_id = ? AND depends_on = ?`,
        want.critical,
        want.position,
        row.component_id,
        row.depends_on,
      );
    }
    wanted.delete(key);
  }
  for (const [key, { critical, position }] of wanted) {
    const [componentId, dependsOn] = key.split("\n");
    sql.exec(
      `INSERT INTO component_dependencies (component_id, depends_on, critical, position) VALUES (?, ?, ?, ?)`,
      componentId,
      dependsOn,
      critical,
      position,
    );
  }
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
