import { formatDuration } from "../durations.ts";
import type { IncidentView } from "../read-model.ts";
import {
  COMPONENT_STATUS_LABELS,
  type ComponentStatus,
  INCIDENT_STATUS_LABELS,
  worstComponentStatus,
} from "../statuses.ts";
import type { StatusTransition } from "../uptime.ts";
import { chronological, impactWithin } from "./component-impact.ts";
import { declaredComponents } from "./declared-statuses.ts";
import { formatExact } from "./exact-time.ts";
import { escapeBlock, escapeInline } from "./markdown-escape.ts";
import { type MonitorObservation, probeEvidence } from "./monitor-evidence.ts";

export interface ReportInput {
  incident: IncidentView;
  /** Component id → name. */
  componentNames: Map<string, string>;
  /**
   * Per affected component id, its status history covering the incident,
   * oldest first, including the last transition before the incident began.
   */
  transitions: Map<string, StatusTransition[]>;
  /** What the monitors of the affected components reported around the incident; the only probe evidence. */
  observations?: readonly MonitorObservation[];
  timeZone: string;
  now: number;
}

/** The response's pace, measured from when impact began; null while a stage is not reached. */
export interface ReportFigures {
  timeToDetectMs: number | null;
  timeToIdentifyMs: number | null;
  timeToMitigateMs: number | null;
  timeToResolveMs: number | null;
}

export interface ReportComponent {
  id: string;
  name: string;
  worstStatus: ComponentStatus;
  notOperationalMs: number;
}

/** A first draft of the four parts of a post-incident report, in markdown, for a person to finish. */
export interface ReportDraft {
  summary: string;
  whoWasAffected: string;
  whatHappened: string;
  prevention: string;
  figures: ReportFigures;
  components: ReportComponent[];
  /** The probe evidence part of "What happened" on its own (markdown), for the console to show beside the text. */
  probeEvidence: string;
}

/** Only a person knows what will change; the draft says what belongs here instead of guessing. */
export const PREVENTION_PLACEHOLDER =
  "_Replace this paragraph. Explain the root cause in plain words, then what we are changing so it does not happen " +
  "again: fixes already made, safeguards being added and how we will detect it sooner. List each piece of work as a " +
  "follow-up action with an owner._";

/**
 * Drafts a post-incident report from what was recorded: the updates that were
 * posted and the component status history. Pure; the caller reads the history.
 */
export function draftReport(input: ReportInput): ReportDraft {
  const { incident, timeZone, now } = input;
  const startedAt = Date.parse(incident.startedAt);
  const resolvedAt = incident.resolvedAt ? Date.parse(incident.resolvedAt) : null;
  const end = Math.max(startedAt, resolvedAt ?? now);
  const stamp = (ms: number) => formatExact(ms, timeZone, startedAt);

  const declared = declaredComponents(incident, input.componentNames);
  const histories = new Map(declared.map((c) => [c.id, chronological(input.transitions.get(c.id) ?? [])]));

  const components: ReportComponent[] = declared.map((component) => {
    const history = histories.get(component.id) ?? [];
    const impact = impactWithin(history, startedAt, end);
    // A status set by hand on an update counts even where no history was recorded.
    const byHand = component.worstDeclared ? [component.worstDeclared] : [];
    return {
      id: component.id,
      name: component.name,
      worstStatus: worstComponentStatus([impact.worstStatus, ...byHand]),
      notOperationalMs: impact.notOperationalMs,
    };
  });
  const figures = keyFigures(incident, startedAt);
  const evidence = probeEvidence(input.observations ?? [], startedAt, end, stamp);

  return {
    summary: summary(components, {
      start: formatExact(startedAt, timeZone),
      end: stamp(end),
      duration: formatDuration((end - startedAt) / 1000),
      ongoing: resolvedAt === null,
    }),
    whoWasAffected: whoWasAffected(components),
    whatHappened: [timeline(incident, stamp), figuresList(figures), evidence].join("\n\n"),
    prevention: PREVENTION_PLACEHOLDER,
    figures,
    components,
    probeEvidence: evidence,
  };
}

