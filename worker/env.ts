import type { StatusPage } from "../durable-objects/status-page/status-page.ts";

/** Bindings and variables from wrangler.toml, .dev.vars and secrets. */
export interface Env {
  STATUS_PAGE: DurableObjectNamespace<StatusPage>;
  ASSETS: Fetcher;
  /** "local", "staging" or "production". */
  ENVIRONMENT: string;
  LOG_LEVEL?: string;
  /** Bootstrap token for the communicator API (a secret; generated into .dev.vars locally). */
  ADMIN_TOKEN?: string;
}

/** Every page lives in one StatusPage object; the name is fixed so all edges find it. */
export function statusPageStub(env: Env): DurableObjectStub<StatusPage> {
  return env.STATUS_PAGE.get(env.STATUS_PAGE.idFromName("page"));
}
