import { zonedFormatter } from "./zoned-formatter.ts";

/**
 * A zone's wall clock and its offset from UTC at an instant, from Intl:
 * what the history's months (history-months.ts) and the console's
 * `datetime-local` fields (local-time.ts) are computed from.
 */

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatter = zonedFormatter("en-US", {
  hourCycle: "h23",
  year: "numeric",
  month: "numeric",
  day: "numeric",
  hour: "numeric",
  minute: "numeric",
  second: "numeric",
});

/** `timeZone` when Intl knows it, else UTC. */
export function knownZone(timeZone: string): string {
  try {
    formatter(timeZone);
    return timeZone;
  } catch {
    return "UTC";
  }
}

/** The zone's calendar and clock at `at`. */
export function wallClock(at: number, timeZone: string): WallClock {
  const parts: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(at))) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** How far the zone's wall clock is ahead of UTC at `at`, in ms (whole seconds). */
export function offsetAt(at: number, timeZone: string): number {
  const wall = wallClock(at, timeZone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return asUtc - (at - (((at % 1000) + 1000) % 1000));
}

const DAY_MS = 86_400_000;

/**
 * The instant a wall time (its fields read as if UTC, `Date.UTC(...)`) names
 * in `timeZone`. One that happens twice (clocks going back) is the first; one
 * that never happens (clocks going forward) is read with the offset from
 * before the change, so it lands as far after the change as it was past the
 * jump: midnight skipped is the change itself.
 */
export function wallTimeToInstant(wall: number, timeZone: string): number {
  // The real instant is within a day of the wall time read as UTC.
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  const readings = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((instant) => instant - wall === -offsetAt(instant, timeZone));
  return readings.length > 0 ? Math.min(...readings) : Math.max(wall - before, wall - after);
}
