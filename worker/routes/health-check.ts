import { Hono } from "hono";
import type { StorageHealth } from "../../durable-objects/status-page/status-page.ts";
import { log } from "../platform/log.ts";
import { TimeoutError, withTimeout } from "../platform/with-timeout.ts";
import type { AppEnv } from "../site.ts";

const TIMEOUT_MS = 2_000;

/**
 * Lookout's own readiness: the Worker answers and the StatusPage object can
 * read its storage (a real round trip that writes nothing). Never cached: a probe must see the truth.
 */
export function healthCheck(storage: (env: Env) => { healthCheck(): Promise<StorageHealth> }) {
  const app = new Hono<AppEnv>();
  app.get("/", async (c) => {
    const started = Date.now();
    c.header("cache-control", "no-store");
    try {
      const health = await withTimeout(storage(c.env).healthCheck(), TIMEOUT_MS);
      const latencyMs = Date.now() - started;
      if (!health.ok) {
        return c.json({ status: "error", failing: "storage", detail: health.detail, checks: { worker: "ok" } }, 500);
      }
      return c.json({
        status: "ok",
        checks: { worker: "ok", storage: { status: "ok", latencyMs, schemaVersion: health.schemaVersion } },
        version: health.version,
      });
    } catch (error) {
      log.error("health_check.failed", { error });
      return c.json(
        {
          status: "error",
          failing: "storage",
          detail: error instanceof TimeoutError ? `no answer within ${TIMEOUT_MS} ms` : "storage round trip failed",
          checks: { worker: "ok" },
        },
        500,
      );
    }
  });
  return app;
}
