import { formatDateTime } from "../views/format.ts";

/**
 * How a copy served past its freshness window says so
 * (docs/decisions/0021-fresh-or-honestly-stale.md): HTML gets a visible
 * notice at the top of the page's main content; every format gets headers a
 * program can read.
 */

/** The headers every stale response carries, beside `Age` and `x-lookout-cache: STALE-ERROR`. */
export function staleHeaders(currentAt: number): Record<string, string> {
  return {
    "x-lookout-stale-since": new Date(currentAt).toISOString(),
    // RFC 7234's code for "served stale because revalidation failed"; obsolete in RFC 9111 but still understood.
    warning: '111 - "Revalidation Failed"',
    // Never kept by a browser or a CDN in front: the next request must ask again.
    "cache-control": "no-store",
  };
}

/** The HTML with the notice as the first thing in `<main>` (or in `<body>`, for a page without one). */
export function withStaleNotice(html: string, currentAt: number, timeZone: string): string {
  const notice = staleNotice(currentAt, timeZone);
  const main = /<main\b[^>]*>/.exec(html);
  if (main) return spliceAfter(html, main.index + main[0].length, notice);
  const body = /<body\b[^>]*>/.exec(html);
  return body ? spliceAfter(html, body.index + body[0].length, notice) : notice + html;
}

/** The time as every other exact time on the page shows it: in the page's time zone (stored with the copy). */
function staleNotice(currentAt: number, timeZone: string): string {
  const iso = new Date(currentAt).toISOString();
  const shown = formatDateTime(iso, timeZone);
  return (
    `<p class="stale-notice" role="status">This page could not be refreshed since ` +
    `<time datetime="${iso}">${shown}</time>; it shows what we knew then.</p>`
  );
}

function spliceAfter(text: string, at: number, insert: string): string {
  return text.slice(0, at) + insert + text.slice(at);
}
