import type { ProbeResult } from "../probes/probe-result.ts";
import { COMPONENT_STATUS_LABELS, type ComponentStatus } from "../statuses.ts";
import { type ProviderSelection, type ProviderStatus, providerIncidents, providerStatus } from "./provider-status.ts";
import type { ProviderSummary } from "./provider-summary.ts";

/** One of the provider's open incidents, as much as a component page and an alert show. */
export interface ProviderIncident {
  id: string;
  name: string;
  status: string;
  impact: string;
  /** Where to follow it: the incident's shortlink, or the provider's page. */
  url: string;
  latestUpdate: { body: string; status: string; at: string } | null;
}

/**
 * What Lookout knows of a provider from its page: the status of what you
 * follow, and for how long the page has been unreadable when it is. While it
 * cannot be read, what it last said is kept beside "unknown" and never
 * replaced by a guess (decision 0039).
 */
export interface ProviderObservation {
  /** The provider's own name for itself, from its page; null before it was ever read. */
  name: string | null;
  /** Where people follow the provider: its page's URL as it states it. */
  pageUrl: string | null;
  status: ProviderStatus;
  /** The last status the page stated, kept while it cannot be read. */
  lastKnown: ComponentStatus | null;
  /** Since when the page cannot be read (ms); null while it can. */
  unavailableSince: number | null;
  /** Why it cannot be read, or why its answer says nothing about what you follow. */
  problem: string | null;
  /** Open incidents touching what you follow, newest first (at most MAX_INCIDENTS). */
  incidents: ProviderIncident[];
}

/**
 * What a monitor keeps of a provider between readings: the validators of the
 * last summary it read whole (so the next reading asks "changed since?", and
 * a 304 costs the provider and Lookout next to nothing) and what it observed.
 */
export interface ProviderMemory {
  /** What was read: the summary's URL and the selection. Validators and observations of another source mean nothing. */
  source: string;
  etag: string | null;
  lastModified: string | null;
  observation: ProviderObservation | null;
}

/** A provider with more open incidents than this is having a bad day; the first few say enough. */
const MAX_INCIDENTS = 5;
/** An update's text is shown in a line or two and carried in every report: a provider's essay is cut. */
const UPDATE_MAX_CHARS = 500;
/** A page's or incident's name: a title, not a text. */
const NAME_MAX_CHARS = 200;
/** Ids, statuses, impacts, times: single words in every real summary. */
const WORD_MAX_CHARS = 64;
const URL_MAX_CHARS = 2_048;

/** What one reading of the page gave: its summary, or why there was none. */
export type ProviderReading = { ok: true; summary: ProviderSummary } | { ok: false; problem: string };

/** The observation after one reading; `previous` is what was known before it. */
export function observe(
  previous: ProviderObservation | null,
  reading: ProviderReading,
  selection: ProviderSelection,
  now: number,
): ProviderObservation {
  if (!reading.ok) {
    return {
      name: previous?.name ?? null,
      pageUrl: previous?.pageUrl ?? null,
      status: "unknown",
      lastKnown: previous?.lastKnown ?? null,
      unavailableSince: previous?.unavailableSince ?? now,
      problem: reading.problem,
      incidents: previous?.incidents ?? [],
    };
  }
  const { summary } = reading;
  const status = providerStatus(summary, selection);
  const pageUrl = summary.page.url ? clip(summary.page.url, URL_MAX_CHARS) : null;
  return {
    name: clip(summary.page.name, NAME_MAX_CHARS),
    pageUrl,
    status,
    lastKnown: status === "unknown" ? (previous?.lastKnown ?? null) : status,
    unavailableSince: null,
    problem: status === "unknown" ? unknownBecause(summary, selection) : null,
    incidents: providerIncidents(summary, selection)
      .slice(0, MAX_INCIDENTS)
      .map((incident) => {
        const latest = incident.incident_updates[0];
        // Every word is the provider's, kept in rows and carried in reports: each is bounded.
        return {
          id: clip(incident.id, WORD_MAX_CHARS),
          name: clip(incident.name, NAME_MAX_CHARS),
          status: clip(incident.status, WORD_MAX_CHARS),
          impact: clip(incident.impact, WORD_MAX_CHARS),
          url: clip(incident.shortlink ?? pageUrl ?? "", URL_MAX_CHARS),
          latestUpdate: latest
            ? {
                body: clip(latest.body, UPDATE_MAX_CHARS),
                status: clip(latest.status, WORD_MAX_CHARS),
                at: clip(latest.created_at, WORD_MAX_CHARS),
              }
            : null,
        };
      }),
  };
}

function unknownBecause(summary: ProviderSummary, selection: ProviderSelection): string {
  const wanted = selection.components;
  if (wanted?.length && !summary.components.some((c) => wanted.includes(c.id) || wanted.includes(c.name))) {
    return `the page lists none of ${wanted.map((w) => JSON.stringify(w)).join(", ")}`;
  }
  return "the page states a status Lookout does not know";
}

/**
 * The check's result as the monitor's state machine takes it: operational
 * and maintenance are up, degraded is degraded, an outage is down. Null
 * while the page says nothing Lookout can use: no sample, no change of
 * state (unknown is not down).
 */
export function providerResult(
  observation: ProviderObservation,
  check: { at: number; latencyMs: number; statusCode: number | null },
): ProbeResult | null {
  const status = observation.status;
  if (status === "unknown") return null;
  const outcome =
    status === "partial_outage" || status === "major_outage"
      ? "down"
      : status === "degraded_performance"
        ? "degraded"
        : "up";
  return {
    at: check.at,
    outcome,
    latencyMs: Math.max(0, Math.round(check.latencyMs)),
    statusCode: check.statusCode,
    failure: outcome === "down" ? { kind: "provider", status, incident: observation.incidents[0]?.name ?? null } : null,
    summary: providerSays(observation),
  };
}

/** "GitHub reports a partial outage: Delayed webhooks" — what the provider says, in one line. */
export function providerSays(observation: ProviderObservation): string {
  const who = observation.name ?? "The provider";
  const status = observation.status === "unknown" ? observation.lastKnown : observation.status;
  if (status === null) return `${who}: status unknown`;
  const incident = observation.incidents[0]?.name;
  const label = COMPONENT_STATUS_LABELS[status].toLowerCase();
  const said = status === "operational" ? `${who} reports operational` : `${who} reports ${label}`;
  return incident ? `${said}: ${clip(incident, 120)}` : said;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
