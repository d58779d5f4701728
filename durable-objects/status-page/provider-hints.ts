import { dependenciesOf } from "../../worker/core/providers/dependency-reach.ts";
import type { ProviderObservation } from "../../worker/core/providers/provider-observation.ts";
import { hintText, type ProviderHint, troubleOf } from "../../worker/core/providers/provider-trouble.ts";
import { componentNames, readEdges } from "./provider-outages.ts";

/**
 * "Cloudflare reports an incident affecting CDN.": the providers in trouble
 * that these components depend on, directly or through others, in words for
 * a failing monitor's alert; null when none is. A provider whose page cannot
 * be read is not said to be in trouble (decision 0039). Read when an alert
 * is written, not on every report.
 */
export function providerHint(sql: SqlStorage, componentIds: readonly string[]): string | null {
  if (componentIds.length === 0) return null;
  const edges = readEdges(sql);
  if (edges.length === 0) return null;
  const below = new Set(dependenciesOf(componentIds, edges).map((r) => r.id));
  if (below.size === 0) return null;
  const rows = sql
    .exec<{ monitor_id: string; component_id: string; provider: string }>(
      `SELECT mc.monitor_id, mc.component_id, i.provider FROM monitor_components mc
         JOIN monitors m ON m.id = mc.monitor_id AND m.removed_at IS NULL
         JOIN monitor_instances i ON i.monitor_id = m.id AND i.removed_at IS NULL AND i.provider IS NOT NULL`,
    )
    .toArray()
    .filter((r) => below.has(r.component_id));
  const names = componentNames(sql);
  const byMonitor = new Map<string, ProviderHint>();
  for (const row of rows) {
    const observation = JSON.parse(row.provider) as ProviderObservation;
    const trouble = troubleOf(observation);
    if (trouble.kind !== "trouble") continue;
    const hint = byMonitor.get(row.monitor_id) ?? { providerName: observation.name, trouble, componentNames: [] };
    const name = names.get(row.component_id);
    if (name && !hint.componentNames.includes(name)) hint.componentNames.push(name);
    byMonitor.set(row.monitor_id, hint);
  }
  return byMonitor.size === 0 ? null : hintText([...byMonitor.values()]);
}
