import type { PageStatus } from "../core/page-status.ts";
import type { ComponentView, PageSnapshot } from "../core/read-model.ts";
import { EventSummary } from "./event-summary.tsx";
import { formatDateTime } from "./format.ts";
import { LatencySparkline } from "./latency-chart.tsx";
import { Layout } from "./layout.tsx";
import { StatusLabel } from "./status-label.tsx";
import { SubscribeForm } from "./subscribe-form.tsx";
import { ProviderNote } from "./third-party.tsx";
import { UptimeBars } from "./uptime-bars.tsx";

/** The front page a reader opens during an outage: the answer first, then the detail. */
export function StatusPageView({
  snapshot,
  status,
  subscribe = false,
}: {
  snapshot: PageSnapshot;
  status: PageStatus;
  /** Offer email subscriptions (only where the deployment can send mail). */
  subscribe?: boolean;
}) {
  const { page } = snapshot;
  const visible = snapshot.components.filter((c) => !c.onlyShowIfDegraded || c.status !== "operational");
  const ungrouped = visible.filter((c) => c.groupId === null);
  return (
    <Layout page={page}>
      <section class={`banner indicator-${status.indicator}`} aria-labelledby="overall">
        <h1 id="overall">
          <span class="icon" aria-hidden="true" />
          {status.description}
        </h1>
      </section>

      {snapshot.activeIncidents.length > 0 ? (
        <section aria-labelledby="active-incidents">
          <h2 id="active-incidents">Active incidents</h2>
          {snapshot.activeIncidents.map((incident) => (
            <EventSummary event={incident} page={page} />
          ))}
        </section>
      ) : null}

      {snapshot.activeMaintenances.length + snapshot.upcomingMaintenances.length > 0 ? (
        <section aria-labelledby="maintenances">
          <h2 id="maintenances">Maintenance</h2>
          {[...snapshot.activeMaintenances, ...snapshot.upcomingMaintenances].map((maintenance) => (
            <EventSummary event={maintenance} page={page} />
          ))}
        </section>
      ) : null}

      <section aria-labelledby="components">
        <h2 id="components">Components</h2>
        {ungrouped.length > 0 ? <ComponentList components={ungrouped} heading="h3" timeZone={page.timeZone} /> : null}
        {snapshot.groups.map((group) => {
          const members = visible.filter((c) => c.groupId === group.id);
          if (members.length === 0) return null;
          return (
            <section class="group" aria-labelledby={`group-${group.id}`}>
              <h3 id={`group-${group.id}`}>{group.name}</h3>
              {group.description ? <p class="meta">{group.description}</p> : null}
              <ComponentList components={members} heading="h4" timeZone={page.timeZone} />
            </section>
          );
        })}
      </section>

      {subscribe ? <SubscribeForm components={visible} /> : null}

      <p class="updated">
        Last updated <time datetime={snapshot.updatedAt}>{formatDateTime(snapshot.updatedAt, page.timeZone)}</time>
      </p>
    </Layout>
  );
}

/** Components under a group are one heading level deeper than top-level ones. */
function ComponentList({
  components,
  heading: Heading,
  timeZone,
}: {
  components: ComponentView[];
  heading: "h3" | "h4";
  timeZone: string;
}) {
  return (
    <ul class="components">
      {components.map((component) => (
        <li>
          <div class="component-head">
            <Heading>
              <a href={`/components/${component.id}`}>{component.name}</a>
            </Heading>
            <span class="head-right">
              <LatencySparkline
                values={component.latencyHourly}
                label={`${component.name} response time, last 24 hours`}
              />
              <StatusLabel status={component.status} />
            </span>
          </div>
          {component.description ? <p class="meta">{component.description}</p> : null}
          {component.provider ? <ProviderNote provider={component.provider} timeZone={timeZone} /> : null}
          <UptimeBars component={component} />
        </li>
      ))}
    </ul>
  );
}
