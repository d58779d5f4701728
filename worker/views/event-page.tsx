import type { IncidentView, MaintenanceView, PageSnapshot } from "../core/read-model.ts";
import { IMPACT_LABELS, INCIDENT_STATUS_LABELS } from "../core/statuses.ts";
import { formatDateTime } from "./format.ts";
import { Layout } from "./layout.tsx";

/** One incident or maintenance: what it touched and its timeline, newest first. */
export function EventPage({ event, snapshot }: { event: IncidentView | MaintenanceView; snapshot: PageSnapshot }) {
  const { page } = snapshot;
  const names = new Map(snapshot.components.map((c) => [c.id, c.name]));
  return (
    <Layout page={page} title={event.name}>
      <article class={`event-page impact-${event.impact}`} aria-labelledby="event-title">
        <h1 id="event-title">{event.name}</h1>
        <dl class="facts">
          <dt>Status</dt>
          <dd>{INCIDENT_STATUS_LABELS[event.status]}</dd>
          <dt>Impact</dt>
          <dd>{IMPACT_LABELS[event.impact]}</dd>
          {event.kind === "maintenance" ? (
            <>
              <dt>Scheduled</dt>
              <dd>
                <time datetime={event.scheduledFor}>{formatDateTime(event.scheduledFor, page.timeZone)}</time> –{" "}
                <time datetime={event.scheduledUntil}>{formatDateTime(event.scheduledUntil, page.timeZone)}</time>
              </dd>
            </>
          ) : (
            <>
              <dt>Started</dt>
              <dd>
                <time datetime={event.startedAt}>{formatDateTime(event.startedAt, page.timeZone)}</time>
              </dd>
            </>
          )}
          {event.resolvedAt ? (
            <>
              <dt>{event.kind === "maintenance" ? "Completed" : "Resolved"}</dt>
              <dd>
                <time datetime={event.resolvedAt}>{formatDateTime(event.resolvedAt, page.timeZone)}</time>
              </dd>
            </>
          ) : null}
          <dt>Affected</dt>
          <dd>{event.componentIds.map((id) => names.get(id) ?? id).join(", ") || "No components"}</dd>
        </dl>
        <h2>Updates</h2>
        <ol class="timeline">
          {event.updates.map((update) => (
            <li>
              <h3>{INCIDENT_STATUS_LABELS[update.status]}</h3>
              <p class="body">{update.body}</p>
              <p class="meta">
                <time datetime={update.displayAt}>{formatDateTime(update.displayAt, page.timeZone)}</time>
              </p>
            </li>
          ))}
        </ol>
      </article>
    </Layout>
  );
}
