import type { ComponentView } from "../core/read-model.ts";
import { type DayUptime, partlyObserved, sumTallies, type Tally } from "../core/uptime.ts";
import { formatDay } from "./format.ts";
import { dayTitle, quietDay, windowCaption } from "./uptime-words.ts";

interface Run {
  from: number;
  to: number;
  level: string;
  title: string;
}

export function UptimeBars({ component }: { component: ComponentView }) {
  const days = component.uptimeDays;
  const runs = toRuns(days);
  // The caption is the window the bars cover, the same figure the component page lists (decision 0023).
  const caption = windowCaption(barsWindow(component), `${days.length} days`);
  return (
    <div class="uptime">
      <svg
        viewBox={`0 0 ${days.length} 10`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`${component.name}: ${caption}`}
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
          {caption}
          <span class="sr"> for {component.name}: daily figures</span>
        </a>
        <span>Today</span>
      </p>
    </div>
  );
}

/** The window the bars show: the snapshot's own, or the sum of the days (the same figure) if it has none. */
export function barsWindow(component: ComponentView): Tally {
  const label = `${component.uptimeDays.length} days`;
  return component.uptimeWindows.find((w) => w.label === label) ?? sumTallies(component.uptimeDays);
}

function levelOf(day: DayUptime): string {
  return day.worst ?? "none";
}

/**
 * Consecutive quiet days of one level merge into one run; a day with trouble, or with data for only part
 * of it, stands alone so its title can say so.
 */
function toRuns(days: readonly DayUptime[]): Run[] {
  const spans: { from: number; to: number }[] = [];
  days.forEach((day, index) => {
    const last = spans[spans.length - 1];
    const previous = days[index - 1];
    if (last && previous && mergeable(day) && mergeable(previous) && levelOf(previous) === levelOf(day))
      last.to = index + 1;
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

function mergeable(day: DayUptime): boolean {
  return quietDay(day) && (day.worst === null || !partlyObserved(day));
}

function quietText(day: DayUptime): string {
  return day.worst === null ? "no data" : "no downtime recorded";
}
