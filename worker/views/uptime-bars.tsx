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

/**
 * 90 bars, one per day, drawn as dashed strokes: a stretch of quiet days is
 * one element, so fifty components stay light. Every day with trouble is its
 * own element with its figures; the component page lists them all as text.
 */
export function UptimeBars({ component }: { component: ComponentView }) {
  const days = component.uptimeDays;
  const runs = toRuns(days);
  const uptime = formatUptime(uptimeOver(days));
  return (
    <div class="uptime">
      <svg
        viewBox={`0 0 ${days.length} 10`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`${component.name}: ${uptime} uptime over the last ${days.length} days`}
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
          {uptime} uptime<span class="sr"> for {component.name}: daily figures</span>
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

function toRuns(days: readonly DayUptime[]): Run[] {
  const runs: Run[] = [];
  days.forEach((day, index) => {
    const last = runs[runs.length - 1];
    const previous = days[index - 1];
    if (last && previous && quiet(day) && quiet(previous) && levelOf(previous) === levelOf(day)) {
      last.to = index + 1;
      last.title = `${formatDay(days[last.from]?.date ?? day.date)} – ${formatDay(day.date)}: ${quietText(day)}`;
      return;
    }
    runs.push({ from: index, to: index + 1, level: levelOf(day), title: dayTitle(day) });
  });
  return runs;
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
