/**
 * A local provider's status page: serves a Statuspage-shaped
 * `/api/v2/summary.json` the way real ones do (ETag and Last-Modified, 304
 * to a conditional request whose validators still match), and can be told
 * to move through an incident or to fail the ways real pages fail. Used by
 * `npm start` (the example config follows it), by the tests' target server
 * and by the benchmark; one state per key, so many providers share a server.
 *
 *   GET  <prefix>/<key>/api/v2/summary.json   the summary as the key's state says
 *   POST <prefix>/<key>/<scenario>            operational | degraded | incident | resolved | maintenance
 *                                             | hostile (the incident with markup and javascript: links)
 *   POST <prefix>/<key>/<failure>             down (503) | html (200 text/html) | hang (never answers)
 *                                             | big (50 MB, written as fast as read) | truncated (cut JSON)
 *   GET  <prefix>/<key>/stats                 requests, conditional requests, 304s, bytes written
 *   GET  <prefix>/<key>                       the page people read: its status and open incidents, as HTML
 */
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { PROVIDER_SCENARIOS, type ProviderScenario, type SummaryJson, summaryFor } from "./provider-scenarios.ts";

export const PROVIDER_FAILURES = ["down", "html", "hang", "big", "truncated"] as const;
type ProviderFailure = (typeof PROVIDER_FAILURES)[number];

export interface ProviderStats {
  requests: number;
  /** Requests that carried If-None-Match or If-Modified-Since. */
  conditional: number;
  notModified: number;
  bytesWritten: number;
}

interface ProviderState {
  serving: { scenario: ProviderScenario; body: string; etag: string; lastModified: string } | null;
  failure: ProviderFailure | null;
  stats: ProviderStats;
}

const BIG_BYTES = 50 * 1_048_576;
const CHUNK = Buffer.alloc(64 * 1024, " ");

/**
 * A handler for requests under `prefix`; answers false for any other path.
 * `base` is a real summary the scenarios rewrite; `pageName` renames it.
 */
