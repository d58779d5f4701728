import type { IncidentView, MaintenanceView, PageSnapshot } from "../core/read-model.ts";
import { INCIDENT_STATUS_LABELS } from "../core/statuses.ts";
import { eventHref } from "./event-summary.tsx";
import { formatDateTime } from "./format.ts";
import { Layout } from "./layout.tsx";

type Event = IncidentView | MaintenanceView;

/** Past incidents and maintenances by month, newest first. */
export function HistoryPage({ snapshot }: { snapshot: PageSnapshot }) {
  const { page } = snapshot;
  const events: Event[] = [...snapshot.recentIncidents, ...snapshot.recentMaintenances].sort((a, b) =>
    b.startedAt.localeCompare(a.startedAt),
  );
  const months = new Map<string, Event[]>();
  const monthName = new Intl.DateTimeFormat("en-GB", { month: "long", year: "numeric", timeZone: page.timeZone });
  for (const event of events) {
    const month = monthName.format(new Date(event.startedAt));
    months.set(month, [...(months.get(month) ?? []), event]);
  }
  return (
    <Layout page={page} title="Incident history">
      <h1>Incident history</h1>
      {events.length === 0 ? <p>No incidents or maintenances reported yet.</p> : null}
      {[...months].map(([month, list]) => (
        <section aria-label={month}>
          <h2>{month}</h2>
          <ul class="history">
            {list.map((event) => (
              <li class={`impact-${event.impact}`}>
                <a href={eventHref(event)}>{event.name}</a>{" "}
                <span class="meta">
                  {INCIDENT_STATUS_LABELS[event.status]} ·{" "}
                  <time datetime={event.startedAt}>{formatDateTime(event.startedAt, page.timeZone)}</time>
                </span>
                {event.updates[0] ? <p>{event.updates[0].body}</p> : null}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </Layout>
  );
}
