import type { IncidentView, MaintenanceView, PageSnapshot } from "../read-model.ts";
import { formatExact } from "../reports/exact-time.ts";
import { renderMarkdown } from "../reports/markdown.ts";
import { REPORT_PARTS } from "../reports/report-parts.ts";
import { INCIDENT_STATUS_LABELS } from "../statuses.ts";
import { escapeXml } from "./xml.ts";

export type FeedEvent = IncidentView | MaintenanceView;

/** One incident or maintenance as a feed item, ready for either format; shaped like Statuspage's. */
export interface FeedEntry {
  /** Atom id, Statuspage's form (`tag:{host},2005:Incident/{id}`): stable across renders and hosts. */
  id: string;
  /** RSS guid, as Statuspage's: the event's address on the page's configured URL. */
  guid: string;
  /** The event's plain name, maintenances included. */
  title: string;
  /** Path of the event's page; the feed makes it absolute. */
  path: string;
  /** "incident" or "maintenance". */
  category: string;
  /** The latest update's time: what RSS pubDate and Atom published say. */
  published: string;
  /** The latest change to what the entry shows: its latest update, an edit, or its published report. */
  updated: string;
  /** HTML, Statuspage's shape: one `<small>time</small><br><strong>Status</strong> - body` paragraph per update, newest first. */
  html: string;
}

/** The page-wide feed's events: the snapshot's 50 newest public incidents and 50 newest maintenances. */
export function pageFeedEvents(snapshot: PageSnapshot): FeedEvent[] {
  return [...snapshot.recentIncidents, ...snapshot.recentMaintenances];
}

/**
 * Events as feed entries, the most recently updated first, as a reader lists
 * them. Internal events never reach a snapshot or a component's list, and
 * drafts of reports never reach an event.
 */
export function feedEntries(snapshot: PageSnapshot, events: readonly FeedEvent[]): FeedEntry[] {
  const names = new Map(snapshot.components.map((c) => [c.id, c.name]));
  const host = new URL(snapshot.page.url).host;
  const pageUrl = snapshot.page.url.endsWith("/") ? snapshot.page.url : `${snapshot.page.url}/`;
  return events
    .map((event) => {
      const path = `${event.kind === "maintenance" ? "maintenances" : "incidents"}/${event.id}`;
      const published = event.updates[0]?.displayAt ?? event.createdAt;
      const report = event.kind === "incident" && event.report?.publishedAt ? event.report.updatedAt : published;
      return {
        id: `tag:${host},2005:Incident/${event.id}`,
        guid: new URL(path, pageUrl).href,
        title: event.name,
        path: `/${path}`,
        category: event.kind,
        published,
        updated: [published, event.updatedAt, report].reduce((a, b) => (b > a ? b : a)),
        html: entryHtml(event, names, snapshot.page.timeZone),
      };
    })
    .sort((a, b) => b.published.localeCompare(a.published) || b.id.localeCompare(a.id));
}

/** "tag:status.acme.example,2026": the page's own address and the year Lookout began to speak for it. */
export function tagAuthority(snapshot: PageSnapshot): string {
  return `tag:${new URL(snapshot.page.url).host},2026`;
}

function entryHtml(event: FeedEvent, names: Map<string, string>, timeZone: string): string {
  const time = (iso: string) => escapeXml(formatExact(Date.parse(iso), timeZone));
  const parts: string[] = [];
  if (event.kind === "maintenance") {
    parts.push(
      `<p><strong>THIS IS A SCHEDULED EVENT ${time(event.scheduledFor)} - ${time(event.scheduledUntil)}</strong></p>`,
    );
  }
  event.updates.forEach((update, i) => {
    // Newest first: an update is "Update" when the one before it (next in the list) had the same status.
    const previous = event.updates[i + 1];
    const label = previous?.status === update.status ? "Update" : INCIDENT_STATUS_LABELS[update.status];
    parts.push(
      `<p><small>${time(update.displayAt)}</small><br><strong>${escapeXml(label)}</strong> - ` +
        `${escapeXml(update.body).replace(/\n/g, "<br>")}</p>`,
    );
  });
  const affected = event.componentIds.map((id) => names.get(id) ?? id);
  if (affected.length > 0) {
    const what = event.kind === "maintenance" ? "This scheduled maintenance affects" : "This incident affects";
    parts.push(`<p>${what}: ${escapeXml(affected.join(", "))}.</p>`);
  }
  if (event.kind === "incident" && event.report?.publishedAt) {
    parts.push("<h2>Post-incident report</h2>");
    for (const [part, heading] of REPORT_PARTS) {
      // renderMarkdown shows raw HTML as text and lets only web and mail links through.
      parts.push(`<h3>${escapeXml(heading)}</h3>${renderMarkdown(event.report[part])}`);
    }
  }
  return parts.join("\n");
}
