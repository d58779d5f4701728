import type { ProviderObservation } from "./provider-observation.ts";
import type { ProviderStatus } from "./provider-status.ts";

/**
 * What the public pages show of a third-party component's provider (a
 * component a statuspage monitor drives): whose status it is, where to follow
 * it, its open incidents, and since when its page cannot be read. Everything
 * here came from the provider's page, which Lookout does not control: text is
 * rendered escaped, and a link is kept only when it is an http(s) URL.
 */
export interface ThirdPartyView {
  /** The provider's name as its page states it; the monitor's name (or the page's host) before it was ever read. */
  name: string;
  /** Where readers follow the provider: an http(s) URL, or null. */
  pageUrl: string | null;
  status: ProviderStatus;
  /** Whether the provider ever stated a status Lookout read: the one shown is then its word, else the component's own. */
  stated: boolean;
  /** Since when the provider's page cannot be read (ISO 8601); null while it can. */
  unavailableSince: string | null;
  /** Why it cannot be read (Lookout's own words, e.g. "answered 503"). */
  problem: string | null;
  /** Open incidents touching what the component follows, newest first. */
  incidents: ThirdPartyIncident[];
}

export interface ThirdPartyIncident {
  name: string;
  status: string;
  /** An http(s) link to the incident, or null when the provider gave none Lookout may link to. */
  url: string | null;
  latestUpdate: { body: string; status: string; at: string } | null;
}

/** The followed page as configured: what is shown before the page was ever read. */
export interface FollowedPage {
  /** The statuspage monitor's name, when the config gives one. */
  monitorName: string | null;
  /** The configured URL (http(s), the config checks it). */
  url: string;
}

/** The view of one provider, from its last observation (null: never read yet). */
export function thirdPartyView(observation: ProviderObservation | null, followed: FollowedPage): ThirdPartyView {
  const configured = webLink(followed.url);
  return {
    name: observation?.name?.trim() || followed.monitorName || hostOf(configured) || "the provider",
    pageUrl: webLink(observation?.pageUrl ?? null) ?? pageOf(configured),
    status: observation?.status ?? "unknown",
    stated: (observation?.lastKnown ?? null) !== null,
    unavailableSince:
      observation?.unavailableSince == null ? null : new Date(observation.unavailableSince).toISOString(),
    problem: observation?.problem ?? null,
    incidents: (observation?.incidents ?? []).map((incident) => ({
      name: incident.name,
      status: incident.status,
      url: webLink(incident.url),
      latestUpdate: incident.latestUpdate,
    })),
  };
}

/**
 * The URL when it is an absolute http(s) one, else null: a provider's page
 * could state `javascript:` or `data:` as a link, which must never become an
 * href on Lookout's page.
 */
export function webLink(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}

/** The configured URL may name the summary itself; people follow the page it belongs to. */
function pageOf(url: string | null): string | null {
  return url ? url.replace(/\/api\/v2\/summary\.json$/, "") || url : null;
}

function hostOf(url: string | null): string | null {
  return url ? new URL(url).host : null;
}