export function providerPages(options: { prefix: string; base: SummaryJson; pageName?: (key: string) => string }) {
  const states = new Map<string, ProviderState>();
  const stateOf = (key: string): ProviderState => {
    let state = states.get(key);
    if (!state) {
      state = { serving: null, failure: null, stats: { requests: 0, conditional: 0, notModified: 0, bytesWritten: 0 } };
      states.set(key, state);
      serve(state, key, "operational");
    }
    return state;
  };
  const serve = (state: ProviderState, key: string, scenario: ProviderScenario) => {
    // Whole seconds, as Last-Modified has them; a later stage is always a later second.
    const previous = state.serving ? Date.parse(state.serving.lastModified) : 0;
    const at = new Date(Math.max(Math.floor(Date.now() / 1000) * 1000, previous + 1000));
    const body = JSON.stringify(summaryFor(options.base, scenario, at, options.pageName?.(key)));
    const etag = `"${createHash("sha256").update(body).digest("hex").slice(0, 16)}"`;
    state.serving = { scenario, body, etag, lastModified: at.toUTCString() };
  };

  return function handle(request: IncomingMessage, response: ServerResponse): boolean {
    const url = new URL(request.url ?? "/", "http://provider");
    if (!url.pathname.startsWith(`${options.prefix}/`)) return false;
    const [key = "", ...rest] = url.pathname.slice(options.prefix.length + 1).split("/");
    const action = rest.join("/");
    const state = stateOf(key);
    if (request.method === "POST") {
      if ((PROVIDER_SCENARIOS as readonly string[]).includes(action)) {
        state.failure = null;
        serve(state, key, action as ProviderScenario);
      } else if ((PROVIDER_FAILURES as readonly string[]).includes(action)) {
        state.failure = action as ProviderFailure;
      } else {
        return json(response, 404, { error: `no such scenario "${action}"`, scenarios: PROVIDER_SCENARIOS });
      }
      return json(response, 200, { provider: key, scenario: state.serving?.scenario, failure: state.failure });
    }
    if (action === "stats") return json(response, 200, state.stats);
    // The page people follow (the summary's page.url, linked from Lookout's component page): what it states, plainly.
    if (action === "" && request.method === "GET") return humanPage(response, state, key);
    if (action !== "api/v2/summary.json") return json(response, 404, { error: "no such page" });
    state.stats.requests++;
    const ifNoneMatch = request.headers["if-none-match"];
    const ifModifiedSince = request.headers["if-modified-since"];
    if (ifNoneMatch || ifModifiedSince) state.stats.conditional++;
    switch (state.failure) {
      case "down":
        response.writeHead(503, { "content-type": "text/html" });
        response.end("<html><body>503 Service Unavailable</body></html>");
        return true;
      case "html":
        response.writeHead(200, { "content-type": "text/html" });
        response.end("<!doctype html><title>Status</title><p>We are moving to a new status page.</p>");
        return true;
      case "hang":
        return true;
      case "big":
        void sendBig(request, response, state.stats);
        return true;
      case "truncated": {
        const body = state.serving?.body ?? "";
        response.writeHead(200, { "content-type": "application/json" });
        response.end(body.slice(0, Math.floor(body.length / 2)));
        return true;
      }
    }
    const serving = state.serving;
    if (!serving) return json(response, 500, { error: "nothing to serve" });
    const fresh =
      ifNoneMatch !== undefined
        ? ifNoneMatch.split(",").some((tag) => tag.trim() === serving.etag)
        : ifModifiedSince !== undefined && Date.parse(ifModifiedSince) >= Date.parse(serving.lastModified);
    if (fresh) {
      state.stats.notModified++;
      response.writeHead(304, { etag: serving.etag, "last-modified": serving.lastModified });
      response.end();
      return true;
    }
    response.writeHead(200, {
      "content-type": "application/json",
      etag: serving.etag,
      "last-modified": serving.lastModified,
    });
    response.end(serving.body);
    state.stats.bytesWritten += Buffer.byteLength(serving.body);
    return true;
  };
}

function humanPage(response: ServerResponse, state: ProviderState, key: string): true {
  const summary = JSON.parse(state.serving?.body ?? "{}") as Partial<SummaryJson>;
  const text = (value: unknown) =>
    String(value ?? "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);
  const incidents = (summary.incidents ?? [])
    .filter((i) => i.status !== "resolved")
    .map((i) => `<li><strong>${text(i.name)}</strong> (${text(i.status)}): ${text(i.incident_updates[0]?.body)}</li>`)
    .join("");
  response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
  response.end(
    `<!doctype html><meta charset="utf-8"><title>${text(summary.page?.name)} status</title>` +
      `<h1>${text(summary.page?.name)}</h1><p>${text(summary.status?.description)}</p>` +
      (incidents ? `<ul>${incidents}</ul>` : "<p>No open incidents.</p>") +
      `<p><a href="${text(encodeURIComponent(key))}/api/v2/summary.json">summary.json</a></p>`,
  );
  return true;
}

function json(response: ServerResponse, status: number, body: unknown): true {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
  return true;
}

/** 50 MB of a JSON-looking body, only as fast as the client reads it: what a runaway page would send. */
async function sendBig(request: IncomingMessage, response: ServerResponse, stats: ProviderStats): Promise<void> {
  response.writeHead(200, { "content-type": "application/json", "content-length": String(BIG_BYTES) });
  let gone = false;
  const closed = new Promise<void>((resolve) =>
    request.socket.once("close", () => {
      gone = true;
      resolve();
    }),
  );
  response.write("{");
  let written = 1;
  while (written < BIG_BYTES && !gone) {
    const chunk = CHUNK.subarray(0, Math.min(CHUNK.length, BIG_BYTES - written));
    written += chunk.length;
    stats.bytesWritten += chunk.length;
    if (!response.write(chunk)) await Promise.race([new Promise((resolve) => response.once("drain", resolve)), closed]);
  }
  response.end();
}
