import type { ProviderObservation } from "../../worker/core/providers/provider-observation.ts";
import { type ThirdPartyView, thirdPartyView } from "../../worker/core/providers/third-party-view.ts";

/**
 * The third-party components and what their providers' pages say: a
 * component a statuspage monitor drives mirrors that provider (decision
 * 0040), and the monitor's instance keeps its last observation. One query per
 * snapshot, over the (few) monitors; a component has at most one such
 * monitor (the config refuses a second driver).
 */
export function thirdParties(sql: SqlStorage): Map<string, ThirdPartyView> {
  const rows = sql
    .exec<{ component_id: string; config: string; provider: string | null }>(
      `SELECT mc.component_id, m.config, i.provider FROM monitors m
         JOIN monitor_components mc ON mc.monitor_id = m.id
         JOIN monitor_instances i ON i.monitor_id = m.id AND i.removed_at IS NULL
       WHERE m.removed_at IS NULL AND json_extract(m.config, '$.kind') = 'statuspage'`,
    )
    .toArray();
  const views = new Map<string, ThirdPartyView>();
  for (const row of rows) {
    const config = JSON.parse(row.config) as { name?: string; url: string };
    const observation = row.provider ? (JSON.parse(row.provider) as ProviderObservation) : null;
    views.set(row.component_id, thirdPartyView(observation, { monitorName: config.name ?? null, url: config.url }));
  }
  return views;
}
