import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type ProviderStats, providerPages } from "../scripts/provider-page.ts";
import type { ProviderScenario, SummaryJson } from "../scripts/provider-scenarios.ts";

/**
 * Local providers' status pages for the cost benchmark's statuspage scenario:
 * the page `npm start` and the tests serve (scripts/provider-page.ts, built
 * from the real Instructure sample), one state per provider key, on a port of
 * its own. About two readings a second at 100 monitors: the bench's own
 * thread serves them. Summaries come after a delay, as the HTTP scenarios'
 * targets answer (bench/cost.ts TARGET_DELAY_MS).
 */
export interface LocalProviders {
  /** A provider's page as a statuspage monitor's `url` names it. */
  pageUrl(key: string): string;
  /** Moves a provider to another stage of an incident's life. */
  move(key: string, scenario: ProviderScenario): Promise<void>;
  /** The providers' counts, summed. */
  stats(keys: readonly string[]): Promise<ProviderStats>;
  close(): Promise<void>;
}

const PREFIX = "/providers";

/** Summaries are answered after `delayMs`, as a real page far away would; the rest at once. */
export async function startProviders(delayMs: number): Promise<LocalProviders> {
  const base = JSON.parse(
    readFileSync(new URL("../test/fixtures/statuspage/instructure-summary.json", import.meta.url), "utf8"),
  ) as SummaryJson;
  const handle = providerPages({ prefix: PREFIX, base });
  const answer = (request: IncomingMessage, response: ServerResponse) => {
    if (handle(request, response)) return;
    response.writeHead(404, { "content-type": "text/plain" });
    response.end("not a provider page");
  };
  const server = createServer((request, response) => {
    if (request.method === "GET" && request.url?.endsWith(".json"))
      setTimeout(() => answer(request, response), delayMs);
    else answer(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${PREFIX}`;
  const stats = async (key: string) => (await (await fetch(`${url}/${key}/stats`)).json()) as ProviderStats;
  return {
    pageUrl: (key) => `${url}/${key}`,
    move: async (key, scenario) => {
      const response = await fetch(`${url}/${key}/${scenario}`, { method: "POST" });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`provider ${key} refused "${scenario}": ${response.status}`);
    },
    stats: async (keys) => {
      const sum: ProviderStats = { requests: 0, conditional: 0, notModified: 0, bytesWritten: 0 };
      for (const one of await Promise.all(keys.map(stats))) {
        sum.requests += one.requests;
        sum.conditional += one.conditional;
        sum.notModified += one.notModified;
        sum.bytesWritten += one.bytesWritten;
      }
      return sum;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
