/**
 * An `Intl.DateTimeFormat` per time zone, built once: constructing one costs far
 * more than formatting with it, and a page formats dozens of times.
 */
export function zonedFormatter(
  locale: string,
  options: Omit<Intl.DateTimeFormatOptions, "timeZone">,
): (timeZone: string) => Intl.DateTimeFormat {
  const byZone = new Map<string, Intl.DateTimeFormat>();
  return (timeZone) => {
    let format = byZone.get(timeZone);
    if (!format) {
      format = new Intl.DateTimeFormat(locale, { ...options, timeZone });
      byZone.set(timeZone, format);
    }
    return format;
  };
}
