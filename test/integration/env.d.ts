import type { Env as LookoutEnv } from "../../worker/platform/stubs.ts";

declare global {
  namespace Cloudflare {
    interface Env extends LookoutEnv {}
  }
}
