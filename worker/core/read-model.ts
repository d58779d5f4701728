import type { KnownEvents } from "./known-events.ts";
import type { DependencyChain } from "./providers/dependency-chain.ts";
import type { ThirdPartyView } from "./providers/third-party-view.ts";
import type { ComponentStatus, Impact, IncidentStatus, MaintenanceStatus } from "./statuses.ts";
import type { DayUptime, UptimeWindow } from "./uptime.ts";

/**
 * The read model the StatusPage object keeps in memory and hands to the edge.
 * Plain data only: it crosses the RPC boundary by structured clone and every
 * public surface (HTML, JSON, later feeds and badges) renders from it.
 */
/**
 * Which state a snapshot shows: the object's write counter and when it was
 * assembled. Every write moves the counter; time-driven figures (today's bar,
 * the uptime windows) move when the object rebuilds its snapshot, at least
 * once a minute, with a new `generatedAt`. Equal keys render equal pages.
 */
export function snapshotKey(snapshot: Pick<PageSnapshot, "version" | "generatedAt">): string {
  return `${snapshot.version}@${snapshot.generatedAt}`;
}

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
  /** Every public incident's and maintenance's id, as a filter: the edge turns made-up ids away with it. */
  knownEvents?: KnownEvents;
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
  /** One entry per day, oldest first, ending today (UTC); taken at `generatedAt`. */
  uptimeDays: DayUptime[];
  /** Uptime over the last 24 hours, 7, 30 and 90 days, taken at `generatedAt` like the days. */
  uptimeWindows: UptimeWindow[];
  /** Mean response time per hour over the last 24 h, oldest first; empty when no monitor drives it. */
  latencyHourly: (number | null)[];
  /** A third-party component's provider (a statuspage monitor drives it): whose status it shows, and its incidents. */
  provider?: ThirdPartyView;
}

/** What a component page shows beyond the snapshot; read on demand, cached like the page. */
export interface ComponentDetail {
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
  /** Its public incidents of the last 90 days, newest first (at most 10). */
  recentIncidents: IncidentView[];
  /** What it depends on, at the same instant as the snapshot's figures (hidden ones never named). */
  dependencies: DependencyChain;
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

/** The four parts of a Heroku-style post-incident report, in markdown, and what follows from it. */
export interface PostIncidentReport {
  summary: string;
  whoWasAffected: string;
  whatHappened: string;
  prevention: string;
  followUps: FollowUpAction[];
  /** Null while it is a draft; public surfaces only ever see published reports. */
  publishedAt: string | null;
  updatedAt: string;
}

/** A line of an incident's internal timeline (the scribe's notes): for the team only, never public. */
export interface IncidentNote {
  id: string;
  body: string;
  /** Who wrote it, as the audit log names them. */
  author: string;
  createdAt: string;
}

export interface FollowUpAction {
  title: string;
  owner: string | null;
  /** Where the work is tracked (an issue tracker's URL). */
  url: string | null;
  done: boolean;
}

interface EventViewBase {
  id: string;
  name: string;
  visibility: "public" | "internal";
  createdAt: string;
  updatedAt: string;
  /** When impact began (maintenances: when the window opens). */
  startedAt: string;
  identifiedAt: string | null;
  monitoringAt: string | null;
  resolvedAt: string | null;
  /** Who leads the response and who speaks for it (free text: a name or handle). */
  lead: string | null;
  communicator: string | null;
  /** Who keeps the internal timeline and who digs into the cause: the practical guide's other two roles. */
  scribe: string | null;
  investigator: string | null;
  /** Changes with every change to the event; the API's ETag. */
  revision: number;
  /** Ids of the components the event touches. */
  componentIds: string[];
  /** Newest first. */
  updates: IncidentUpdateView[];
}

export interface IncidentView extends EventViewBase {
  kind: "incident";
  status: IncidentStatus;
  impact: Impact;
  /** A severity's id from the config (console.severities), or null; for the team only, never public. */
  severity?: string | null;
  report: PostIncidentReport | null;
}

export interface MaintenanceView extends EventViewBase {
  kind: "maintenance";
  status: MaintenanceStatus;
  impact: "maintenance";
  scheduledFor: string;
  scheduledUntil: string;
  /** Set when the window was called off rather than carried out. */
  cancelledAt: string | null;
  /** When subscribers were reminded that it is about to start (Statuspage's `scheduled_reminded_at`). */
  remindedAt?: string | null;
}

/**
 * One page of `/history`: three calendar months in the page's time zone,
 * newest first (worker/core/history-months.ts). Events hold only their latest
 * update, which is all the history lists.
 */
export interface HistoryView {
  /** 1 = the current month and the two before it. */
  page: number;
  months: {
    /** "March 2026". */
    label: string;
    /** The month's first instant in the page's time zone (ISO 8601, UTC). */
    start: string;
    /** Public incidents and maintenances that started in the month, newest first. */
    events: (IncidentView | MaintenanceView)[];
  }[];
  /** A public event started before the oldest month. */
  hasOlder: boolean;
  hasNewer: boolean;
  /** The months held more events than one page lists; the oldest of them are left out. */
  capped: boolean;
}
