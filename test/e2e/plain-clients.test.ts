/**
 * Every client can read it: Lookout started as `npm start` starts it
 * (wrangler dev, whose runtime rewrites the Accept-Encoding a Worker sees),
 * every public surface read with `node:http`, which sends no Accept-Encoding
 * at all, as plain `curl`, Java's HttpClient and many feed readers do.
 */
import { request } from "node:http";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import config from "../../lookout.config.ts";
import { type RunningLookout, startLookout } from "../helpers/node/lookout-process.ts";

let lookout: RunningLookout;
const ids = { incident: "", maintenance: "", component: config.components[0]?.id ?? "" };

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: Buffer;
}

/** One GET through node:http with exactly these headers (none by default), read to the end. */
function get(path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const sent = request(`${lookout.baseUrl}${path}`, { method: "GET", headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, bytes: Buffer.concat(chunks) }),
      );
      response.on("error", reject);
    });
    sent.on("error", reject);
    sent.end();
  });
}

beforeAll(async () => {
  lookout = await startLookout();
  const token = /Admin token\s+(\S+)/.exec(lookout.output())?.[1] ?? "";
  const call = async (path: string, body: unknown) => {
    const response = await fetch(`${lookout.baseUrl}/api/v1${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(response.status, path).toBe(201);
    return ((await response.json()) as { id: string }).id;
  };
  ids.incident = await call("/incidents", { name: "Plain clients", message: "Readable by all." });
  const start = new Date(Date.now() + 86_400_000);
  ids.maintenance = await call("/maintenances", {
    name: "Plain maintenance",
    message: "Readable by all.",
    scheduledFor: start.toISOString(),
    scheduledUntil: new Date(start.getTime() + 3_600_000).toISOString(),
    components: [ids.component],
  });
});

afterAll(async () => {
  await lookout?.stop();
});

/** Each public surface, and how its readable body begins. */
const surfaces = (): [path: string, begins: RegExp][] => [
  ["/", /^<!DOCTYPE html>/],
  [`/incidents/${ids.incident}`, /^<!DOCTYPE html>/],
  [`/maintenances/${ids.maintenance}`, /^<!DOCTYPE html>/],
  [`/components/${ids.component}`, /^<!DOCTYPE html>/],
  ["/history", /^<!DOCTYPE html>/],
  ["/history?page=2", /^<!DOCTYPE html>/],
  ["/history.rss", /^<\?xml/],
  ["/history.atom", /^<\?xml/],
  [`/components/${ids.component}/history.rss`, /^<\?xml/],
  [`/components/${ids.component}/history.atom`, /^<\?xml/],
  ...[
    "summary",
    "status",
    "components",
    "incidents",
    "incidents/unresolved",
    "scheduled-maintenances",
    "scheduled-maintenances/upcoming",
    "scheduled-maintenances/active",
  ].map((name): [string, RegExp] => [`/api/v2/${name}.json`, /^\{"/]),
  ["/api/v1/docs", /^<!DOCTYPE html>/],
  ["/api/v1/openapi.json", /^\{"/],
  ["/healthCheck", /^\{"/],
  ["/css/lookout.css", /^\/\*/],
  ["/robots.txt", /^User-agent/],
  ["/no-such-page", /^<!DOCTYPE html>/],
];

describe("a client that sends no Accept-Encoding", () => {
  it("reads every public surface as plain bytes, on a cache miss and on a hit", async () => {
    for (const round of ["first", "second"]) {
      for (const [path, begins] of surfaces()) {
        const answer = await get(path);
        const what = `${round} GET ${path} (${answer.headers["x-lookout-cache"] ?? "not cached"})`;
        expect(answer.status, what).toBe(path === "/no-such-page" ? 404 : 200);
        expect(answer.headers["content-encoding"] ?? "identity", what).toBe("identity");
        expect(answer.bytes.toString("utf8"), what).toMatch(begins);
      }
    }
  });

  it("still gets gzip when it asks for gzip, and plain bytes when it asks for identity", async () => {
    for (const path of ["/", "/api/v2/summary.json", "/history.atom"]) {
      const zipped = await get(path, { "accept-encoding": "gzip" });
      expect(zipped.headers["content-encoding"], path).toBe("gzip");
      const plain = await get(path, { "accept-encoding": "identity" });
      expect(plain.headers["content-encoding"] ?? "identity", path).toBe("identity");
      expect(gunzipSync(zipped.bytes).toString("utf8"), path).toBe(plain.bytes.toString("utf8"));
    }
  });
});
