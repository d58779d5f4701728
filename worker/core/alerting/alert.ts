/**
 * An alert: something the on-call team must hear about, open until it
 * recovers. One is open per key at a time (a monitor, the canary, a mail
 * sender…), so the same trouble seen again updates it instead of paging twice.
 */

/** What raised it. Routes match on these. */
export const ALERT_KINDS = [
  /** A monitor (or its region quorum) is down. */
  "monitor_down",
  /** A monitor is up but slow (above its degradedAboveMs). */
  "monitor_degraded",
  /** The canary fails: Lookout suspects its own connectivity (one alert, not one per monitor). */
  "lookout_connectivity",
  /** A provider states an incident or an outage on something you follow (a statuspage monitor). */
  "provider_trouble",
  /** A provider's status page has been unreadable for long: what Lookout shows of it is stale (info). */
  "provider_unreadable",
  /** A Monitor object stopped reporting (the heartbeat's watchdog). */
  "monitor_silent",
  /** Mail or webhook deliveries keep failing. */
  "delivery_failing",
  /** The deployed config could not be applied. */
  "config_failed",
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** PagerDuty's Events v2 severities: the most widely understood scale, mapped to each other channel. */
export const ALERT_SEVERITIES = ["critical", "error", "warning", "info"] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export type AlertStatus = "open" | "acknowledged" | "resolved";

/** What an alert says, kept with it (JSON) and rendered into every message about it. */
export interface AlertDetails {
  /** The error in words, e.g. "HTTP 503 from https://api.acme.example/healthCheck" or "no answer within 10 s". */
  summary: string;
  monitorId: string | null;
  components: { id: string; name: string }[];
  /** Regions that see it (empty: the monitor runs from one place). */
  regions: string[];
  /** ISO time of the first failing check of this outage, when a monitor saw one. */
  firstFailingCheckAt: string | null;
  /** The incident Lookout opened for it, when there is one. */
  incidentId: string | null;
  /** Whether that incident is public (only a public one is linked: the link must open for the reader). */
  incidentPublic: boolean;
}

export interface Alert {
  id: string;
  key: string;
  kind: AlertKind;
  severity: AlertSeverity;
  title: string;
  details: AlertDetails;
  status: AlertStatus;
  /** The escalation policy a route chose, or null when no route matched (recorded, sent nowhere). */
  policy: string | null;
  openedAt: number;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  resolvedAt: number | null;
}

/** What an alert about Lookout's own trouble says: words only (no monitor, component or incident). */
export function ownTroubleDetails(summary: string): AlertDetails {
  return {
    summary,
    monitorId: null,
    components: [],
    regions: [],
    firstFailingCheckAt: null,
    incidentId: null,
    incidentPublic: false,
  };
}
