import { Hono } from "hono";
import config from "#lookout-config";
import { sameSecret } from "../core/access/same-secret.ts";
import { heartbeatToken } from "../core/heartbeat-token.ts";
import { regionsOf } from "../core/monitors/monitor-report.ts";
import { log } from "../platform/log.ts";
import { monitorStub } from "../platform/stubs.ts";
import type { AppEnv } from "../site.ts";

/**
 * `/heartbeat/:monitorId/:token`: a scheduled job calls this when it has run
 * (GET or POST, no body needed). An unknown monitor and a wrong token get the
 * same 404, so the URL cannot be probed for monitor names.
 */
export function heartbeats() {
  const app = new Hono<AppEnv>();
  app.on(["GET", "POST", "HEAD"], "/:monitorId/:token", async (c) => {
    c.header("cache-control", "no-store");
    const { monitorId, token } = c.req.param();
    const monitor = config.monitors.find((m) => m.id === monitorId && m.kind === "heartbeat");
    const secret = c.env.HEARTBEAT_SECRET;
    const expected = monitor && secret ? await heartbeatToken(secret, monitor.id) : "";
    if (!monitor || !expected || !sameSecret(token, expected)) {
      return c.json({ error: "not_found", message: "No heartbeat monitor answers at this address." }, 404);
    }
    await Promise.all(regionsOf(monitor).map((region) => monitorStub(c.env, monitor.id, region).heartbeat(monitor.id)));
    log.debug("heartbeat.received", { monitorId });
    return c.json({ ok: true, monitor: monitor.id, receivedAt: new Date().toISOString() });
  });
  return app;
}
