import {
  type ChainMember,
  type DependencyChain,
  type DependencyLink,
  dependencyChain,
  NO_DEPENDENCIES,
} from "../../worker/core/providers/dependency-chain.ts";
import type { ComponentStatus } from "../../worker/core/statuses.ts";
import { DAY_MS, startOfUtcDay, uptimeWindows } from "../../worker/core/uptime.ts";
import { componentTimeline, noDataByComponent, UPTIME_DAYS } from "./snapshot.ts";

/**
 * A component's dependency chain (component_dependencies, written by
 * reconcile.ts from the config's `dependsOn`) with each member's status and
 * uptime windows, tallied exactly as the snapshot tallies them and at the
 * instant the edge names (the snapshot's; decision 0023). Reads one row of
 * links and one timeline per component reached, each once: at most the
 * config's components, whatever the shape of the chain.
 */
export function componentDependencies(sql: SqlStorage, componentId: string, now: number): DependencyChain {
  const links = (id: string): DependencyLink[] =>
    sql
      .exec<{ depends_on: string; critical: number }>(
        `SELECT depends_on, critical FROM component_dependencies WHERE component_id = ? ORDER BY position`,
        id,
      )
      .toArray()
      .map((row) => ({ dependsOn: row.depends_on, critical: row.critical === 1 }));
  const direct = links(componentId);
  if (direct.length === 0) return NO_DEPENDENCIES;

  // The same window and no-data spans as buildSnapshot, so a member's figures equal its own page's.
  const windowStart = startOfUtcDay(now) - (UPTIME_DAYS - 1) * DAY_MS;
  const noDataFor = noDataByComponent(sql, now);
  const members = new Map<string, ChainMember | undefined>();
  const member = (id: string): ChainMember | undefined => {
    if (members.has(id)) return members.get(id);
    const row = sql
      .exec<{ id: string; name: string; status: ComponentStatus; hidden: number; start_date: string | null }>(
        `SELECT id, name, status, hidden, start_date FROM components WHERE id = ? AND removed_at IS NULL`,
        id,
      )
      .toArray()[0];
    const found = row && {
      id: row.id,
      name: row.name,
      status: row.status,
      hidden: row.hidden === 1,
      uptimeWindows: uptimeWindows(componentTimeline(sql, row, windowStart, noDataFor(row.id)), now),
    };
    members.set(id, found);
    return found;
  };
  const linksOf = (id: string) => (id === componentId ? direct : links(id));
  return dependencyChain(componentId, linksOf, member);
}
