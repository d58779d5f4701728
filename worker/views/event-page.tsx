import type { IncidentUpdateView, IncidentView, MaintenanceView, PageSnapshot } from "../core/read-model.ts";
import { declaredComponents } from "../core/reports/declared-statuses.ts";
import { IMPACT_LABELS, INCIDENT_STATUS_LABELS } from "../core/statuses.ts";
import { formatDateTime, formatDuration } from "./format.ts";
import { Layout } from "./layout.tsx";
import { PostIncidentReportSection } from "./post-incident-report.tsx";
import { StatusLabel } from "./status-label.tsx";

/**
 * One incident or maintenance: what it touched, how long it lasted, its
 * published report and its timeline, newest first. Who led or spoke for the
 * response is internal and never shown here.
 */
export function EventPage({ event, snapshot }: { event: IncidentView | MaintenanceView; snapshot: PageSnapshot }) {
  const { page } = snapshot;
  const names = new Map(snapshot.components.map((c) => [c.id, c.name]));
  const affected = declaredComponents(event, names);
  const cancelledAt = event.kind === "maintenance" ? event.cancelledAt : null;
  const report = event.kind === "incident" ? event.report : null;
  const at = (iso: string) => <time datetime={iso}>{formatDateTime(iso, page.timeZone)}</time>;
  return (
    <Layout
      page={page}
      title={event.name}
      description={`${event.kind === "maintenance" ? "Maintenance" : "Incident"} on the ${page.name} status page: ${event.name} (${cancelledAt ? "cancelled" : INCIDENT_STATUS_LABELS[event.status].toLowerCase()}), with its timeline of updates.`}
    >
      <article class={`event-page impact-${event.impact}`} aria-labelledby="event-title">
        <h1 id="event-title">{event.name}</h1>
        <dl class="facts">
          <dt>Status</dt>
          <dd>{cancelledAt ? "Cancelled" : INCIDENT_STATUS_LABELS[event.status]}</dd>
          <dt>Impact</dt>
          <dd>{IMPACT_LABELS[event.impact]}</dd>
          {event.kind === "maintenance" ? (
            <>
              <dt>Scheduled</dt>
              <dd>
                {at(event.scheduledFor)} – {at(event.scheduledUntil)}
              </dd>
            </>
          ) : (
            <>
              <dt>Started</dt>
              <dd>{at(event.startedAt)}</dd>
            </>
          )}
          {cancelledAt ? (
            <>
              <dt>Cancelled</dt>
              <dd>{at(cancelledAt)}</dd>
            </>
          ) : event.resolvedAt ? (
            <>
              <dt>{event.kind === "maintenance" ? "Completed" : "Resolved"}</dt>
              <dd>{at(event.resolvedAt)}</dd>
            </>
          ) : null}
          {event.kind === "incident" ? (
            <>
              <dt>Duration</dt>
              <dd>{incidentDuration(event, snapshot.generatedAt, page.timeZone)}</dd>
            </>
          ) : null}
          <dt>Affected</dt>
          <dd>
            {affected.length ? (
              <ul class="affected">
                {affected.map((component) => (
                  <li>
                    {component.name}
                    {component.worstDeclared && component.worstDeclared !== "operational" ? (
                      <>
                        {" "}
                        <StatusLabel status={component.worstDeclared} />
                      </>
                    ) : null}
                  </li>
                ))}
              </ul>
            ) : (
              "No components"
            )}
          </dd>
        </dl>
        {report?.publishedAt ? (
          <PostIncidentReportSection report={report} publishedAt={report.publishedAt} timeZone={page.timeZone} />
        ) : null}
        <h2>Updates</h2>
        <ol class="timeline">
          {event.updates.map((update) => (
            <TimelineEntry update={update} timeZone={page.timeZone} />
          ))}
        </ol>
      </article>
    </Layout>
  );
}

/** One update on an event's public timeline; the console's preview shows an update exactly so. */
export function TimelineEntry({ update, timeZone }: { update: IncidentUpdateView; timeZone: string }) {
  return (
    <li>
      <h3>{INCIDENT_STATUS_LABELS[update.status]}</h3>
      <p class="body">{update.body}</p>
      <p class="meta">
        <time datetime={update.displayAt}>{formatDateTime(update.displayAt, timeZone)}</time>
      </p>
    </li>
  );
}

/**
 * Resolved: how long it lasted. Ongoing: how long so far, as of when the
 * snapshot was taken, so a cached page states a fact rather than a stale "now".
 */
function incidentDuration(event: IncidentView, generatedAt: string, timeZone: string) {
  const startedAt = Date.parse(event.startedAt);
  if (event.resolvedAt) return formatDuration(Math.max(0, Date.parse(event.resolvedAt) - startedAt) / 1000);
  const sofar = formatDuration(Math.max(0, Date.parse(generatedAt) - startedAt) / 1000);
  return (
    <>
      Ongoing for {sofar}{" "}
      <span class="meta">
        (as of <time datetime={generatedAt}>{formatDateTime(generatedAt, timeZone)}</time>)
      </span>
    </>
  );
}
