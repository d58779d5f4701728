import type { Env as LookoutEnv } from "../../worker/env.ts";

declare global {
  namespace Cloudflare {
    interface Env extends LookoutEnv {}
  }
}
