import type { ComponentDetail, ComponentView, PageSnapshot } from "../core/read-model.ts";
import { formatUptime } from "../core/uptime.ts";
import { Dependencies } from "./dependency-chain.tsx";
import { formatDateTime, formatDay } from "./format.ts";
import { HistoryItem } from "./history-page.tsx";
import { LatencyChart } from "./latency-chart.tsx";
import { Layout } from "./layout.tsx";
import { StatusLabel } from "./status-label.tsx";
import { ProviderBlock } from "./third-party.tsx";
import { barsWindow, UptimeBars } from "./uptime-bars.tsx";
import { UptimeWindowList } from "./uptime-windows.tsx";
import { dayDetails, windowCaption } from "./uptime-words.ts";

const MONITOR_STATE_LABELS: Record<string, string> = {
  up: "passing",
  degraded: "slow",
  down: "failing",
  unknown: "starting",
};

/** One component: its status, uptime over four windows, its bars, response times, checks and every day's figure. */
export function ComponentPage({
  component,
  snapshot,
  detail,
}: {
  component: ComponentView;
  snapshot: PageSnapshot;
  detail: ComponentDetail;
}) {
  const days = [...component.uptimeDays].reverse();
  const group = snapshot.groups.find((g) => g.id === component.groupId);
  return (
    <Layout
      page={snapshot.page}
      title={component.name}
      description={`Status of ${component.name} on the ${snapshot.page.name} status page: uptime, response times and recent incidents.`}
    >
      <h1>{component.name}</h1>
      <p>
        <StatusLabel status={component.status} />
        {group ? <span class="meta"> · {group.name}</span> : null}
      </p>
      {component.description ? <p>{component.description}</p> : null}
      {component.provider ? <ProviderBlock provider={component.provider} timeZone={snapshot.page.timeZone} /> : null}
      <h2>Uptime</h2>
      <UptimeWindowList windows={component.uptimeWindows} class="windows" />
      <UptimeBars component={component} />
      <Dependencies component={component} snapshot={snapshot} chain={detail.dependencies} />
      {detail.monitors.length > 0 ? (
        <>
          <h2>Response time</h2>
          <LatencyChart values={detail.latencyHourly} label="Mean response time per hour, last 48 hours" />
          <h2>Checks</h2>
          <ul class="monitors">
            {detail.monitors.map((m) => (
              <li>
                <strong>{m.name}</strong>
                {m.region === "default" ? "" : ` from ${m.region}`}: {MONITOR_STATE_LABELS[m.state] ?? m.state}
                {m.since ? (
                  <>
                    {" "}
                    since <time datetime={m.since}>{formatDateTime(m.since, snapshot.page.timeZone)}</time>
                  </>
                ) : null}
                {m.lastSummary ? <span class="meta"> · last change: {m.lastSummary}</span> : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h2>Recent incidents</h2>
      {detail.recentIncidents.length > 0 ? (
        <ul class="history">
          {detail.recentIncidents.map((incident) => (
            <HistoryItem event={incident} page={snapshot.page} />
          ))}
        </ul>
      ) : (
        <p class="meta">No incidents in the last 90 days.</p>
      )}
      <p class="more">
        <a href="/history">All incidents</a>
      </p>
      <h2>Daily uptime</h2>
      <table class="daily">
        <caption class="sr">
          Uptime of {component.name} per day, newest first;{" "}
          {windowCaption(barsWindow(component), `${days.length} days`)}
        </caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Uptime</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {days.map((day) => (
            <tr>
              <th scope="row">
                <time datetime={day.date}>{formatDay(day.date)}</time>
              </th>
              <td>{formatUptime(day.uptime)}</td>
              <td>{dayDetails(day)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}
