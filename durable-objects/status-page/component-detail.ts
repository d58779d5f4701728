import { hourlyMeans } from "../../worker/core/monitors/latency.ts";
import type { ComponentDetail } from "../../worker/core/read-model.ts";
import { componentDependencies } from "./component-dependencies.ts";
import { recentComponentIncidents } from "./component-events.ts";
import { latencyByComponent } from "./snapshot.ts";
import { iso } from "./time.ts";

/**
 * What a component page shows beyond the snapshot: 48 h of latency and its
 * monitors. Null for an unknown id. Its uptime figures are in the snapshot,
 * taken at the same instant as the bars (decision 0023).
 */
export function componentDetail(sql: SqlStorage, componentId: string, now: number): ComponentDetail | null {
  // A hidden component has no public page: as unknown as a made-up id (decision 0042).
  const component = sql
    .exec(`SELECT 1 FROM components WHERE id = ? AND removed_at IS NULL AND hidden = 0`, componentId)
    .toArray()[0];
  if (!component) return null;
  const monitors = sql
    .exec<{
      id: string;
      config: string;
      region: string;
      state: string;
      since: number | null;
      last_summary: string | null;
    }>(
      `SELECT m.id, m.config, i.region, i.state, i.since, i.last_summary FROM monitor_components mc
         JOIN monitors m ON m.id = mc.monitor_id AND m.removed_at IS NULL
         JOIN monitor_instances i ON i.monitor_id = m.id AND i.removed_at IS NULL
       WHERE mc.component_id = ? ORDER BY m.id, i.region`,
      componentId,
    )
    .toArray();
  return {
    latencyHourly: hourlyMeans(
      latencyByComponent(sql, now - 48 * 3_600_000, componentId).get(componentId) ?? [],
      now,
      48,
    ),
    monitors: monitors.map((m) => ({
      id: m.id,
      name: (JSON.parse(m.config) as { name?: string }).name ?? m.id,
      region: m.region,
      state: m.state,
      since: m.since === null ? null : iso(m.since),
      lastSummary: m.last_summary,
    })),
    recentIncidents: recentComponentIncidents(sql, componentId, now),
    dependencies: componentDependencies(sql, componentId, now),
  };
}
