import type { Severity } from "../../core/config/console-schema.ts";
import { severityName } from "../../core/incidents/severity.ts";
import { derivePageStatus } from "../../core/page-status.ts";
import type { PageSnapshot } from "../../core/read-model.ts";
import { formatDateTime } from "../../views/format.ts";
import { StatusLabel } from "../../views/status-label.tsx";
import type { Viewer } from "../console-env.ts";
import type { DashboardData, MonitorRow } from "../dashboard-data.ts";
import { ConsoleLayout } from "./console-layout.tsx";
import { endpointOrigin } from "./ops/webhooks-page.tsx";
import { RowsSection } from "./rows-section.tsx";

export interface DashboardPageProps {
  snapshot: PageSnapshot;
  viewer: Viewer;
  csrf: string;
  data: DashboardData;
  severities: readonly Severity[];
  /** Whether this person may declare: the Declare links show only then. */
  mayDeclare: boolean;
  notice?: string | undefined;
}

const STANDING_WORDS: Record<MonitorRow["state"], string> = {
  up: "Up",
  degraded: "Slow",
  down: "Down",
  no_data: "No data",
};

function When({ at, timeZone }: { at: string; timeZone: string }) {
  return <time datetime={at}>{formatDateTime(at, timeZone)}</time>;
}

