import { createApp } from "./app.tsx";
import { log, setLogLevel } from "./platform/log.ts";
import { statusPageStub } from "./platform/stubs.ts";

export { Monitor } from "../durable-objects/monitor/monitor.ts";
export { RateLimiter } from "../durable-objects/rate-limiter/rate-limiter.ts";
export { StatusPage } from "../durable-objects/status-page/status-page.ts";

const app = createApp();

export default {
  fetch: app.fetch,

  /** The heartbeat: applies the deployed config, moves maintenances along, keeps every monitor scheduled. */
  async scheduled(controller, env, _ctx) {
    setLogLevel(env.LOG_LEVEL);
    const result = await statusPageStub(env).tick();
    log.info("cron.tick", { cron: controller.cron, ...result });
  },
} satisfies ExportedHandler<Env>;
