/**
 * The hidden field that makes a form's post count once. Every form that
 * creates something (an incident, an update, a note, a maintenance) carries
 * a fresh key when it is rendered; the console sends it to the API as the
 * post's Idempotency-Key, so a double click, or a post sent again after a
 * dropped answer, replays the first answer instead of writing twice. A
 * re-rendered form gets a new key: what it sends next is a new request.
 */
export const ONCE_FIELD = "_once";

/** A UUID, as rendered; anything else is no key (the post then simply counts). */
const ONCE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function onceOf(form: URLSearchParams): string | null {
  const once = form.get(ONCE_FIELD);
  return once !== null && ONCE.test(once) ? once : null;
}
