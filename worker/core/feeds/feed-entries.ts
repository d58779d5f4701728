import type { IncidentView, MaintenanceView, PageSnapshot } from "../read-model.ts";
import { formatExact } from "../reports/exact-time.ts";
import { renderMarkdown } from "../reports/markdown.ts";
import { REPORT_PARTS } from "../reports/report-parts.ts";
import { INCIDENT_STATUS_LABELS } from "../statuses.ts";
import { escapeXml } from "./xml.ts";

type Event = IncidentView | MaintenanceView;

/** One incident or maintenance as a feed item, ready for either format. */
export interface FeedEntry {
  /** Stable across renders, hosts and formats: a tag URI naming the page and the event. */
  id: string;
  title: string;
  /** Path of the event's page; the feed makes it absolute. */
  path: string;
  /** "incident" or "maintenance". */
  category: string;
  published: string;
  updated: string;
  /** HTML: every update newest first with its status and time, the affected components, the published report. */
  html: string;
}

export interface FeedScope {
  /** Only events touching this component; all public ones when absent. */
  componentId?: string;
}

/**
 * The events a feed carries: the snapshot's recent public incidents and
 * maintenances (the 50 newest of each), newest first. Internal ones never
 * reach a snapshot, and drafts of reports never reach an event.
 */
export function feedEntries(snapshot: PageSnapshot, scope: FeedScope = {}): FeedEntry[] {
  const names = new Map(snapshot.components.map((c) => [c.id, c.name]));
  const events: Event[] = [...snapshot.recentIncidents, ...snapshot.recentMaintenances]
    .filter((event) => !scope.componentId || event.componentIds.includes(scope.componentId))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
  return events.map((event) => ({
    id: `${tagAuthority(snapshot)}:${event.kind}/${event.id}`,
    title: event.kind === "maintenance" ? `Maintenance: ${event.name}` : event.name,
    path: `/${event.kind === "maintenance" ? "maintenances" : "incidents"}/${event.id}`,
    category: event.kind,
    published: event.createdAt,
    updated: event.updatedAt,
    html: entryHtml(event, names, snapshot.page.timeZone),
  }));
}

/** "tag:status.acme.example,2026": the page's own address and the year Lookout began to speak for it. */
export function tagAuthority(snapshot: PageSnapshot): string {
  return `tag:${new URL(snapshot.page.url).host},2026`;
}

function entryHtml(event: Event, names: Map<string, string>, timeZone: string): string {
  const parts: string[] = [];
  for (const update of event.updates) {
    parts.push(
      `<p><strong>${escapeXml(INCIDENT_STATUS_LABELS[update.status])}</strong> — ` +
        `<small>${escapeXml(formatExact(Date.parse(update.displayAt), timeZone))}</small><br>` +
        `${escapeXml(update.body).replace(/\n/g, "<br>")}</p>`,
    );
  }
  if (event.kind === "maintenance") {
    parts.push(
      `<p>Scheduled: ${escapeXml(formatExact(Date.parse(event.scheduledFor), timeZone))} – ` +
        `${escapeXml(formatExact(Date.parse(event.scheduledUntil), timeZone))}</p>`,
    );
  }
  const affected = event.componentIds.map((id) => names.get(id) ?? id);
  if (affected.length > 0) parts.push(`<p>This affects: ${escapeXml(affected.join(", "))}</p>`);
  if (event.kind === "incident" && event.report?.publishedAt) {
    parts.push("<h2>Post-incident report</h2>");
    for (const [part, heading] of REPORT_PARTS) {
      // renderMarkdown shows raw HTML as text and lets only web and mail links through.
      parts.push(`<h3>${escapeXml(heading)}</h3>${renderMarkdown(event.report[part])}`);
    }
  }
  return parts.join("\n");
}
