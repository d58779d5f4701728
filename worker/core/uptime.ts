import { type ComponentStatus, componentSeverity } from "./statuses.ts";

export const DAY_MS = 86_400_000;

/**
 * Partial outage counts as 30 % downtime, as on Statuspage; degraded
 * performance counts as up, maintenance is left out of the measured time
 * (docs/decisions/0005-uptime-arithmetic.md).
 */
export const PARTIAL_OUTAGE_WEIGHT = 0.3;

/** A component entered `status` at `at` (ms since epoch). */
export type StatusTransition = {
  at: number;
  status: ComponentStatus;
};

export interface DayUptime {
  /** UTC calendar day, YYYY-MM-DD. */
  date: string;
  /** Fraction of the measured time the component was up, or null when nothing was measured. */
  uptime: number | null;
  /** Worst status seen that day, or null when the component did not exist yet. */
  worst: ComponentStatus | null;
  /** Seconds of the day the component existed and was not in maintenance. */
  measuredSeconds: number;
  majorOutageSeconds: number;
  partialOutageSeconds: number;
  degradedSeconds: number;
  maintenanceSeconds: number;
}

export interface DailyUptimeInput {
  /** Every transition since `from`, ascending, plus the last one before it (the status `from` starts in). */
  transitions: readonly StatusTransition[];
  /** Time before this is not counted (the component's start). */
  since: number;
  now: number;
  days: number;
}

/** Per-day uptime for the `days` UTC days ending with the day containing `now`, oldest first. */
export function dailyUptime({ transitions, since, now, days }: DailyUptimeInput): DayUptime[] {
  const firstDay = startOfUtcDay(now) - (days - 1) * DAY_MS;
  const result: DayUptime[] = [];
  for (let d = 0; d < days; d++) result.push(emptyDay(firstDay + d * DAY_MS));

  for (let i = 0; i < transitions.length; i++) {
    const current = transitions[i] as StatusTransition;
    const next = transitions[i + 1];
    const segmentStart = Math.max(current.at, since, firstDay);
    const segmentEnd = Math.min(next ? next.at : now, now);
    if (segmentEnd <= segmentStart) continue;
    addSegment(result, firstDay, segmentStart, segmentEnd, current.status);
  }
  for (const day of result) day.uptime = dayUptimeRatio(day);
  return result;
}

/** Uptime over several days, weighted by measured time; null when nothing was measured. */
export function uptimeOver(days: readonly DayUptime[]): number | null {
  let measured = 0;
  let down = 0;
  for (const day of days) {
    measured += day.measuredSeconds;
    down += downtimeSeconds(day);
  }
  return measured > 0 ? (measured - down) / measured : null;
}

export function downtimeSeconds(day: DayUptime): number {
  return day.majorOutageSeconds + PARTIAL_OUTAGE_WEIGHT * day.partialOutageSeconds;
}

/** "99.95%": two decimals, never rounding a flawed figure up to 100 %. */
export function formatUptime(ratio: number | null): string {
  if (ratio === null) return "No data";
  const hundredths = Math.floor(ratio * 10_000) / 100;
  return `${hundredths.toFixed(2)}%`;
}

export function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

function emptyDay(dayStart: number): DayUptime {
  return {
    date: new Date(dayStart).toISOString().slice(0, 10),
    uptime: null,
    worst: null,
    measuredSeconds: 0,
    majorOutageSeconds: 0,
    partialOutageSeconds: 0,
    degradedSeconds: 0,
    maintenanceSeconds: 0,
  };
}

function addSegment(days: DayUptime[], firstDay: number, start: number, end: number, status: ComponentStatus): void {
  let cursor = start;
  while (cursor < end) {
    const index = Math.floor((cursor - firstDay) / DAY_MS);
    const dayEnd = firstDay + (index + 1) * DAY_MS;
    const sliceEnd = Math.min(end, dayEnd);
    const day = days[index];
    if (day) addToDay(day, status, (sliceEnd - cursor) / 1000);
    cursor = sliceEnd;
  }
}

function addToDay(day: DayUptime, status: ComponentStatus, seconds: number): void {
  if (day.worst === null || componentSeverity(status) > componentSeverity(day.worst)) day.worst = status;
  if (status === "under_maintenance") {
    day.maintenanceSeconds += seconds;
    return;
  }
  day.measuredSeconds += seconds;
  if (status === "major_outage") day.majorOutageSeconds += seconds;
  else if (status === "partial_outage") day.partialOutageSeconds += seconds;
  else if (status === "degraded_performance") day.degradedSeconds += seconds;
}

function dayUptimeRatio(day: DayUptime): number | null {
  if (day.measuredSeconds <= 0) return null;
  return (day.measuredSeconds - downtimeSeconds(day)) / day.measuredSeconds;
}

/**
 * Uptime between two instants, with the same weights as the daily figures:
 * for the 24 h / 7 d / 30 d / 90 d summaries of a component page.
 */
export function uptimeInWindow(
  transitions: readonly StatusTransition[],
  since: number,
  from: number,
  to: number,
): number | null {
  let measured = 0;
  let down = 0;
  for (let i = 0; i < transitions.length; i++) {
    const current = transitions[i] as StatusTransition;
    const start = Math.max(current.at, since, from);
    const end = Math.min(transitions[i + 1]?.at ?? to, to);
    if (end <= start || current.status === "under_maintenance") continue;
    measured += end - start;
    if (current.status === "major_outage") down += end - start;
    else if (current.status === "partial_outage") down += PARTIAL_OUTAGE_WEIGHT * (end - start);
  }
  return measured > 0 ? (measured - down) / measured : null;
}
