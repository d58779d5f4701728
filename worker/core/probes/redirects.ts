import type { ProbeFailure } from "./probe-result.ts";

/**
 * What to do with one response when redirects are followed by hand
 * (fetch with redirect: "manual"), so that hops are counted, loops are
 * caught and each hop stays inside the probe's one deadline.
 */
export type RedirectStep =
  | { kind: "final" }
  | {
      kind: "follow";
      url: string;
      method: string;
      /** False when the method became GET, as browsers do for 303 and for POST on 301/302. */
      keepBody: boolean;
      /** False when the hop leaves the origin: configured credentials are not sent to another host. */
      keepCredentials: boolean;
    }
  | { kind: "fail"; failure: ProbeFailure };

export interface RedirectInput {
  /** The URL that answered. */
  url: string;
  method: string;
  status: number;
  location: string | null;
  /** Redirects already followed to get here. */
  hops: number;
  /** "METHOD url" of every request made so far, the current one included; see requestKey. */
  visited: ReadonlySet<string>;
  followRedirects: boolean;
  maxRedirects: number;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Headers that carry credentials, dropped when a redirect leaves the origin (as browsers drop Authorization). */
export const CREDENTIAL_HEADERS = ["authorization", "cookie", "proxy-authorization"] as const;

/** A loop is the same request again: POST /login answered by 303 to GET /login is not one. */
export function requestKey(method: string, url: string): string {
  return `${method} ${url}`;
}

export function nextRedirect(input: RedirectInput): RedirectStep {
  if (!REDIRECT_STATUSES.has(input.status) || input.location === null || !input.followRedirects) {
    return { kind: "final" };
  }
  let next: URL;
  try {
    next = new URL(input.location, input.url);
  } catch {
    return { kind: "fail", failure: { kind: "network", detail: `redirect to an invalid URL: ${input.location}` } };
  }
  if (next.protocol !== "http:" && next.protocol !== "https:") {
    return { kind: "fail", failure: { kind: "network", detail: `redirect to a non-HTTP URL: ${next.protocol}` } };
  }
  next.hash = "";
  const count = input.hops + 1;
  const becomesGet =
    input.method !== "HEAD" &&
    (input.status === 303 || ((input.status === 301 || input.status === 302) && input.method === "POST"));
  const method = becomesGet ? "GET" : input.method;
  if (input.visited.has(requestKey(method, next.href))) {
    return { kind: "fail", failure: { kind: "redirects", count, loopAt: next.href } };
  }
  if (count > input.maxRedirects) {
    return { kind: "fail", failure: { kind: "redirects", count } };
  }
  return {
    kind: "follow",
    url: next.href,
    method,
    keepBody: !becomesGet,
    keepCredentials: next.origin === new URL(input.url).origin,
  };
}
