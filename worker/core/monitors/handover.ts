import type { ProviderMemory } from "../providers/provider-observation.ts";
import type { MonitorConfig } from "./monitor-config.ts";
import type { MonitorReport } from "./monitor-report.ts";
import type { MonitorMemory, MonitorState } from "./state-machine.ts";

/** One stored check, as a Monitor object keeps it for 48 h. */
export interface StoredSample {
  at: number;
  outcome: "up" | "degraded" | "down";
  latencyMs: number;
  statusCode: number | null;
  state: MonitorState;
  summary: string;
}

/**
 * What a Monitor object gives up when one of its monitors moves to another
 * object (a heartbeat became an HTTP monitor, or an object of the old
 * one-monitor-per-object layout hands over to a shared group): everything the
 * new holder needs so that no sample, no state and no unsent report is lost.
 */
export interface Handover {
  monitorId: string;
  region: string;
  memory: MonitorMemory | null;
  samples: StoredSample[];
  /** When the old holder last reported this monitor's latency. */
  lastReportAt: number;
  watchingSince: number | null;
  lastPingAt: number | null;
  unsent: MonitorReport | null;
  slow: boolean;
  /** A statuspage monitor's validators and what it observed (absent from objects older than issue 14). */
  provider?: ProviderMemory | null;
}

/** What the StatusPage object tells a Monitor object to check. */
export interface GroupAssignment {
  members: { monitor: MonitorConfig; region: string; movedFrom: string | null }[];
  /** Monitors moving to another object: kept, and checked, until that one has taken them over. */
  leaving: string[];
  /** The `probing` flag: checks run only while it is on (pushed, so no check asks for it). */
  probing: boolean;
}
