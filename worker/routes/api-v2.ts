import { Hono } from "hono";
import { cors } from "hono/cors";
import type { PageSnapshot } from "../core/read-model.ts";
import { componentsJson, incidentsJson, maintenancesJson, statusJson, summaryJson } from "../core/statuspage/json.ts";
import type { AppEnv, Site } from "../site.ts";

const ENDPOINTS: Record<string, (snapshot: PageSnapshot) => unknown> = {
  "/summary.json": summaryJson,
  "/status.json": statusJson,
  "/components.json": componentsJson,
  "/incidents.json": (s) => incidentsJson(s, "all"),
  "/incidents/unresolved.json": (s) => incidentsJson(s, "unresolved"),
  "/scheduled-maintenances.json": (s) => maintenancesJson(s, "all"),
  "/scheduled-maintenances/upcoming.json": (s) => maintenancesJson(s, "upcoming"),
  "/scheduled-maintenances/active.json": (s) => maintenancesJson(s, "active"),
};

/** Statuspage's public API v2, open to browsers on any origin. */
export function apiV2(site: Site) {
  const app = new Hono<AppEnv>();
  // A browser client can read how old an answer is and whether it is a stale copy (docs/decisions/0021-fresh-or-honestly-stale.md).
  const exposeHeaders = ["ETag", "Age", "Warning", "x-lookout-cache", "x-lookout-stale-since"];
  app.use("*", cors({ origin: "*", allowMethods: ["GET", "HEAD", "OPTIONS"], exposeHeaders }));
  for (const [path, build] of Object.entries(ENDPOINTS)) {
    app.get(path, (c) =>
      site.serve(c, async ({ snapshot }) => ({
        status: 200,
        contentType: "application/json; charset=utf-8",
        body: JSON.stringify(build(snapshot)),
      })),
    );
  }
  // Mounted apps share the parent's notFound; a catch-all keeps API misses in JSON.
  app.all("*", (c) =>
    c.json(
      {
        error: "not_found",
        message: `No such endpoint. Try ${Object.keys(ENDPOINTS)
          .map((p) => `/api/v2${p}`)
          .join(", ")}`,
      },
      404,
    ),
  );
  return app;
}
