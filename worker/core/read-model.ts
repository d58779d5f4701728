import type { ComponentStatus, Impact, IncidentStatus, MaintenanceStatus } from "./statuses.ts";
import type { DayUptime } from "./uptime.ts";

/**
 * The read model the StatusPage object keeps in memory and hands to the edge.
 * Plain data only: it crosses the RPC boundary by structured clone and every
 * public surface (HTML, JSON, later feeds and badges) renders from it.
 */
export interface PageSnapshot {
  /** Changes with every write to the page; part of every ETag. */
  version: number;
  /** When the page's state last changed (ISO 8601). */
  updatedAt: string;
  /** When this snapshot was assembled (ISO 8601); the day the uptime bars end on. */
  generatedAt: string;
  page: PageInfo;
  groups: GroupView[];
  components: ComponentView[];
  /** Unresolved public incidents, newest first. */
  activeIncidents: IncidentView[];
  /** The 50 most recent public incidents of any status, newest first. */
  recentIncidents: IncidentView[];
  /** In progress or verifying, soonest first. */
  activeMaintenances: MaintenanceView[];
  /** Scheduled and not yet started, soonest first. */
  upcomingMaintenances: MaintenanceView[];
  /** The 50 most recent maintenances of any status, newest first. */
  recentMaintenances: MaintenanceView[];
}

export interface PageInfo {
  id: string;
  name: string;
  url: string;
  timeZone: string;
  homepage: string | null;
}

export interface GroupView {
  id: string;
  name: string;
  description: string | null;
  position: number;
  createdAt: string;
  updatedAt: string;
}

export interface ComponentView {
  id: string;
  name: string;
  description: string | null;
  groupId: string | null;
  position: number;
  status: ComponentStatus;
  onlyShowIfDegraded: boolean;
  startDate: string | null;
  createdAt: string;
  updatedAt: string;
  /** One entry per day, oldest first, ending today (UTC). */
  uptimeDays: DayUptime[];
  /** Mean response time per hour over the last 24 h, oldest first; empty when no monitor drives it. */
  latencyHourly: (number | null)[];
}

/** What a component page shows beyond the snapshot; read on demand, cached like the page. */
export interface ComponentDetail {
  uptime: { label: string; ratio: number | null }[];
  /** Mean response time per hour over the last 48 h, oldest first. */
  latencyHourly: (number | null)[];
  monitors: {
    id: string;
    name: string;
    region: string;
    state: string;
    since: string | null;
    lastSummary: string | null;
  }[];
}

export interface AffectedComponent {
  code: string;
  name: string;
  oldStatus: ComponentStatus;
  newStatus: ComponentStatus;
}

export interface IncidentUpdateView {
  id: string;
  status: IncidentStatus | MaintenanceStatus;
  body: string;
  createdAt: string;
  updatedAt: string;
  displayAt: string;
  affectedComponents: AffectedComponent[] | null;
  deliverNotifications: boolean;
}

interface EventViewBase {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  startedAt: string;
  monitoringAt: string | null;
  resolvedAt: string | null;
  /** Ids of the components the event touches. */
  componentIds: string[];
  /** Newest first. */
  updates: IncidentUpdateView[];
}

export interface IncidentView extends EventViewBase {
  kind: "incident";
  status: IncidentStatus;
  impact: Impact;
}

export interface MaintenanceView extends EventViewBase {
  kind: "maintenance";
  status: MaintenanceStatus;
  impact: "maintenance";
  scheduledFor: string;
  scheduledUntil: string;
}
