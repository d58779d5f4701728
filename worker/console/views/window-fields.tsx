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
      {startFixed ? null : (
        <>
          <label for="m-from">Starts</label>
          <input
            id="m-from"
            type="datetime-local"
            name="scheduledFor"
            value={scheduledFor}
            aria-describedby="window-zone"
            required
          />
        </>
      )}
      <label for="m-until">Ends</label>
      <input
        id="m-until"
        type="datetime-local"
        name="scheduledUntil"
        value={scheduledUntil}
        aria-describedby="window-zone"
        required
      />
    </fieldset>
  );
}