/** A component's monitors: up, down since when saying what, slow, or no data; a failing one offers to declare. */
function MonitorLines({
  monitors,
  timeZone,
  mayDeclare,
}: {
  monitors: readonly MonitorRow[];
  timeZone: string;
  mayDeclare: boolean;
}) {
  if (monitors.length === 0) return null;
  return (
    <ul class="monitors">
      {monitors.map((monitor) => (
        <li class={`monitor monitor-${monitor.state}`}>
          <span>
            {monitor.name}: <strong>{STANDING_WORDS[monitor.state]}</strong>
            {monitor.since && monitor.state !== "no_data" ? (
              <>
                {" "}
                since <When at={monitor.since} timeZone={timeZone} />
              </>
            ) : null}
            {monitor.lastError ? <span class="hint"> · last error: {monitor.lastError}</span> : null}
            {monitor.others.length > 0 ? (
              <span class="hint"> · {monitor.others.map((r) => `${r.region}: ${r.state}`).join(", ")}</span>
            ) : null}
          </span>
          {monitor.failing && mayDeclare ? (
            <a
              class="button"
              href={`/console/incidents/new?monitor=${encodeURIComponent(monitor.id)}`}
              aria-label={`Declare incident from ${monitor.name}`}
            >
              Declare incident
            </a>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/**
 * The first screen of an on-call shift: the public page's status, every
 * component (hidden ones marked) with its monitors, what is open, what is
 * planned, and what is held or switched off. A part shows only when this
 * person's role may read it; a failing monitor is one click from declaring.
 */
export function DashboardPage({ snapshot, viewer, csrf, data, severities, mayDeclare, notice }: DashboardPageProps) {
  const tz = snapshot.page.timeZone;
  const overall = derivePageStatus({
    componentStatuses: snapshot.components.map((component) => component.status),
    incidentImpacts: snapshot.activeIncidents.map((incident) => incident.impact),
    maintenanceInProgress: snapshot.activeMaintenances.length > 0,
  });
  const components =
    data.components ?? snapshot.components.map((c) => ({ id: c.id, name: c.name, status: c.status, hidden: false }));
  const monitorsOf = (componentId: string) => (data.monitors ?? []).filter((m) => m.components.includes(componentId));
  const shownIds = new Set(components.map((c) => c.id));
  // A canary or a monitor whose components were removed still checks something worth seeing.
  const unattached = (data.monitors ?? []).filter((m) => !m.components.some((id) => shownIds.has(id)));
  const held = [data.flags, data.holds, data.webhooks, data.bounced].some((part) => part !== null);
  return (
    <ConsoleLayout page={snapshot.page} title="Dashboard" viewer={viewer} csrf={csrf} path="/console" notice={notice}>
      <section aria-labelledby="overall">
        <h2 id="overall">
          Public page: <span class={`indicator indicator-${overall.indicator}`}>{overall.description}</span>
        </h2>
      </section>

      {data.incidents ? (
        <RowsSection
          id="open-incidents"
          heading="Open incidents"
          items={data.incidents}
          empty="No open incidents."
          row={(incident) => (
            <li>
              <a href={`/console/incidents/${incident.id}`}>{incident.name}</a>
              <span>
                {incident.visibility === "internal" ? <strong class="tag">Internal</strong> : null}{" "}
                {severityName(severities, incident.severity) ?? incident.impact} · {incident.status}
              </span>
            </li>
          )}
        >
          <p>
            <a href="/console/incidents">All incidents</a>
          </p>
        </RowsSection>
      ) : null}

      {data.alerts ? (
        <RowsSection
          id="open-alerts"
          heading="Open alerts"
          items={data.alerts}
          empty="No open alerts."
          row={(alert) => (
            <li>
              <span>{alert.title}</span>
              <span>
                {alert.severity} · {alert.status} since <When at={alert.openedAt} timeZone={tz} />
              </span>
            </li>
          )}
        >
          <p>
            <a href="/console/alerts">Acknowledge alerts</a>
          </p>
        </RowsSection>
      ) : null}

      <section aria-labelledby="components">
        <h2 id="components">Components and monitors</h2>
        <ul class="rows components">
          {components.map((component) => (
            <li>
              <div class="component-line">
                <strong>{component.name}</strong>
                {component.hidden ? <span class="tag">Hidden</span> : null}
                <StatusLabel status={component.status} />
              </div>
              <MonitorLines monitors={monitorsOf(component.id)} timeZone={tz} mayDeclare={mayDeclare} />
            </li>
          ))}
        </ul>
        {unattached.length > 0 ? (
          <>
            <h3>Monitors of no component</h3>
            <MonitorLines monitors={unattached} timeZone={tz} mayDeclare={mayDeclare} />
          </>
        ) : null}
      </section>

      {data.maintenances ? (
        <RowsSection
          id="maintenances"
          heading="Maintenances in progress and upcoming"
          items={data.maintenances}
          empty="None scheduled."
          row={(m) => (
            <li>
              <span>
                {m.name}
                {m.visibility === "internal" ? <span class="tag">Internal</span> : null}
              </span>
              <span>
                {m.status === "scheduled" ? "scheduled" : "in progress"}: <When at={m.scheduledFor} timeZone={tz} /> to{" "}
                <When at={m.scheduledUntil} timeZone={tz} />
              </span>
            </li>
          )}
        />
      ) : null}

      {held ? (
        <section aria-labelledby="held">
          <h2 id="held">Held or switched off</h2>
          <ul class="rows">
            {(data.flags ?? []).map((flag) => (
              <li>
                <span>
                  Flag <code>{flag.name}</code> is {flag.value ? "on" : "off"} (declared {flag.declared ? "on" : "off"})
                </span>
                {flag.override ? (
                  <span class="hint">
                    set by {flag.override.updatedBy} at <When at={flag.override.updatedAt} timeZone={tz} />
                  </span>
                ) : null}
              </li>
            ))}
            {(data.holds ?? []).map((hold) => (
              <li>
                <span>
                  Deliveries held for {hold.kind} <code>{hold.target}</code>
                </span>
                <span class="hint">{hold.waiting} waiting</span>
              </li>
            ))}
            {(data.webhooks ?? []).map((webhook) => (
              <li>
                <span>
                  Webhook <code>{endpointOrigin(webhook.url)}</code> is disabled
                </span>
                {webhook.disabledReason ? <span class="hint">{webhook.disabledReason}</span> : null}
              </li>
            ))}
            {data.bounced ? (
              <li>
                <a href="/console/subscribers?state=bounced">
                  {data.bounced} bounced {data.bounced === 1 ? "address" : "addresses"}
                </a>
                <span class="hint">no mail goes to them</span>
              </li>
            ) : null}
          </ul>
          {[data.flags, data.holds, data.webhooks].every((part) => part === null || part.length === 0) &&
          !data.bounced ? (
            <p>Nothing is held or switched off.</p>
          ) : null}
        </section>
      ) : null}
    </ConsoleLayout>
  );
}
