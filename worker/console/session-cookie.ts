import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";

/**
 * The console's session cookie: a random secret the browser keeps and
 * script cannot read (HttpOnly), sent only over HTTPS (Secure; browsers
 * treat 127.0.0.1 and localhost as secure too) and never on a request
 * another site starts (SameSite=Strict). The page's object keeps only its
 * hash (durable-objects/status-page/console-sessions.ts).
 */
export const SESSION_COOKIE = "lookout_session";
/** A working shift: signing in twice a day is cheap, a stolen cookie's life is short. */
export const SESSION_MS = 12 * 3_600_000;
/** Where console cookies go: only to the console. */
export const CONSOLE_PATH = "/console";

const SECRET = /^lks_[0-9a-f]{64}$/;

export function newSessionSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `lks_${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export function setSessionCookie(c: Context, secret: string, expiresAt: number): void {
  setCookie(c, SESSION_COOKIE, secret, {
    httpOnly: true,
    secure: true,
    sameSite: "Strict",
    path: CONSOLE_PATH,
    expires: new Date(expiresAt),
  });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: CONSOLE_PATH, secure: true, httpOnly: true, sameSite: "Strict" });
}

/** The session secret the browser sent, when it has the shape of one. */
export function sessionSecretOf(c: Context): string | null {
  const value = getCookie(c, SESSION_COOKIE);
  return value && SECRET.test(value) ? value : null;
}
