const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${timeZone}|${withTime}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      day: "numeric",
      month: "short",
      year: "numeric",
      ...(withTime ? { hour: "2-digit", minute: "2-digit", timeZoneName: "short" } : {}),
    });
    formatters.set(key, format);
  }
  return format;
}

/** "22 Nov 2026, 14:05 CET": absolute, in the page's time zone, so cached pages never go stale. */
export function formatDateTime(iso: string, timeZone: string): string {
  return formatter(timeZone, true).format(new Date(iso));
}

/** "22 Nov 2026" for a calendar day (YYYY-MM-DD, UTC). */
export function formatDay(day: string): string {
  return formatter("Etc/UTC", false).format(new Date(`${day}T00:00:00Z`));
}

/** "1 h 5 min", "45 s": durations for people. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const minutes = Math.round(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? `${hours} h ${rest} min` : `${hours} h`;
}
