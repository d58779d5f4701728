import type { Context, MiddlewareHandler } from "hono";
import { sha256Hex } from "../core/access/sha256.ts";
import { statusPageStub } from "../platform/stubs.ts";
import type { ConsoleEnv } from "./console-env.ts";
import { csrfToken } from "./csrf.ts";
import { clearSessionCookie, sessionSecretOf } from "./session-cookie.ts";

/**
 * Every console page but sign-in: who is signed in, asked of the page's
 * object on each request, so a revoked token or an ended session stops
 * working at once. Nobody: a page asks to sign in (and comes back after);
 * a form gets 401 and is not acted on.
 */
export function requireViewer(): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    c.set("csrf", csrfToken(c));
    const secret = sessionSecretOf(c);
    const sessionHash = secret ? await sha256Hex(secret) : null;
    const viewer = sessionHash ? await statusPageStub(c.env).consoleViewer(sessionHash) : null;
    if (!viewer || !sessionHash) {
      if (secret) clearSessionCookie(c);
      if (c.req.method === "GET" || c.req.method === "HEAD") {
        return c.redirect(`/console/sign-in?next=${encodeURIComponent(consolePath(c))}`, 303);
      }
      c.req.raw.body?.cancel().catch(() => undefined);
      return c.text("Your session has ended. Sign in again at /console/sign-in.", 401, { "cache-control": "no-store" });
    }
    c.set("viewer", { ...viewer, sessionHash });
    await next();
  };
}

/** The console path (and query) asked for, to come back to after signing in. */
function consolePath(c: Context): string {
  const url = new URL(c.req.url);
  return `${url.pathname}${url.search}`;
}

/**
 * A `next` that stays inside the console: never an open redirect to another
 * site, and only visible ASCII (a line break would not fit in a Location header).
 */
export function safeNext(next: string | null | undefined): string {
  if (!next || !/^\/console(?:[/?#][\x21-\x7e]*)?$/.test(next) || next.length > 2_000) return "/console";
  return next;
}
