import { type ComponentStatus, componentSeverity } from "./statuses.ts";

/**
 * The one definition of uptime (docs/decisions/0023-one-uptime-definition.md).
 * Every figure a reader sees — the bars, their captions, the per-day table,
 * the 24 h / 7 d / 30 d / 90 d windows, the report — is a `Tally` from here.
 */

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

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

/** [from, to) in ms since epoch. */
export interface Span {
  from: number;
  to: number;
}

/** What is known of one component's past: enough to tally any window. */
export interface Timeline {
  /** Every transition in the windows asked for, ascending, plus the last one before them. */
  transitions: readonly StatusTransition[];
  /** Nothing before this counts: the component did not exist (its start date, or its first recorded status). */
  since: number;
  /** Spans nobody observed (Lookout itself was not running): "no data", neither up nor down. */
  noData?: readonly Span[];
}

/** One window's arithmetic. Seconds throughout. */
export interface Tally {
  /** Length of the window up to now. */
  spanSeconds: number;
  /** Part of the span the component existed and was observed (maintenance included). */
  observedSeconds: number;
  /** Observed and not in maintenance: the denominator of the uptime. */
  measuredSeconds: number;
  majorOutageSeconds: number;
  partialOutageSeconds: number;
  degradedSeconds: number;
  maintenanceSeconds: number;
  /** Worst status observed, or null when nothing was observed. */
  worst: ComponentStatus | null;
  /** Fraction of the measured time the component was up, or null when nothing was measured. */
  uptime: number | null;
}

export interface DayUptime extends Tally {
  /** UTC calendar day, YYYY-MM-DD. */
  date: string;
}

export interface UptimeWindow extends Tally {
  /** "24 hours", "7 days", "30 days", "90 days". */
  label: string;
  /** The window's start (ISO 8601); it ends at the snapshot's `generatedAt`. */
  from: string;
}

/** Tallies [from, min(to, now)) of one timeline. */
export function tally(timeline: Timeline, from: number, to: number): Tally {
  const result = emptyTally(Math.max(0, to - from) / 1000);
  const { transitions } = timeline;
  // Ninety days and four windows are tallied per component and snapshot: start at the status in force at `from`.
  for (let i = statusInForceAt(transitions, from); i < transitions.length; i++) {
    const current = transitions[i] as StatusTransition;
    if (current.at >= to) break;
    const start = Math.max(current.at, timeline.since, from);
    const end = Math.min(transitions[i + 1]?.at ?? to, to);
    if (end <= start) continue;
    for (const piece of withoutNoData(start, end, timeline.noData ?? [])) {
      addTo(result, current.status, (piece.to - piece.from) / 1000);
    }
  }
  result.uptime = ratio(result);
  return result;
}

/** Per-day uptime for the `days` UTC days ending with the day containing `now`, oldest first; today so far. */
export function dailyUptime(timeline: Timeline, now: number, days: number): DayUptime[] {
  const firstDay = startOfUtcDay(now) - (days - 1) * DAY_MS;
  const result: DayUptime[] = [];
  for (let d = 0; d < days; d++) {
    const dayStart = firstDay + d * DAY_MS;
    const date = new Date(dayStart).toISOString().slice(0, 10);
    result.push({ date, ...tally(timeline, dayStart, Math.min(dayStart + DAY_MS, now)) });
  }
  return result;
}

/**
 * The four windows of a component: the last 24 hours, and the last 7, 30 and
 * 90 UTC days as the bars show them (today so far), so each "N days" figure is
 * exactly the last N rows of the per-day table.
 */
export function uptimeWindows(timeline: Timeline, now: number): UptimeWindow[] {
  const today = startOfUtcDay(now);
  const windows = [
    { label: "24 hours", from: now - 24 * HOUR_MS },
    ...[7, 30, 90].map((days) => ({ label: `${days} days`, from: today - (days - 1) * DAY_MS })),
  ];
  return windows.map((w) => ({
    label: w.label,
    from: new Date(w.from).toISOString(),
    ...tally(timeline, w.from, now),
  }));
}

/** Sum of tallies (days side by side); the same figure a window over them gives. */
export function sumTallies(parts: readonly Tally[]): Tally {
  const total = emptyTally(0);
  for (const part of parts) {
    total.spanSeconds += part.spanSeconds;
    total.observedSeconds += part.observedSeconds;
    total.measuredSeconds += part.measuredSeconds;
    total.majorOutageSeconds += part.majorOutageSeconds;
    total.partialOutageSeconds += part.partialOutageSeconds;
    total.degradedSeconds += part.degradedSeconds;
    total.maintenanceSeconds += part.maintenanceSeconds;
    if (part.worst && (!total.worst || componentSeverity(part.worst) > componentSeverity(total.worst))) {
      total.worst = part.worst;
    }
  }
  total.uptime = ratio(total);
  return total;
}

export function downtimeSeconds(t: Tally): number {
  return t.majorOutageSeconds + PARTIAL_OUTAGE_WEIGHT * t.partialOutageSeconds;
}

/** Whether part of the window passed without data (before the component existed, or unobserved). */
export function partlyObserved(t: Tally): boolean {
  // A second's slack: the window and the history are stamped by the same clock, but in ms.
  return t.observedSeconds < t.spanSeconds - 1;
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

function emptyTally(spanSeconds: number): Tally {
  return {
    spanSeconds,
    observedSeconds: 0,
    measuredSeconds: 0,
    majorOutageSeconds: 0,
    partialOutageSeconds: 0,
    degradedSeconds: 0,
    maintenanceSeconds: 0,
    worst: null,
    uptime: null,
  };
}

function addTo(t: Tally, status: ComponentStatus, seconds: number): void {
  if (t.worst === null || componentSeverity(status) > componentSeverity(t.worst)) t.worst = status;
  t.observedSeconds += seconds;
  if (status === "under_maintenance") {
    t.maintenanceSeconds += seconds;
    return;
  }
  t.measuredSeconds += seconds;
  if (status === "major_outage") t.majorOutageSeconds += seconds;
  else if (status === "partial_outage") t.partialOutageSeconds += seconds;
  else if (status === "degraded_performance") t.degradedSeconds += seconds;
}

/** Index of the last transition at or before `at` (0 when none is): a binary search of the ascending list. */
function statusInForceAt(transitions: readonly StatusTransition[], at: number): number {
  let low = 0;
  let high = transitions.length - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if ((transitions[mid] as StatusTransition).at <= at) low = mid;
    else high = mid - 1;
  }
  return low;
}

function ratio(t: Tally): number | null {
  if (t.measuredSeconds <= 0) return null;
  return Math.max(0, t.measuredSeconds - downtimeSeconds(t)) / t.measuredSeconds;
}

/** [start, end) minus the no-data spans, in order. */
function withoutNoData(start: number, end: number, noData: readonly Span[]): Span[] {
  let pieces: Span[] = [{ from: start, to: end }];
  for (const gap of noData) {
    if (gap.to <= start || gap.from >= end) continue;
    pieces = pieces.flatMap((p) =>
      [
        { from: p.from, to: Math.min(p.to, gap.from) },
        { from: Math.max(p.from, gap.to), to: p.to },
      ].filter((q) => q.to > q.from),
    );
  }
  return pieces;
}