function keyFigures(incident: IncidentView, startedAt: number): ReportFigures {
  const since = (iso: string | null) => (iso ? Math.max(0, Date.parse(iso) - startedAt) : null);
  return {
    timeToDetectMs: since(incident.createdAt),
    timeToIdentifyMs: since(incident.identifiedAt),
    // Mitigation is when the fix was in and being watched; a straight resolve mitigated too.
    timeToMitigateMs: since(incident.monitoringAt ?? incident.resolvedAt),
    timeToResolveMs: since(incident.resolvedAt),
  };
}

const STATUS_PHRASES: Record<ComponentStatus, { past: string; ongoing: [string, string] }> = {
  operational: { past: "affected", ongoing: ["has been affected", "have been affected"] },
  under_maintenance: {
    past: "under maintenance",
    ongoing: ["has been under maintenance", "have been under maintenance"],
  },
  degraded_performance: {
    past: "degraded performance",
    ongoing: ["has had degraded performance", "have had degraded performance"],
  },
  partial_outage: { past: "a partial outage", ongoing: ["has had a partial outage", "have had a partial outage"] },
  major_outage: { past: "a major outage", ongoing: ["has had a major outage", "have had a major outage"] },
};

function summary(
  components: ReportComponent[],
  when: { start: string; end: string; duration: string; ongoing: boolean },
): string {
  const names = components.map((c) => escapeInline(c.name));
  const subject = names.length ? joinNames(names) : "Our service";
  const plural = names.length > 1;
  const worst = worstComponentStatus(components.map((c) => c.worstStatus));
  const phrase = STATUS_PHRASES[worst];
  if (when.ongoing) {
    return `${subject} ${phrase.ongoing[plural ? 1 : 0]} since ${when.start}; it was still ongoing at ${when.end}, after ${when.duration}.`;
  }
  const verb = worst === "operational" || worst === "under_maintenance" ? (plural ? "were" : "was") : "had";
  return `${subject} ${verb} ${phrase.past} from ${when.start} until ${when.end}, ${when.duration} in all.`;
}

function whoWasAffected(components: ReportComponent[]): string {
  if (!components.length) return "No components were marked as affected.";
  return components
    .map((c) => {
      const name = `**${escapeInline(c.name)}**`;
      if (c.worstStatus === "operational" && c.notOperationalMs === 0) return `- ${name}: operational throughout.`;
      const label = statusWords(c.worstStatus);
      return `- ${name}: ${label} at worst; not operational for ${formatDuration(c.notOperationalMs / 1000)}.`;
    })
    .join("\n");
}

function timeline(incident: IncidentView, stamp: (ms: number) => string): string {
  const updates = incident.updates
    .map((update) => ({ update, at: Date.parse(update.displayAt) }))
    .sort((a, b) => a.at - b.at);
  const items = updates.map(({ update, at }) => {
    const body = escapeBlock(update.body, "  ");
    const head = `- ${stamp(at)} — **${INCIDENT_STATUS_LABELS[update.status]}**`;
    return body ? `${head}: ${body}` : head;
  });
  return `#### Timeline\n\n${items.length ? items.join("\n") : "No updates were posted."}`;
}

function figuresList(figures: ReportFigures): string {
  const figure = (ms: number | null) => (ms === null ? "not reached" : formatDuration(ms / 1000));
  return [
    "#### Key figures",
    "",
    `- Time to detect: ${figure(figures.timeToDetectMs)}`,
    `- Time to identify: ${figure(figures.timeToIdentifyMs)}`,
    `- Time to mitigate: ${figure(figures.timeToMitigateMs)}`,
    `- Time to resolve: ${figure(figures.timeToResolveMs)}`,
  ].join("\n");
}

function statusWords(status: ComponentStatus): string {
  return COMPONENT_STATUS_LABELS[status].toLowerCase();
}

/** "API", "API and Web", "API, Web and DNS". */
function joinNames(names: string[]): string {
  if (names.length < 2) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}
