import type { Context } from "hono";
import type { Scope } from "../core/access/scopes.ts";
import type { OperationId } from "../core/api/operations.ts";
import { FLAGS, type FlagName } from "../core/flags.ts";
import { type MonitorStanding, monitorStanding, type RegionState } from "../core/monitors/monitor-standing.ts";
import type { IncidentView, MaintenanceView } from "../core/read-model.ts";
import type { ComponentStatus } from "../core/statuses.ts";
import { callOperation } from "./console-api.ts";
import type { ConsoleEnv } from "./console-env.ts";
import { may } from "./sections.ts";

export interface ComponentRow {
  id: string;
  name: string;
  status: ComponentStatus;
  hidden: boolean;
}

export interface MonitorRow extends MonitorStanding {
  id: string;
  name: string;
  components: string[];
  downStatus: "partial_outage" | "major_outage";
}

/** A monitor as monitors.states answers it. */
export interface MonitorStates {
  id: string;
  name: string;
  components: string[];
  quorum: number;
  downStatus: "partial_outage" | "major_outage";
  regions: RegionState[];
}

/** A monitor's line: its standing by Lookout's own quorum rule (monitor-standing.ts). */
export function monitorRow(monitor: MonitorStates): MonitorRow {
  return {
    id: monitor.id,
    name: monitor.name,
    components: monitor.components,
    downStatus: monitor.downStatus,
    ...monitorStanding(monitor.regions, monitor.quorum),
  };
}

export interface AlertRow {
  id: string;
  title: string;
  severity: string;
  status: string;
  openedAt: string;
}

export interface FlagRow {
  name: string;
  value: boolean;
  declared: boolean;
  override: { updatedBy: string; updatedAt: string } | null;
}

export interface HoldRow {
  kind: string;
  target: string;
  waiting: number;
  createdAt: string;
}

export interface WebhookRow {
  id: string;
  url: string;
  enabled: boolean;
  disabledReason: string | null;
}

/** What the dashboard shows; each part is null when this person's role may not read it (so it is not shown). */
export interface DashboardData {
  components: ComponentRow[] | null;
  monitors: MonitorRow[] | null;
  incidents: IncidentView[] | null;
  alerts: AlertRow[] | null;
  maintenances: MaintenanceView[] | null;
  flags: FlagRow[] | null;
  holds: HoldRow[] | null;
  webhooks: WebhookRow[] | null;
  /** Addresses mail to them bounced off (subscribers.list's counts); null without the subscribers scope. */
  bounced: number | null;
}

function declaredDefault(environment: string, name: FlagName): boolean {
  const env = environment === "production" || environment === "staging" ? environment : "local";
  return FLAGS[name]?.defaults[env] ?? false;
}

/** One read, when the role may make it; a refusal or failure shows as "not shown", never as a 500. */
async function read<T>(
  c: Context<ConsoleEnv>,
  scopes: readonly Scope[],
  operation: OperationId,
  query: Record<string, string> = {},
): Promise<T[] | null> {
  if (!may(scopes, operation)) return null;
  const answer = await callOperation<{ data: T[] }>(c, operation, { query });
  return answer.ok ? answer.body.data : null;
}

/**
 * Everything the first screen of a shift needs, each through the API as
 * this person (console-api.ts): the console sees no more than their token.
 */
export async function loadDashboard(c: Context<ConsoleEnv>): Promise<DashboardData> {
  const scopes = c.var.viewer.scopes;
  const [components, monitors, incidents, alerts, upcoming, inProgress, flags, holds, webhooks, bounced] =
    await Promise.all([
      read<ComponentRow>(c, scopes, "components.list"),
      read<MonitorStates>(c, scopes, "monitors.states"),
      read<IncidentView>(c, scopes, "incidents.list", { status: "open", limit: "100" }),
      read<AlertRow>(c, scopes, "alerts.list", { limit: "50" }),
      // Soonest first: the next windows, however many are scheduled after them.
      read<MaintenanceView>(c, scopes, "maintenances.list", { status: "scheduled", order: "asc", limit: "25" }),
      read<MaintenanceView>(c, scopes, "maintenances.list", { status: "in_progress", limit: "25" }),
      read<{ name: FlagName; value: boolean; override: FlagRow["override"] }>(c, scopes, "flags.list"),
      read<HoldRow>(c, scopes, "holds.list"),
      read<WebhookRow>(c, scopes, "webhooks.list"),
      bouncedCount(c, scopes),
    ]);
  return {
    components,
    monitors: monitors?.map(monitorRow) ?? null,
    incidents,
    alerts,
    maintenances: inProgress && upcoming ? [...inProgress, ...upcoming] : null,
    // Held or switched off: a run-time override, or a value other than worker/core/flags.ts declares here.
    flags:
      flags
        ?.map((f) => ({
          name: f.name,
          value: f.value,
          declared: declaredDefault(c.env.ENVIRONMENT, f.name),
          override: f.override,
        }))
        .filter((f) => f.override !== null || f.value !== f.declared) ?? null,
    holds,
    webhooks: webhooks?.filter((w) => !w.enabled) ?? null,
    bounced,
  };
}

/** How many addresses bounced: the counts come with any page of subscribers.list, so one row is asked for. */
async function bouncedCount(c: Context<ConsoleEnv>, scopes: readonly Scope[]): Promise<number | null> {
  if (!may(scopes, "subscribers.list")) return null;
  const answer = await callOperation<{ counts: Record<string, number> }>(c, "subscribers.list", {
    query: { limit: "1" },
  });
  return answer.ok ? (answer.body.counts.bounced ?? 0) : null;
}
