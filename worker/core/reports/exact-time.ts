import { zonedFormatter } from "../zoned-formatter.ts";

const formatter = zonedFormatter("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
  timeZoneName: "short",
});

/** A moment split into its calendar day ("22 Nov 2026") and clock ("14:02:10 UTC"), in `timeZone`. */
export function exactTime(ms: number, timeZone: string): { date: string; clock: string } {
  const part: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const { type, value } of formatter(timeZone).formatToParts(new Date(ms))) part[type] = value;
  return {
    date: `${part.day} ${part.month} ${part.year}`,
    clock: `${part.hour}:${part.minute}:${part.second} ${part.timeZoneName}`,
  };
}

/**
 * "22 Nov 2026, 14:02:10 UTC", or just "14:02:10 UTC" when it falls on the
 * same day as `reference`: a report reads as a story told from its start, and
 * repeating the date on every line buries the times people compare.
 */
export function formatExact(ms: number, timeZone: string, reference?: number): string {
  const { date, clock } = exactTime(ms, timeZone);
  if (reference !== undefined && exactTime(reference, timeZone).date === date) return clock;
  return `${date}, ${clock}`;
}
