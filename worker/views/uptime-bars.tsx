import type { ComponentView } from "../core/read-model.ts";
import { COMPONENT_STATUS_LABELS } from "../core/statuses.ts";
import { type DayUptime, downtimeSeconds, formatUptime, uptimeOver } from "../core/uptime.ts";
import { formatDay, formatDuration } from "./format.ts";

interface Run {
  from: number;
  to: number;
  level: string;
  title: string;
}

export function UptimeBars({ component }: { component: ComponentView }) {
  const days = component.uptimeDays;
  const runs = toRuns(days);
  const uptime = formatUptime(uptimeOver(days));
  // A component younger than the window says since when, so "100%" over one day is not read as 90.
  const firstMeasured = days.find((day) => day.worst !== null);
  const span =
    days[0]?.worst === null && firstMeasured
      ? `since ${formatDay(firstMeasured.date)}`
      : `over the last ${days.length} days`;
  return (
    <div class="uptime">
      <svg
        viewBox={`0 0 ${days.length} 10`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`${component.name}: ${uptime} uptime ${span}`}
      >
        {runs.map((run) => (
          <path class={`d-${run.level}`} d={`M${run.from} 5H${run.to}`}>
            <title>{run.title}</title>
          </path>
        ))}
      </svg>
      <p class="uptime-legend">
        <span>{days.length} days ago</span>
        <a href={`/components/${component.id}`}>
          {uptime} uptime {span.startsWith("since") ? span : ""}
          <span class="sr"> for {component.name}: daily figures</span>
        </a>
        <span>Today</span>
      </p>
    </div>
  );
}

function levelOf(day: DayUptime): string {
  return day.worst ?? "none";
}

function quiet(day: DayUptime): boolean {
  return day.worst === null || (day.worst === "operational" && downtimeSeconds(day) === 0);
}

/** Consecutive quiet days of one level merge into one run; a day with trouble stands alone. */
function toRuns(days: readonly DayUptime[]): Run[] {
  const spans: { from: number; to: number }[] = [];
  days.forEach((day, index) => {
    const last = spans[spans.length - 1];
    const previous = days[index - 1];
    if (last && previous && quiet(day) && quiet(previous) && levelOf(previous) === levelOf(day)) last.to = index + 1;
    else spans.push({ from: index, to: index + 1 });
  });
  return spans.map(({ from, to }) => {
    const first = days[from] as DayUptime;
    const final = days[to - 1] as DayUptime;
    const title =
      to - from === 1 ? dayTitle(first) : `${formatDay(first.date)} – ${formatDay(final.date)}: ${quietText(first)}`;
    return { from, to, level: levelOf(first), title };
  });
}

function quietText(day: DayUptime): string {
  return day.worst === null ? "no data" : "no downtime recorded";
}

/** "3 Nov 2026: 99.12% uptime; partial outage 12 min, major outage 3 min" */
export function dayTitle(day: DayUptime): string {
  if (quiet(day)) return `${formatDay(day.date)}: ${quietText(day)}`;
  const parts = [
    day.majorOutageSeconds > 0
      ? `${COMPONENT_STATUS_LABELS.major_outage} ${formatDuration(day.majorOutageSeconds)}`
      : "",
    day.partialOutageSeconds > 0
      ? `${COMPONENT_STATUS_LABELS.partial_outage} ${formatDuration(day.partialOutageSeconds)}`
      : "",
    day.degradedSeconds > 0
      ? `${COMPONENT_STATUS_LABELS.degraded_performance} ${formatDuration(day.degradedSeconds)}`
      : "",
    day.maintenanceSeconds > 0
      ? `${COMPONENT_STATUS_LABELS.under_maintenance} ${formatDuration(day.maintenanceSeconds)}`
      : "",
  ].filter(Boolean);
  return `${formatDay(day.date)}: ${formatUptime(day.uptime)} uptime; ${parts.join(", ").toLowerCase()}`;
}
