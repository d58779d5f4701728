import type { MaintenanceView, PageInfo } from "../../core/read-model.ts";
import { ACTIVE_MAINTENANCE_STATUSES, INCIDENT_STATUS_LABELS } from "../../core/statuses.ts";
import { formatDateTime } from "../../views/format.ts";
import type { Viewer } from "../console-env.ts";
import { may } from "../sections.ts";
import { ConsoleLayout } from "./console-layout.tsx";
import { RowsSection } from "./rows-section.tsx";

export interface MaintenancesPageProps {
  page: PageInfo;
  viewer: Viewer;
  csrf: string;
  /** Scheduled windows, soonest first (the API's order=asc). */
  upcoming: MaintenanceView[];
  /** The others: in progress, then past, latest window first. */
  maintenances: MaintenanceView[];
  /** More exist than were read. */
  more: boolean;
  notice?: string | undefined;
}

/** Maintenances in three lists: upcoming (soonest first), in progress, and past (latest first). */
export function MaintenancesPage({ page, viewer, csrf, upcoming, maintenances, more, notice }: MaintenancesPageProps) {
  const active = maintenances.filter((m) => ACTIVE_MAINTENANCE_STATUSES.includes(m.status));
  const past = maintenances.filter((m) => m.status === "completed");
  return (
    <ConsoleLayout
      page={page}
      title="Maintenances"
      viewer={viewer}
      csrf={csrf}
      path="/console/maintenances"
      notice={notice}
    >
      {may(viewer.scopes, "maintenances.create") ? (
        <p>
          <a href="/console/maintenances/new" class="button">
            Schedule a maintenance
          </a>
        </p>
      ) : null}
      <p class="hint">Times in the page's time zone, {page.timeZone}.</p>
      <MaintenanceList id="upcoming" heading="Upcoming" items={upcoming} timeZone={page.timeZone} />
      <MaintenanceList id="in-progress" heading="In progress" items={active} timeZone={page.timeZone} />
      <MaintenanceList id="past" heading="Past" items={past} timeZone={page.timeZone} />
      {more ? (
        <p class="hint">Only the soonest 100 upcoming windows and the latest 100 of each other state are listed.</p>
      ) : null}
    </ConsoleLayout>
  );
}

function MaintenanceList({
  id,
  heading,
  items,
  timeZone,
}: {
  id: string;
  heading: string;
  items: MaintenanceView[];
  timeZone: string;
}) {
  return (
    <RowsSection
      id={id}
      heading={heading}
      items={items}
      empty="None."
      row={(m) => (
        <li>
          <a href={`/console/maintenances/${encodeURIComponent(m.id)}`}>{m.name}</a>
          <span class="hint">
            {formatDateTime(m.scheduledFor, timeZone)} – {formatDateTime(m.scheduledUntil, timeZone)} ·{" "}
            {m.cancelledAt ? "Cancelled" : INCIDENT_STATUS_LABELS[m.status]}
            {m.visibility === "internal" ? " · internal" : ""}
          </span>
        </li>
      )}
    />
  );
}
