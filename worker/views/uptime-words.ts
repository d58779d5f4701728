import { COMPONENT_STATUS_LABELS } from "../core/statuses.ts";
import { type DayUptime, downtimeSeconds, formatUptime, partlyObserved, type Tally } from "../core/uptime.ts";
import { formatDay, formatDuration } from "./format.ts";

/**
 * The words around uptime figures, shared by the bars, their captions, the
 * per-day table and the component page's windows, so a figure reads the same
 * wherever it is shown (docs/decisions/0023-one-uptime-definition.md).
 */

/** "1 h 5 min of data", "12 days of data", "less than a minute of data" when part of the window had none, else null. */
export function coverageWords(t: Tally): string | null {
  if (t.observedSeconds <= 0 || !partlyObserved(t)) return null;
  // Under a minute, a duration would round to "0 s" beside a percentage: say how little it is.
  if (t.observedSeconds < 60) return "less than a minute of data";
  // Whole days past two days, rounded down: coverage is never overstated.
  const days = Math.floor(t.observedSeconds / 86_400);
  return `${days >= 2 ? `${days} days` : formatDuration(t.observedSeconds)} of data`;
}

/** "99.95% uptime over the last 90 days", "96.66% uptime over 1 h of data in the last 90 days", "No data in …". */
export function windowCaption(t: Tally, label: string): string {
  if (t.uptime === null) return `No data in the last ${label}`;
  const coverage = coverageWords(t);
  return coverage
    ? `${formatUptime(t.uptime)} uptime over ${coverage} in the last ${label}`
    : `${formatUptime(t.uptime)} uptime over the last ${label}`;
}

/** A day with nothing to report: no data, or operational throughout what was observed. */
export function quietDay(day: DayUptime): boolean {
  return day.worst === null || (day.worst === "operational" && downtimeSeconds(day) === 0);
}

/** "3 Nov 2026: 99.12% uptime; partial outage 12 min, major outage 3 min" (the part after the colon is `dayDetails`). */
export function dayTitle(day: DayUptime): string {
  return `${formatDay(day.date)}: ${dayDetails(day)}`;
}

export function dayDetails(day: DayUptime): string {
  if (day.worst === null) return "no data";
  const coverage = coverageWords(day);
  if (quietDay(day)) return coverage ? `no downtime recorded in ${coverage}` : "no downtime recorded";
  const parts = (["major_outage", "partial_outage", "degraded_performance", "under_maintenance"] as const)
    .map((status) => [status, secondsIn(day, status)] as const)
    .filter(([, seconds]) => seconds > 0)
    .map(([status, seconds]) => `${COMPONENT_STATUS_LABELS[status]} ${formatDuration(seconds)}`.toLowerCase());
  const figure = `${formatUptime(day.uptime)} uptime${coverage ? ` over ${coverage}` : ""}`;
  return parts.length ? `${figure}; ${parts.join(", ")}` : figure;
}

function secondsIn(
  day: DayUptime,
  status: "major_outage" | "partial_outage" | "degraded_performance" | "under_maintenance",
) {
  switch (status) {
    case "major_outage":
      return day.majorOutageSeconds;
    case "partial_outage":
      return day.partialOutageSeconds;
    case "degraded_performance":
      return day.degradedSeconds;
    case "under_maintenance":
      return day.maintenanceSeconds;
  }
}
