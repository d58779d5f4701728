/**
 * A provider's status page for `npm start`, so the example config can follow
 * a third party with no internet: "Demo CDN", served by the same local
 * provider page the tests use (scripts/provider-page.ts) from a real
 * Statuspage summary (test/fixtures/statuspage/instructure-summary.json, whose
 * group "Canvas" is what its incidents hit). A newcomer puts it through an
 * incident and back with `curl -X POST http://127.0.0.1:8792/demo-cdn/incident`
 * (then `/resolved`) and watches the components that depend on it.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { providerPages } from "./provider-page.ts";
import type { SummaryJson } from "./provider-scenarios.ts";

/** The next port after the demo targets' (demo-targets.ts: 8790 HTTP, 8791 TCP). */
export const DEMO_PROVIDER_PORT = 8792;
export const DEMO_PROVIDER_KEY = "demo-cdn";
const DEMO_PROVIDER_NAME = "Demo CDN";

export function startDemoProvider(log: (line: string) => void = console.log): { close(): void } {
  const base = JSON.parse(
    readFileSync(new URL("../test/fixtures/statuspage/instructure-summary.json", import.meta.url), "utf8"),
  ) as SummaryJson;
  // Every link points at the local page, not at the sample's real provider, and the incident is the CDN's.
  const here = `http://127.0.0.1:${DEMO_PROVIDER_PORT}/${DEMO_PROVIDER_KEY}`;
  base.page.url = here;
  for (const incident of base.incidents) {
    incident.shortlink = here;
    incident.name = "Elevated error rates at some edge locations";
    for (const update of incident.incident_updates) {
      update.body =
        "We have identified the cause of elevated error rates at some edge locations and are rolling out a fix.";
    }
  }
  const pages = providerPages({
    prefix: "",
    base,
    pageName: (key) => (key === DEMO_PROVIDER_KEY ? DEMO_PROVIDER_NAME : key),
  });
  const server = createServer((request, response) => {
    // One provider here: other paths would each get a page of their own, kept for as long as npm start runs.
    const path = new URL(request.url ?? "/", "http://demo").pathname;
    if (path !== `/${DEMO_PROVIDER_KEY}` && !path.startsWith(`/${DEMO_PROVIDER_KEY}/`)) {
      response.writeHead(404, { "content-type": "text/plain" });
      response.end(`The demo provider is at /${DEMO_PROVIDER_KEY}\n`);
      return;
    }
    if (request.method === "POST") log(`  demo provider: POST ${request.url}`);
    pages(request, response);
  });
  server.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EADDRINUSE")
      log(`  port ${DEMO_PROVIDER_PORT} is taken: assuming another Lookout's demo provider answers there`);
    else throw error;
  });
  server.listen(DEMO_PROVIDER_PORT, "127.0.0.1");
  return { close: () => server.close() };
}
