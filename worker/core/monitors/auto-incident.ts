import type { ComponentStatus, Impact } from "../statuses.ts";
import type { MonitorState } from "./state-machine.ts";

/** How long a recovered target must stay up before Lookout resolves its incident. */
export const QUIET_PERIOD_MS = 10 * 60_000;

export interface AutoIncidentContext {
  monitorName: string;
  region: string;
  transition: { from: MonitorState; to: MonitorState; at: number; summary: string };
  firstFailure: { at: number; summary: string } | null;
  /** The components the monitor drives, with the status they now have. */
  components: { id: string; name: string; status: ComponentStatus }[];
  /** The open incident this monitor opened and still manages, if any. */
  managed: { id: string; status: string } | null;
  /** Whether a person is already running an open incident on one of these components. */
  coveredByPerson: boolean;
}

export type AutoIncidentAction =
  | { kind: "open"; name: string; impact: Impact; body: string; components: Record<string, ComponentStatus> }
  | { kind: "update"; incidentId: string; status: "investigating" | "monitoring"; body: string }
  | { kind: "none" };

/**
 * What Lookout does about an incident when a monitor changes state: open one
 * when a component goes down (never a second for the same outage, never over
 * a person's incident), say so when it recovers, say so again if it relapses.
 * Resolving waits for the quiet period (see `isQuietLongEnough`).
 */
export function planAutoIncident(context: AutoIncidentContext): AutoIncidentAction {
  const { transition, managed } = context;
  const down = context.components.filter((c) => c.status === "major_outage" || c.status === "partial_outage");
  if (transition.to === "down") {
    if (managed) {
      return managed.status === "monitoring"
        ? { kind: "update", incidentId: managed.id, status: "investigating", body: relapseText(context) }
        : { kind: "none" };
    }
    if (context.coveredByPerson || down.length === 0) return { kind: "none" };
    return {
      kind: "open",
      name: `${joinNames(down.map((c) => c.name))} ${down.length === 1 ? "is" : "are"} unavailable`,
      impact: down.some((c) => c.status === "major_outage") ? "major" : "minor",
      body: detectedText(context),
      components: Object.fromEntries(down.map((c) => [c.id, c.status])),
    };
  }
  if (managed && managed.status !== "monitoring" && (transition.to === "up" || transition.to === "degraded")) {
    return { kind: "update", incidentId: managed.id, status: "monitoring", body: recoveredText(context) };
  }
  return { kind: "none" };
}

export function isQuietLongEnough(recoveredAt: number, now: number): boolean {
  return now - recoveredAt >= QUIET_PERIOD_MS;
}

export function resolvedText(recoveredAt: number): string {
  return `This incident has been resolved: checks have passed since ${clock(recoveredAt)} without a relapse.`;
}

function detectedText({ monitorName, region, transition, firstFailure }: AutoIncidentContext): string {
  const first = firstFailure ?? { at: transition.at, summary: transition.summary };
  return [
    `Lookout's checks of ${monitorName} are failing${region === "default" ? "" : ` from ${region}`}.`,
    `First failing check: ${clock(first.at)}, ${first.summary}.`,
    `Latest: ${clock(transition.at)}, ${transition.summary}.`,
    "We are investigating.",
  ].join("\n");
}

function recoveredText({ monitorName, transition }: AutoIncidentContext): string {
  return `${monitorName} has answered correctly since ${clock(transition.at)} (${transition.summary}). We are monitoring the recovery.`;
}

function relapseText({ monitorName, transition }: AutoIncidentContext): string {
  return `${monitorName} is failing again since ${clock(transition.at)}: ${transition.summary}. We are investigating.`;
}

function clock(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

function joinNames(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}
