import type { IncidentView, MaintenanceView, PageInfo } from "../core/read-model.ts";
import { IMPACT_LABELS, INCIDENT_STATUS_LABELS } from "../core/statuses.ts";
import { formatDateTime } from "./format.ts";

export function eventHref(event: IncidentView | MaintenanceView): string {
  return `/${event.kind === "maintenance" ? "maintenances" : "incidents"}/${event.id}`;
}

/** An open incident or maintenance on the front page: its name and latest update. */
export function EventSummary({ event, page }: { event: IncidentView | MaintenanceView; page: PageInfo }) {
  const latest = event.updates[0];
  return (
    <article class={`event impact-${event.impact}`} aria-labelledby={`event-${event.id}`}>
      <h3 id={`event-${event.id}`}>
        <a href={eventHref(event)}>{event.name}</a>
      </h3>
      <p class="meta">{IMPACT_LABELS[event.impact]}</p>
      {event.kind === "maintenance" ? (
        <p class="meta">
          Scheduled <time datetime={event.scheduledFor}>{formatDateTime(event.scheduledFor, page.timeZone)}</time> –{" "}
          <time datetime={event.scheduledUntil}>{formatDateTime(event.scheduledUntil, page.timeZone)}</time>
        </p>
      ) : null}
      {latest ? (
        <p>
          <strong>{INCIDENT_STATUS_LABELS[latest.status]}</strong> – {latest.body}{" "}
          <time class="meta" datetime={latest.displayAt}>
            {formatDateTime(latest.displayAt, page.timeZone)}
          </time>
        </p>
      ) : null}
    </article>
  );
}
