import type { ComponentView, PageSnapshot } from "../core/read-model.ts";
import { formatUptime, uptimeOver } from "../core/uptime.ts";
import { formatDay } from "./format.ts";
import { Layout } from "./layout.tsx";
import { StatusLabel } from "./status-label.tsx";
import { dayTitle, UptimeBars } from "./uptime-bars.tsx";

/** One component: its status, its bars and every day's figure as text. */
export function ComponentPage({ component, snapshot }: { component: ComponentView; snapshot: PageSnapshot }) {
  const days = [...component.uptimeDays].reverse();
  const group = snapshot.groups.find((g) => g.id === component.groupId);
  return (
    <Layout page={snapshot.page} title={component.name}>
      <h1>{component.name}</h1>
      <p>
        <StatusLabel status={component.status} />
        {group ? <span class="meta"> · {group.name}</span> : null}
      </p>
      {component.description ? <p>{component.description}</p> : null}
      <UptimeBars component={component} />
      <h2>Daily uptime</h2>
      <table class="daily">
        <caption class="sr">
          Uptime of {component.name} per day, newest first; {formatUptime(uptimeOver(component.uptimeDays))} over{" "}
          {days.length} days
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
              <td>{dayTitle(day).split(": ").slice(1).join(": ")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}
