import type { PageSnapshot } from "../../../worker/core/read-model.ts";
import { log } from "../../../worker/platform/log.ts";
import type { Outbox } from "../outbox/outbox.ts";
import type { Channel } from "../outbox/rows.ts";
import { deliverDueWebhooks } from "../webhook-deliveries.ts";
import type { Job } from "./run-jobs.ts";
import { WEBHOOKS } from "./settings.ts";

/** POSTs due webhooks through a pool of slots for up to WEBHOOKS.windowMs, recording each outcome as its receiver answers. */
export function webhooksJob(
  storage: DurableObjectStorage,
  env: Env,
  snapshot: () => PageSnapshot,
  outbox: Outbox,
  open: () => Channel[],
): Job {
  const isOpen = () => open().includes("webhook");
  return {
    name: "webhooks",
    async run() {
      if (!isOpen()) return;
      const pool = await deliverDueWebhooks(storage, env, snapshot, {
        slots: WEBHOOKS.slots,
        perEndpoint: WEBHOOKS.perEndpoint,
        forMs: WEBHOOKS.windowMs,
      });
      if (pool.claimed > 0) log.info("webhook.pool", { ...pool, failed: pool.claimed - pool.sent });
    },
    nextRunAt: () => (isOpen() ? outbox.nextDueAt(["webhook"]) : null),
  };
}
