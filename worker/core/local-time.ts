import { knownZone, wallClock, wallTimeToInstant } from "./zone-clock.ts";

/**
 * The console's `datetime-local` fields ("2026-12-24T22:00") hold a wall
 * time with no zone; the console reads them in the page's time zone
 * (decision 0049) and the API wants instants. Pure arithmetic on Intl's
 * offsets, so summer time and half-hour zones come out right.
 */

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * The instant a wall time names in `timeZone`, or null when the text is not
 * a real date and time. A time that happens twice (clocks going back) is the
 * first; one that never happens (clocks going forward) is read with the
 * offset from before the change, landing as far after it as it was typed
 * after the jump (what calendars and Temporal's "compatible" do).
 */
export function localToInstant(text: string, timeZone: string): number | null {
  const match = LOCAL.exec(text.trim());
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as number[];
  const wall = Date.UTC(year as number, (month as number) - 1, day, hour, minute, second);
  const back = new Date(wall);
  // Date.UTC rolls 31 Feb into March; a wall time that does not round-trip was not a real one.
  if (
    back.getUTCFullYear() !== year ||
    back.getUTCMonth() + 1 !== month ||
    back.getUTCDate() !== day ||
    back.getUTCHours() !== hour ||
    back.getUTCMinutes() !== minute
  ) {
    return null;
  }
  return wallTimeToInstant(wall, knownZone(timeZone));
}

/** The wall time `ms` shows in `timeZone`, as a `datetime-local` field's value (to the minute). */
export function instantToLocal(ms: number, timeZone: string): string {
  const clock = wallClock(ms, knownZone(timeZone));
  const two = (n: number) => String(n).padStart(2, "0");
  return `${String(clock.year).padStart(4, "0")}-${two(clock.month)}-${two(clock.day)}T${two(clock.hour)}:${two(clock.minute)}`;
}
