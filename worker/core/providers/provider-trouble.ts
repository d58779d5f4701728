import type { AlertSeverity } from "../alerting/alert.ts";
import type { ComponentStatus, Impact } from "../statuses.ts";
import type { ProviderIncident, ProviderObservation } from "./provider-observation.ts";

/**
 * What a provider's observation means for the team
 * (docs/decisions/0043-what-a-provider-outage-does.md): trouble when it
 * states an incident or a status other than operational or maintenance on
 * what you follow; clear when it states neither; unknown while its page
 * cannot be read or says nothing Lookout can use — which neither raises nor
 * ends anything (decision 0039: unknown is not down, nor is it up).
 */
export type ProviderTrouble =
  | { kind: "trouble"; status: ComponentStatus; incidents: ProviderIncident[] }
  | { kind: "clear" }
  | { kind: "unknown" };

export function troubleOf(observation: ProviderObservation): ProviderTrouble {
  const status = observation.status;
  if (status === "unknown") return { kind: "unknown" };
  const quiet = status === "operational" || status === "under_maintenance";
  if (quiet && observation.incidents.length === 0) return { kind: "clear" };
  return { kind: "trouble", status, incidents: observation.incidents };
}

type Trouble = Extract<ProviderTrouble, { kind: "trouble" }>;

/**
 * One step milder than the same outage of your own (monitor_down): the team
 * cannot fix a provider, it must know and tell. A routes' severity filter
 * decides who hears of it.
 */
export function troubleSeverity(trouble: Trouble): AlertSeverity {
  switch (trouble.status) {
    case "major_outage":
      return "error";
    case "partial_outage":
    case "degraded_performance":
      return "warning";
    default:
      // An open incident on a page that still says operational: worth knowing, nobody's night.
      return "info";
  }
}

/** The incident's impact as Statuspage grades it: a major outage is major, anything else minor. */
export function troubleImpact(trouble: Trouble): Impact {
  return trouble.status === "major_outage" ? "major" : "minor";
}

/** "an incident", "a partial outage", "degraded performance": what the provider reports. */
function what(trouble: Trouble): string {
  if (trouble.incidents.length > 0) return trouble.incidents.length === 1 ? "an incident" : "incidents";
  switch (trouble.status) {
    case "major_outage":
      return "a major outage";
    case "partial_outage":
      return "a partial outage";
    case "degraded_performance":
      return "degraded performance";
    default:
      return "trouble";
  }
}

const who = (name: string | null) => name ?? "The provider";

/** "Cloudflare reports an incident affecting CDN": the provider, what it reports, which of yours it touches. */
export function troubleHeadline(providerName: string | null, trouble: Trouble, componentNames: string[]): string {
  const said = `${who(providerName)} reports ${what(trouble)}`;
  return componentNames.length > 0 ? `${said} affecting ${joinNames(componentNames)}` : said;
}

/** One of your components the provider's trouble reaches, and whether through critical dependencies only. */
export interface AffectedByProvider {
  id: string;
  name: string;
  /** The component mirrors the provider itself (the statuspage monitor drives it). */
  mirrors: boolean;
  critical: boolean;
  /** Hidden from the public page (`hidden: true`): the team's alert names it, an incident never does. */
  hidden: boolean;
}

function affectedLine(affected: readonly AffectedByProvider[]): string {
  if (affected.length === 0) return "None of our components is linked to it.";
  const each = affected.map((c) =>
    c.mirrors ? `${c.name} (mirrors it)` : `${c.name} (depends on it${c.critical ? "" : ", not critically"})`,
  );
  return `Our components affected: ${each.join(", ")}.`;
}

/**
 * The incident's line: only components readers may see. Free text is never
 * stripped of hidden components on the way out (only component lists are),
 * and a person may make an internal incident public, so no incident's words
 * name a hidden one; the team's alert does.
 */
function shownAffectedLine(affected: readonly AffectedByProvider[]): string {
  const shown = affected.filter((c) => !c.hidden);
  if (shown.length === 0 && affected.length > 0) return "None of the components on our status page is affected.";
  return affectedLine(shown);
}

function incidentLines(trouble: Trouble): string[] {
  return trouble.incidents.map((i) => {
    const latest = i.latestUpdate
      ? ` Its latest update (${i.latestUpdate.status}): ${oneLine(i.latestUpdate.body)}`
      : "";
    return `- ${oneLine(i.name)} (${i.status}), follow it at ${i.url}.${latest}`;
  });
}

