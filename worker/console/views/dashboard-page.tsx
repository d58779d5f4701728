import { derivePageStatus } from "../../core/page-status.ts";
import type { IncidentView, PageSnapshot } from "../../core/read-model.ts";
import { StatusLabel } from "../../views/status-label.tsx";
import type { Viewer } from "../console-env.ts";
import { ConsoleLayout } from "./console-layout.tsx";

export interface DashboardPageProps {
  snapshot: PageSnapshot;
  viewer: Viewer;
  csrf: string;
  /** Unresolved incidents, internal ones too; null when this person may not read them. */
  openIncidents: IncidentView[] | null;
  notice?: string | undefined;
}

/** Overall status, each component's, and what is open: the first screen of an on-call shift. */
export function DashboardPage({ snapshot, viewer, csrf, openIncidents, notice }: DashboardPageProps) {
  const overall = derivePageStatus({
    componentStatuses: snapshot.components.map((component) => component.status),
    incidentImpacts: snapshot.activeIncidents.map((incident) => incident.impact),
    maintenanceInProgress: snapshot.activeMaintenances.length > 0,
  });
  return (
    <ConsoleLayout page={snapshot.page} title="Dashboard" viewer={viewer} csrf={csrf} path="/console" notice={notice}>
      <section aria-labelledby="overall">
        <h2 id="overall">
          Public page: <span class={`indicator indicator-${overall.indicator}`}>{overall.description}</span>
        </h2>
      </section>
      <section aria-labelledby="open-incidents">
        <h2 id="open-incidents">Open incidents</h2>
        {openIncidents === null ? (
          <p>Your role does not read incidents.</p>
        ) : openIncidents.length === 0 ? (
          <p>No open incidents.</p>
        ) : (
          <ul class="rows">
            {openIncidents.map((incident) => (
              <li>
                <strong>{incident.name}</strong> · {incident.status} · {incident.impact}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="components">
        <h2 id="components">Components</h2>
        <ul class="rows">
          {snapshot.components.map((component) => (
            <li>
              {component.name} <StatusLabel status={component.status} />
            </li>
          ))}
        </ul>
      </section>
    </ConsoleLayout>
  );
}
