import { zonedFormatter } from "../core/zoned-formatter.ts";

export { formatDuration } from "../core/durations.ts";

const formatter = zonedFormatter("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZoneName: "short",
});

/** "22 Nov 2026, 14:05 CET": absolute, in the page's time zone, so cached pages never go stale. */
export function formatDateTime(iso: string, timeZone: string): string {
  return formatter(timeZone).format(new Date(iso));
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * "22 Nov 2026" for a calendar day (YYYY-MM-DD). Plain string work: the page
 * formats thousands of days per render and Intl is the slow part of it.
 */
export function formatDay(day: string): string {
  const [year, month, date] = day.split("-");
  return `${Number(date)} ${MONTHS[Number(month) - 1]} ${year}`;
}
