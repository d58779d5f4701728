import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { sameSecret } from "../core/access/same-secret.ts";
import { CONSOLE_PATH } from "./session-cookie.ts";

/**
 * Cross-site request forgery, refused twice over. Every console form carries
 * a random value that is also in a SameSite=Strict cookie, and a POST whose
 * form and cookie disagree is refused: another site can make a browser post
 * here but can neither read the cookie nor set it (a double-submit token).
 * Before that, posts a browser marks as coming from another site are refused
 * outright (worker/middleware/cross-site-posts.ts). The sign-in form is
 * covered too, so nobody can be signed in as someone else.
 */
export const CSRF_COOKIE = "lookout_csrf";
export const CSRF_FIELD = "_csrf";
const VALUE = /^[0-9a-f]{32}$/;

/** The value this browser's forms carry, minted (and set as a cookie) on its first console page. */
export function csrfToken(c: Context): string {
  const known = getCookie(c, CSRF_COOKIE);
  if (known && VALUE.test(known)) return known;
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const minted = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  setCookie(c, CSRF_COOKIE, minted, { httpOnly: true, secure: true, sameSite: "Strict", path: CONSOLE_PATH });
  return minted;
}

/** Whether a posted form carries this browser's value. */
export function csrfMatches(c: Context, form: URLSearchParams): boolean {
  const cookie = getCookie(c, CSRF_COOKIE);
  const sent = form.get(CSRF_FIELD);
  return Boolean(cookie && sent && VALUE.test(cookie) && sameSecret(cookie, sent));
}
