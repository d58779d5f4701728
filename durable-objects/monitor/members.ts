import type { MonitorConfig } from "../../worker/core/monitors/monitor-config.ts";
import type { MonitorReport } from "../../worker/core/monitors/monitor-report.ts";
import type { MonitorMemory } from "../../worker/core/monitors/state-machine.ts";
import type { ProviderMemory } from "../../worker/core/providers/provider-observation.ts";

/** One monitor a Monitor object checks, as its `members` row holds it. */
export interface Member {
  monitorId: string;
  region: string;
  config: MonitorConfig;
  memory: MonitorMemory | null;
  /** In the slow lane (worker/core/monitors/lanes.ts). */
  slow: boolean;
  watchingSince: number | null;
  lastPingAt: number | null;
  /** Its latency is reported from here, when that is later than the group's last report (it joined since). */
  reportFrom: number;
  /** A report of it the StatusPage did not take, carried into the next. */
  unsent: MonitorReport | null;
  /**
   * When it was handed over to another object: no longer checked here, kept
   * (and handed over again if asked) until the page no longer lists it as
   * leaving, or for 48 h.
   */
  handedAt: number | null;
  /** A statuspage monitor's validators and observation (probe-statuspage.ts); null for other kinds. */
  provider: ProviderMemory | null;
}

type Row = {
  monitor_id: string;
  region: string;
  config: string;
  memory: string | null;
  slow: number;
  watching_since: number | null;
  last_ping_at: number | null;
  report_from: number;
  unsent: string | null;
  handed_at: number | null;
  provider: string | null;
};

const fromRow = (row: Row): Member => ({
  monitorId: row.monitor_id,
  region: row.region,
  config: JSON.parse(row.config) as MonitorConfig,
  memory: row.memory ? (JSON.parse(row.memory) as MonitorMemory) : null,
  slow: row.slow === 1,
  watchingSince: row.watching_since,
  lastPingAt: row.last_ping_at,
  reportFrom: row.report_from,
  unsent: row.unsent ? (JSON.parse(row.unsent) as MonitorReport) : null,
  handedAt: row.handed_at,
  provider: row.provider ? (JSON.parse(row.provider) as ProviderMemory) : null,
});

/** The monitors this object checks (not those it handed over). */
export function readMembers(sql: SqlStorage): Member[] {
  return sql.exec<Row>(`SELECT * FROM members WHERE handed_at IS NULL ORDER BY monitor_id`).toArray().map(fromRow);
}

export function readMember(sql: SqlStorage, monitorId: string): Member | null {
  const row = sql.exec<Row>(`SELECT * FROM members WHERE monitor_id = ?`, monitorId).toArray()[0];
  return row ? fromRow(row) : null;
}

/** Writes one column of a member only when its value changes: an unchanged row costs no row written. */
export function updateMember(
  sql: SqlStorage,
  monitorId: string,
  column:
    | "config"
    | "memory"
    | "slow"
    | "watching_since"
    | "last_ping_at"
    | "report_from"
    | "unsent"
    | "handed_at"
    | "provider",
  value: string | number | null,
): void {
  sql.exec(`UPDATE members SET ${column} = ? WHERE monitor_id = ? AND ${column} IS NOT ?`, value, monitorId, value);
}

export function insertMember(sql: SqlStorage, member: Member): void {
  sql.exec(
    `INSERT INTO members (monitor_id, region, config, memory, slow, watching_since, last_ping_at, report_from, unsent,
       provider) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    member.monitorId,
    member.region,
    JSON.stringify(member.config),
    member.memory && JSON.stringify(member.memory),
    member.slow ? 1 : 0,
    member.watchingSince,
    member.lastPingAt,
    member.reportFrom,
    member.unsent && JSON.stringify(member.unsent),
    member.provider && JSON.stringify(member.provider),
  );
}
