import { formatExact } from "../reports/exact-time.ts";
import type { ComponentStatus, Impact } from "../statuses.ts";
import type { MonitorState } from "./state-machine.ts";

/** How long a recovered target must stay up before Lookout resolves its incident. */
export const QUIET_PERIOD_MS = 10 * 60_000;

export interface AutoIncidentContext {
  region: string;
  transition: { from: MonitorState; to: MonitorState; at: number; summary: string };
  firstFailure: { at: number; summary: string } | null;
  /** The components the monitor drives, with the status they now have. */
  components: { id: string; name: string; status: ComponentStatus }[];
  /** The open incident this monitor opened and still manages, if any. */
  managed: { id: string; status: string } | null;
  /** Whether a person is already running an open incident on one of these components. */
  coveredByPerson: boolean;
  /** The page's time zone (config `page.timeZone`): the text is read beside the page's other times. */
  timeZone: string;
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

export function resolvedText(recoveredAt: number, timeZone: string): string {
  return `This incident has been resolved: checks have passed since ${formatExact(recoveredAt, timeZone)} without a relapse.`;
}

/*
 * Readers know components, not monitors: the text names the components the
 * monitor checks (by their display names) and gives times in the page's time
 * zone to the second, like the rest of the page and the drafted report.
 */

function detectedText({ region, transition, firstFailure, components, timeZone }: AutoIncidentContext): string {
  const first = firstFailure ?? { at: transition.at, summary: transition.summary };
  return [
    `Lookout's checks of ${subject(components)} are failing${region === "default" ? "" : ` from ${region}`}.`,
    `First failing check at ${formatExact(first.at, timeZone)}: ${first.summary}.`,
    `Latest at ${formatExact(transition.at, timeZone, first.at)}: ${transition.summary}.`,
    "We are investigating.",
  ].join("\n");
}

function recoveredText({ components, transition, timeZone }: AutoIncidentContext): string {
  const has = components.length === 1 ? "has" : "have";
  return `${subject(components)} ${has} answered correctly since ${formatExact(transition.at, timeZone)} (${transition.summary}). We are monitoring the recovery.`;
}

function relapseText({ components, transition, timeZone }: AutoIncidentContext): string {
  const is = components.length === 1 ? "is" : "are";
  return `${subject(components)} ${is} failing again since ${formatExact(transition.at, timeZone)}: ${transition.summary}. We are investigating.`;
}

function subject(components: AutoIncidentContext["components"]): string {
  return joinNames(components.map((c) => c.name));
}

function joinNames(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}
