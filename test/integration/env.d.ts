import type { Env as LookoutEnv } from "../../worker/env.ts";
import type { FlagRun } from "../helpers/flag-runs.ts";

declare global {
  namespace Cloudflare {
    interface Env extends LookoutEnv {
      /** Which of the three flag runs this is (vitest.config.ts, test/helpers/flag-runs.ts). */
      FLAG_RUN: FlagRun;
    }
  }
}
