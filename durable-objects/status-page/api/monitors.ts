import { heartbeatToken } from "../../../worker/core/heartbeat-token.ts";
import type { MonitorConfig } from "../../../worker/core/monitors/monitor-config.ts";
import { isoOrNull } from "../time.ts";
import type { Handler } from "./context.ts";

type MonitorRow = { id: string; config: string; role: string; quorum: number; down_status: string };
type InstanceRow = {
  monitor_id: string;
  region: string;
  state: string;
  since: number | null;
  last_report_at: number | null;
  last_summary: string | null;
};

function activeMonitors(sql: SqlStorage): MonitorRow[] {
  return sql
    .exec<MonitorRow>(`SELECT id, config, role, quorum, down_status FROM monitors WHERE removed_at IS NULL ORDER BY id`)
    .toArray();
}

/** Check-in tokens are HMACs (asynchronous Web Crypto), so they are worked out before the handler runs. */
export async function heartbeatTokensFor(sql: SqlStorage, env: Env): Promise<Map<string, string>> {
  const tokens = new Map<string, string>();
  if (!env.HEARTBEAT_SECRET) return tokens;
  for (const row of activeMonitors(sql)) {
    const monitor = JSON.parse(row.config) as MonitorConfig;
    if (monitor.kind === "heartbeat") tokens.set(row.id, await heartbeatToken(env.HEARTBEAT_SECRET, row.id));
  }
  return tokens;
}

/** What runs and where it stands: no check-in path, no URL, no header; what the `read` scope may see. */
function monitorStates(sql: SqlStorage) {
  const instances = sql
    .exec<InstanceRow>(
      // Heard from: its last news, or its probe group's last report, whichever is later (decision 0038).
      `SELECT i.monitor_id, i.region, i.state, i.since, NULLIF(MAX(COALESCE(i.last_report_at, 0), COALESCE(g.last_report_at, 0)), 0)
         AS last_report_at, i.last_summary
       FROM monitor_instances i LEFT JOIN probe_groups g ON g.name = i.probe_group
       WHERE i.removed_at IS NULL ORDER BY i.monitor_id, i.region`,
    )
    .toArray();
  return activeMonitors(sql).map((row) => {
    const monitor = JSON.parse(row.config) as MonitorConfig;
    return {
      id: row.id,
      name: monitor.name ?? row.id,
      kind: monitor.kind,
      role: row.role,
      components: monitor.components,
      intervalSeconds: monitor.intervalSeconds,
      // How many regions must agree it is down (combineRegions), and what a down verdict sets its components to.
      quorum: row.quorum,
      downStatus: row.down_status,
      regions: instances
        .filter((i) => i.monitor_id === row.id)
        .map((i) => ({
          region: i.region,
          state: i.state,
          since: isoOrNull(i.since),
          lastReportAt: isoOrNull(i.last_report_at),
          lastSummary: i.last_summary,
        })),
    };
  });
}

/** Each monitor's state, for whoever may follow the page's health (the console's dashboard). */
export const monitorStatesHandler: Handler<"monitors.states"> = ({ sql }) => ({
  status: 200,
  body: { data: monitorStates(sql) },
});

/** What runs, where it stands, and where a heartbeat monitor's job must check in. */
export const listMonitorsHandler: Handler<"monitors.list"> = ({ sql, prepared }) => {
  const data = monitorStates(sql).map((monitor) => {
    const token = prepared.heartbeatTokens?.get(monitor.id);
    /** Prefix with the page's address; the token in it is a secret. */
    return { ...monitor, heartbeatPath: token ? `/heartbeat/${monitor.id}/${token}` : null };
  });
  return { status: 200, body: { data } };
};
