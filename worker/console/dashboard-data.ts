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
  const [components, monitors, incidents, alerts, upcoming, inProgress, flags, holds, webhooks] = await Promise.all([
    read<ComponentRow>(c, scopes, "components.list"),
    read<{ id: string; name: string; components: string[]; regions: RegionState[] }>(c, scopes, "monitors.states"),
    read<IncidentView>(c, scopes, "incidents.list", { status: "open", limit: "100" }),
    read<AlertRow>(c, scopes, "alerts.list", { limit: "50" }),
    read<MaintenanceView>(c, scopes, "maintenances.list", { status: "scheduled", limit: "25" }),
    read<MaintenanceView>(c, scopes, "maintenances.list", { status: "in_progress", limit: "25" }),
    read<{ name: FlagName; value: boolean; override: FlagRow["override"] }>(c, scopes, "flags.list"),
    read<HoldRow>(c, scopes, "holds.list"),
    read<WebhookRow>(c, scopes, "webhooks.list"),
  ]);
  return {
    components,
    monitors:
      monitors?.map((m) => ({ id: m.id, name: m.name, components: m.components, ...monitorStanding(m.regions) })) ??
      null,
    incidents,
    alerts,
    maintenances: inProgress && upcoming ? [...inProgress, ...upcoming.reverse()] : null,
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
  };
}
