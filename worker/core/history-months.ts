import { knownZone, wallClock, wallTimeToInstant } from "./zone-clock.ts";
/**
 * The calendar months `/history?page=N` shows, in the page's time zone, like
 * Statuspage's history: page 1 is the current month and the two before it,
 * page N the three months before page N−1. Pure arithmetic on instants; the
 * zone's offsets come from Intl, so summer time, half-hour zones and zones
 * whose midnight is skipped by a clock change all start their months at the
 * first instant that belongs to the month there.
 */

export const MONTHS_PER_HISTORY_PAGE = 3;
/** Events one history page lists at most, so one pathological month cannot blow the render budget. */
export const HISTORY_PAGE_CAP = 300;
/** 250 years back: far enough for any real page, few enough to bound the cache's keys (and Date.UTC's years stay ≥ 100). */
export const MAX_HISTORY_PAGE = 1000;

export interface HistoryMonth {
  /** "March 2026" (English, like the rest of the page). */
  label: string;
  /** Year and month in the page's time zone. */
  year: number;
  /** 1–12. */
  month: number;
  /** The month's first instant in the page's time zone (ms since the epoch). */
  fromMs: number;
  /** The next month's first instant: the range is [fromMs, toMs). */
  toMs: number;
}

const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/**
 * The months of history page `page` (1-based), newest first. `timeZone` is an
 * IANA name; one Intl does not know falls back to UTC.
 */
export function historyMonths(page: number, nowMs: number, timeZone: string): HistoryMonth[] {
  const zone = knownZone(timeZone);
  const now = wallClock(nowMs, zone);
  const current = now.year * 12 + (now.month - 1);
  const months: HistoryMonth[] = [];
  for (let k = 0; k < MONTHS_PER_HISTORY_PAGE; k++) {
    const index = current - (page - 1) * MONTHS_PER_HISTORY_PAGE - k;
    const year = Math.floor(index / 12);
    const month = index - year * 12 + 1;
    months.push({
      label: `${MONTH_NAMES[month - 1]} ${year}`,
      year,
      month,
      fromMs: monthStart(year, month, zone),
      toMs: month === 12 ? monthStart(year + 1, 1, zone) : monthStart(year, month + 1, zone),
    });
  }
  return months;
}

/** The first instant of `year`-`month` (1–12) in `timeZone`. */
export function monthStart(year: number, month: number, timeZone: string): number {
  // Midnight happened (twice, at most): the first time. It was skipped by a clock change:
  // the month starts at the change (zone-clock.ts).
  return wallTimeToInstant(Date.UTC(year, month - 1, 1), knownZone(timeZone));
}
