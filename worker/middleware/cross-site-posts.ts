import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../site.ts";
import { isOneClickUnsubscribe } from "./one-click-unsubscribe.ts";

/**
 * Whether a POST was sent by a page on another site (a form or script there
 * submitting to ours, with the reader's browser and address). A browser says
 * so in `Sec-Fetch-Site: cross-site`, and in an `Origin` that is not the
 * page's own; a sibling subdomain is "same-site" to the browser but still not
 * the status page, and `Origin: null` (a sandboxed frame) names no page at
 * all. A request with neither header is not from a browser form (curl, a
 * script, a mail provider's server) and is not refused: those are the clients
 * the README's examples use (docs/decisions/0028-backup-scopes-and-public-posts.md).
 */
export function postedFromElsewhere(headers: Headers, ownOrigins: readonly string[]): boolean {
  if (headers.get("sec-fetch-site")?.trim().toLowerCase() === "cross-site") return true;
  const origin = headers.get("origin")?.trim().toLowerCase();
  return origin !== undefined && !ownOrigins.includes(origin);
}

/** The page's origins: the one this request reached, and the one PUBLIC_URL names (behind a proxy or route). */
export function ownOrigins(c: Context<AppEnv>): string[] {
  const origins = [new URL(c.req.url).origin];
  try {
    if (c.env?.PUBLIC_URL) origins.push(new URL(c.env.PUBLIC_URL).origin);
  } catch {
    // A PUBLIC_URL that is not a URL names no origin; the request's own still counts.
  }
  return origins;
}

/**
 * Refuses POSTs from other sites before the handler reads or writes anything.
 * `oneClick`: an RFC 8058 one-click unsubscribe (body `List-Unsubscribe=One-Click`)
 * goes through, since the mail provider that sends it is another site by nature.
 */
export function refuseCrossSitePosts(
  refuse: (c: Context<AppEnv>) => Response | Promise<Response>,
  options: { oneClick?: boolean } = {},
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method !== "POST" || !postedFromElsewhere(c.req.raw.headers, ownOrigins(c))) return next();
    if (options.oneClick && (await isOneClickUnsubscribe(c.req.raw))) return next();
    return refuse(c);
  };
}
