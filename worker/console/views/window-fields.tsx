/**
 * A maintenance window's start and end as `datetime-local` fields. They
 * carry no zone, so the page says which one they are read in: the page's
 * own (decision 0049), whatever the browser's is.
 */
export function WindowFields({
  scheduledFor,
  scheduledUntil,
  timeZone,
  startFixed = false,
}: {
  scheduledFor: string;
  scheduledUntil: string;
  timeZone: string;
  /** The window has begun: only its end can move. */
  startFixed?: boolean;
}) {
  return (
    <fieldset class="window">
      <legend>Window</legend>
      <p class="hint" id="window-zone">
        Times are in the page's time zone, <strong>{timeZone}</strong>.
      </p>
      {startFixed ? null : <WindowTime id="m-from" label="Starts" name="scheduledFor" value={scheduledFor} />}
      <WindowTime id="m-until" label="Ends" name="scheduledUntil" value={scheduledUntil} />
    </fieldset>
  );
}

/** One end of the window, read in the zone the fieldset names (#window-zone). */
function WindowTime({ id, label, name, value }: { id: string; label: string; name: string; value: string }) {
  return (
    <>
      <label for={id}>{label}</label>
      <input id={id} type="datetime-local" name={name} value={value} aria-describedby="window-zone" required />
    </>
  );
}
