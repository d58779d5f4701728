import { hourlyMeans } from "../../worker/core/monitors/latency.ts";
import type { ComponentDetail } from "../../worker/core/read-model.ts";
import { uptimeInWindow } from "../../worker/core/uptime.ts";
import { componentIncidents } from "./component-incidents.ts";
import { firstTransitionAt, latencyByComponent, transitionsSince } from "./snapshot.ts";
import { iso } from "./time.ts";

const WINDOWS = [
  { label: "24 hours", ms: 86_400_000 },
  { label: "7 days", ms: 7 * 86_400_000 },
  { label: "30 days", ms: 30 * 86_400_000 },
  { label: "90 days", ms: 90 * 86_400_000 },
];

/** The component page's figures: uptime over four windows, 48 h of latency, its monitors. Null for an unknown id. */
export function componentDetail(sql: SqlStorage, componentId: string, now: number): ComponentDetail | null {
  const component = sql
    .exec<{ start_date: string | null }>(
      `SELECT start_date FROM components WHERE id = ? AND removed_at IS NULL`,
      componentId,
    )
    .toArray()[0];
  if (!component) return null;
  const longest = Math.max(...WINDOWS.map((w) => w.ms));
  const transitions = transitionsSince(sql, componentId, now - longest);
  const since = component.start_date ? Date.parse(component.start_date) : firstTransitionAt(sql, componentId);
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
    uptime: WINDOWS.map((w) => ({ label: w.label, ratio: uptimeInWindow(transitions, since, now - w.ms, now) })),
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
    recentIncidents: componentIncidents(sql, componentId, now),
  };
}
