import type { Severity } from "../../core/config/console-schema.ts";
import { severityName } from "../../core/incidents/severity.ts";
import type { IncidentView, PageInfo } from "../../core/read-model.ts";
import { formatDateTime } from "../../views/format.ts";
import type { Viewer } from "../console-env.ts";
import { ConsoleLayout } from "./console-layout.tsx";

export interface IncidentsPageProps {
  page: PageInfo;
  viewer: Viewer;
  csrf: string;
  /** Open ones first, then the latest others. */
  incidents: IncidentView[];
  severities: readonly Severity[];
  mayDeclare: boolean;
  notice?: string | undefined;
}

/** Every incident the team runs, open first, internal ones marked; each a link to its room. */
export function IncidentsPage({ page, viewer, csrf, incidents, severities, mayDeclare, notice }: IncidentsPageProps) {
  return (
    <ConsoleLayout page={page} title="Incidents" viewer={viewer} csrf={csrf} path="/console/incidents" notice={notice}>
      {mayDeclare ? (
        <p>
          <a class="button" href="/console/incidents/new">
            Declare an incident
          </a>
        </p>
      ) : null}
      {incidents.length === 0 ? (
        <p>No incidents yet.</p>
      ) : (
        <ul class="rows">
          {incidents.map((incident) => (
            <li>
              <a href={`/console/incidents/${incident.id}`}>{incident.name}</a>
              <span>
                {incident.visibility === "internal" ? <strong class="tag">Internal</strong> : null}{" "}
                {severityName(severities, incident.severity) ?? incident.impact} · {incident.status} · started{" "}
                <time datetime={incident.startedAt}>{formatDateTime(incident.startedAt, page.timeZone)}</time>
              </span>
            </li>
          ))}
        </ul>
      )}
    </ConsoleLayout>
  );
}