/** What the alert says beside its title: what the provider states, its incidents and links, what of yours it reaches. */
export function troubleSummary(
  observation: ProviderObservation,
  trouble: Trouble,
  affected: readonly AffectedByProvider[],
): string {
  const status = `${who(observation.name)} states ${label(trouble.status)}.`;
  return [status, ...incidentLines(trouble), affectedLine(affected)].join("\n");
}

/** The incident Lookout opens: its name and first update. */
export function troubleIncident(
  observation: ProviderObservation,
  trouble: Trouble,
  affected: readonly AffectedByProvider[],
): { name: string; impact: Impact; body: string } {
  const first = trouble.incidents[0];
  const name = first
    ? `${who(observation.name)}: ${clip(oneLine(first.name), 150)}`
    : troubleHeadline(observation.name, trouble, []);
  const page = observation.pageUrl ? ` Its status page: ${observation.pageUrl}.` : "";
  const body = [
    `${who(observation.name)} reports ${what(trouble)} and states ${label(trouble.status)} on what we follow.${first ? "" : page}`,
    ...incidentLines(trouble),
    shownAffectedLine(affected),
    "We follow the provider's updates and resolve this when it resolves.",
  ].join("\n");
  return { name, impact: troubleImpact(trouble), body };
}

/** A later update when the provider says something new (its status, or its incidents' names or stages). */
export function troubleUpdate(observation: ProviderObservation, trouble: Trouble): string {
  return [`${who(observation.name)} now states ${label(trouble.status)}.`, ...incidentLines(trouble)].join("\n");
}

/** What changed enough to say again: the stated status and each incident's name and stage. */
export function troubleFingerprint(trouble: Trouble): string {
  return JSON.stringify([trouble.status, trouble.incidents.map((i) => [i.id, i.name, i.status])]);
}

export function resolvedByProvider(observation: ProviderObservation): string {
  return `${who(observation.name)} reports its incident resolved and states ${label(observation.status === "unknown" ? "operational" : observation.status)} on what we follow. This incident is resolved with it.`;
}

/** The alert's last words when a person took the incident over: Lookout leaves it to them. */
export function resolvedWhileHandedOver(observation: ProviderObservation, incidentName: string): string {
  return `${who(observation.name)} reports its incident resolved. The incident "${incidentName}" was taken over by a person and stays open: resolve it when you are ready.`;
}

/**
 * The alert's last words when the monitor now follows another page (or other
 * components of it): it no longer speaks for this provider, and an incident
 * it opened for it is left to the team.
 */
export function movedAway(incidentName: string | null): string {
  const left = incidentName
    ? ` The incident "${incidentName}" opened for it stays open: resolve it when you are ready.`
    : "";
  return `The monitor now follows another status page (or other components of it): the provider of this alert is no longer followed.${left}`;
}

/**
 * How long a provider's page may stay unreadable before the team hears of
 * it, once, as information: a page down for minutes is the provider's
 * status page under load; for an hour, it is often a moved URL or a
 * component renamed away, which only the team can fix.
 */
export const UNREADABLE_NOTE_AFTER_MS = 60 * 60_000;

/** Whether the page has been unreadable long enough for its note. */
export function unreadableTooLong(observation: ProviderObservation, now: number): boolean {
  return (
    observation.status === "unknown" &&
    observation.unavailableSince !== null &&
    now - observation.unavailableSince >= UNREADABLE_NOTE_AFTER_MS
  );
}

/** The note's words: since when, why, and that nothing is raised or ended about the provider meanwhile. */
export function unreadableNote(observation: ProviderObservation): { title: string; summary: string } {
  const since = new Date(observation.unavailableSince ?? 0).toISOString();
  const last = observation.lastKnown ? label(observation.lastKnown) : "nothing yet";
  return {
    title: `Status of ${observation.name ?? "a provider"} unavailable since ${since}`,
    summary: `Its status page cannot be read (${observation.problem ?? "no reason given"}). Lookout shows what it last stated (${last}) and raises or ends nothing about the provider until it can read it again.`,
  };
}

/** A provider in trouble that a failing component depends on: the words added to its alert. */
export interface ProviderHint {
  providerName: string | null;
  trouble: Trouble;
  /** The provider's component(s) of yours that the failing component depends on. */
  componentNames: string[];
}

/** "Cloudflare reports an incident affecting CDN." — one sentence per provider in trouble. */
export function hintText(hints: readonly ProviderHint[]): string {
  return hints.map((h) => `${troubleHeadline(h.providerName, h.trouble, h.componentNames)}.`).join(" ");
}

function label(status: ComponentStatus): string {
  return status === "degraded_performance"
    ? "degraded performance"
    : status === "under_maintenance"
      ? "maintenance"
      : status.replace("_", " ");
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function joinNames(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}
