import type { Monitor } from "../durable-objects/monitor/monitor.ts";
import type { StatusPage } from "../durable-objects/status-page/status-page.ts";
import { monitorObjectName } from "./core/monitors/report.ts";

/** Bindings and variables from wrangler.toml, .dev.vars and secrets. */
export interface Env {
  STATUS_PAGE: DurableObjectNamespace<StatusPage>;
  MONITOR: DurableObjectNamespace<Monitor>;
  ASSETS: Fetcher;
  /** "local", "staging" or "production". */
  ENVIRONMENT: string;
  LOG_LEVEL?: string;
  /** Bootstrap token for the communicator API (a secret; generated into .dev.vars locally). */
  ADMIN_TOKEN?: string;
  /** Signs heartbeat monitors' URLs (a secret; generated into .dev.vars locally). */
  HEARTBEAT_SECRET?: string;
}

/** Every page lives in one StatusPage object; the name is fixed so all edges find it. */
export function statusPageStub(env: Env): DurableObjectStub<StatusPage> {
  return env.STATUS_PAGE.get(env.STATUS_PAGE.idFromName("page"));
}

/** The Monitor object for one monitor in one region, placed near that region when first created. */
export function monitorStub(env: Env, monitorId: string, region: string): DurableObjectStub<Monitor> {
  const id = env.MONITOR.idFromName(monitorObjectName(monitorId, region));
  return region === "default"
    ? env.MONITOR.get(id)
    : env.MONITOR.get(id, { locationHint: region as DurableObjectLocationHint });
}
