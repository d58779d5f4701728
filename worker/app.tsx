import { Hono } from "hono";
import type { StorageHealth } from "../durable-objects/status-page/status-page.ts";
import { openApiDocument } from "./api/openapi.ts";
import { type ApiBackend, apiV1 } from "./api/router.ts";
import { consoleApp } from "./console/console-app.tsx";
import { securityHeaders } from "./middleware/security-headers.ts";
import { log, setLogLevel } from "./platform/log.ts";
import { statusPageStub } from "./platform/stubs.ts";
import { alertAck } from "./routes/alert-ack.tsx";
import { apiV2 } from "./routes/api-v2.ts";
import { feeds } from "./routes/feeds.ts";
import { healthCheck } from "./routes/health-check.ts";
import { heartbeats } from "./routes/heartbeats.ts";
import { notFoundHtml, publicPages } from "./routes/public-pages.tsx";
import { subscriptions } from "./routes/subscriptions.tsx";
import { type AppEnv, Site, type SiteOptions, type StatusPageReader } from "./site.ts";
import { ApiReferencePage } from "./views/api-reference-page.tsx";
import { renderDocument } from "./views/layout.tsx";

export interface AppOptions extends Partial<SiteOptions> {
  /** The StatusPage object; tests put a failing one here. */
  storage?: (env: Env) => StatusPageReader & { healthCheck(): Promise<StorageHealth> };
  /** The StatusPage's API entry; tests put a failing one here. */
  apiBackend?: ApiBackend;
}

/** The Worker's HTTP surface. Options exist so tests can put a failing object behind it. */
export function createApp(options: AppOptions = {}) {
  const stub = options.storage ?? statusPageStub;
  const site = new Site({ ...options, reader: options.reader ?? stub });
  const app = new Hono<AppEnv>();

  app.use("*", async (c, next) => {
    setLogLevel(c.env?.LOG_LEVEL);
    await next();
  });
  app.use("*", securityHeaders());

  app.route("/healthCheck", healthCheck(stub));
  app.route("/heartbeat", heartbeats());
  app.route("/api/v2", apiV2(site));
  app.get("/api/v1/openapi.json", (c) => c.json(openApiDocument(`${new URL(c.req.url).origin}/api/v1`)));
  app.get("/api/v1/docs", async (c) => {
    const snapshot = await site.snapshot(c.env);
    const document = openApiDocument(`${new URL(c.req.url).origin}/api/v1`);
    return c.html(await renderDocument(<ApiReferencePage page={snapshot.page} document={document as never} />));
  });
  app.route(
    "/api/v1",
    apiV1({
      backend: options.apiBackend,
      // A write made here is on the page here at once, not after the cache's few seconds.
      onWrite: () => site.noteWrite(),
    }),
  );
  app.route("/console", consoleApp(site));
  app.route("/", feeds(site));
  app.route("/", subscriptions(site));
  app.route("/", alertAck(site));
  app.route("/", publicPages(site));

  // A trivial answer from the Worker itself; the benchmark's baseline too.
  app.get("/robots.txt", (c) => c.text("User-agent: *\nAllow: /\n", 200, { "cache-control": "public, max-age=3600" }));

  app.notFound(async (c) => {
    const snapshot = site.lastKnownSnapshot() ?? (await site.snapshot(c.env).catch(() => null));
    if (!snapshot) return c.text("Not found", 404);
    const page = await notFoundHtml(snapshot, "There is nothing at this address.");
    return c.html(page.body, 404);
  });

  app.onError((error, c) => {
    log.error("request.failed", { path: new URL(c.req.url).pathname, error });
    const body = "The status page is briefly unavailable. Please try again in a few seconds.";
    return c.text(body, 503, { "retry-after": "5", "cache-control": "no-store" });
  });

  return Object.assign(app, { site });
}
