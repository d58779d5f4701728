import { HISTORY_PAGE_CAP } from "../core/history-months.ts";
import type { HistoryView, IncidentView, MaintenanceView, PageInfo } from "../core/read-model.ts";
import { IMPACT_LABELS, INCIDENT_STATUS_LABELS } from "../core/statuses.ts";
import { eventHref } from "./event-summary.tsx";
import { formatDateTime, formatDuration } from "./format.ts";
import { Layout } from "./layout.tsx";

type Event = IncidentView | MaintenanceView;

/**
 * Past incidents and maintenances, three calendar months per page (in the
 * page's time zone), newest first, like Statuspage's history. Every month is
 * shown, empty or not; plain links page through, so it works without script.
 */
export function HistoryPage({ page, history }: { page: PageInfo; history: HistoryView }) {
  const listed = history.months.flatMap((month) => month.events);
  const oldestListed = Math.min(...listed.map((event) => Date.parse(event.startedAt)));
  const title = history.page > 1 ? `Incident history, page ${history.page}` : "Incident history";
  return (
    <Layout page={page} title={title}>
      <h1>Incident history</h1>
      {history.capped ? (
        <p class="meta" role="note">
          These months hold more incidents and maintenances than one page lists: only the {HISTORY_PAGE_CAP} most recent
          are shown.
        </p>
      ) : null}
      {history.months.map((month) => (
        <section aria-label={month.label}>
          <h2>{month.label}</h2>
          {month.events.length > 0 ? (
            <ul class="history">
              {month.events.map((event) => (
                <HistoryItem event={event} page={page} />
              ))}
            </ul>
          ) : history.capped && Date.parse(month.start) < oldestListed ? (
            <p class="meta">Not listed: this page reached its limit of {HISTORY_PAGE_CAP}.</p>
          ) : (
            <p class="meta">No incidents reported this month.</p>
          )}
        </section>
      ))}
      {history.hasNewer || history.hasOlder ? (
        <nav aria-label="Pagination">
          <p>
            {history.hasNewer ? (
              <a href={`/history?page=${history.page - 1}`} rel="prev">
                <span aria-hidden="true">← </span>Newer
              </a>
            ) : null}
            {history.hasNewer && history.hasOlder ? " · " : null}
            {history.hasOlder ? (
              <a href={`/history?page=${history.page + 1}`} rel="next">
                Older<span aria-hidden="true"> →</span>
              </a>
            ) : null}
          </p>
        </nav>
      ) : null}
    </Layout>
  );
}

export function HistoryItem({ event, page }: { event: Event; page: PageInfo }) {
  const latest = event.updates[0];
  const lasted = durationOf(event);
  const scheduled = event.kind === "maintenance" && event.status === "scheduled";
  return (
    <li class={`impact-${event.impact}`}>
      <h3>
        <a href={eventHref(event)}>{event.name}</a>
      </h3>
      <p class="meta">
        {event.kind === "maintenance" ? `${IMPACT_LABELS.maintenance} · ` : null}
        {statusLabel(event)} · {scheduled ? "Starts " : "Started "}
        <time datetime={event.startedAt}>{formatDateTime(event.startedAt, page.timeZone)}</time>
        {lasted === null ? null : ` · Lasted ${lasted}`}
      </p>
      {latest ? <p>{latest.body}</p> : null}
    </li>
  );
}

function statusLabel(event: Event): string {
  if (event.kind === "maintenance" && event.cancelledAt) return "Cancelled";
  return INCIDENT_STATUS_LABELS[event.status];
}

/** How long a resolved incident or completed maintenance lasted, in words; null while it goes on. */
function durationOf(event: Event): string | null {
  if (!event.resolvedAt || (event.kind === "maintenance" && event.cancelledAt)) return null;
  const seconds = (Date.parse(event.resolvedAt) - Date.parse(event.startedAt)) / 1000;
  if (!(seconds >= 0)) return null;
  if (seconds < 2 * 86_400) return formatDuration(seconds);
  const hours = Math.round(seconds / 3_600);
  return hours % 24 > 0 ? `${Math.floor(hours / 24)} d ${hours % 24} h` : `${hours / 24} d`;
}
