import { defineConfig, type LookoutConfigInput } from "../../../worker/config/define-config.ts";
import type { LookoutConfig } from "../../../worker/core/config/schema.ts";
import { targetUrl } from "./targets.ts";

type MonitorInput = NonNullable<LookoutConfigInput["monitors"]>[number];

/**
 * The page the console's dashboard and declare tests apply: the deployed
 * config's component ids (lookout.config.ts), so its templates apply, one
 * component hidden; a check of the API that fails for real (the local targets
 * server's /status/503, down at its first failure) and one of sign-in that
 * passes; then the file's own `monitors`.
 */
export function consoleShop(monitors: MonitorInput[]): LookoutConfig {
  return defineConfig({
    page: { name: "Console shop", url: "https://status.console.test" },
    components: [
      { id: "api", name: "REST API" },
      { id: "auth", name: "Login & SSO" },
      { id: "vault", name: "Secret vault", hidden: true },
    ],
    monitors: [
      { id: "api-check", url: targetUrl("/status/503"), components: ["api"], failuresToDown: 1 },
      { id: "auth-check", url: targetUrl("/healthy"), components: ["auth"] },
      ...monitors,
    ],
  });
}
