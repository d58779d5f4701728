import { CSRF_FIELD } from "./csrf.ts";

/**
 * The hidden field that makes a form's post count once. Every form that
 * creates something (an incident, an update, a note, a maintenance) carries
 * a fresh key when it is rendered; the console sends it to the API as the
 * post's Idempotency-Key, so a double click, or a post sent again after a
 * dropped answer, replays the first answer instead of writing twice. A
 * re-rendered form gets a new key: what it sends next is a new request.
 *
 * The request the key stands for is the form as typed, not the body a route
 * builds from it: an update's body leaves out components already in the
 * status chosen, so the same form sent after its first post landed would
 * build another body and look like other words.
 */
export const ONCE_FIELD = "_once";

/** A UUID, as rendered; anything else is no key (the post then simply counts). */
const ONCE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A form's one-time key and what it said, every field but the key and the CSRF value, in the order sent. */
export interface Once {
  key: string;
  typed: string;
}

export function onceOf(form: URLSearchParams): Once | null {
  const key = form.get(ONCE_FIELD);
  if (key === null || !ONCE.test(key)) return null;
  const typed = new URLSearchParams([...form].filter(([name]) => name !== ONCE_FIELD && name !== CSRF_FIELD));
  return { key, typed: typed.toString() };
}
