import { emailSenderFrom } from "../../../worker/platform/email/from-env.ts";
import { log } from "../../../worker/platform/log.ts";
import { deliverMailBatch } from "../mail-deliveries.ts";
import type { Outbox } from "../outbox/outbox.ts";
import type { Channel } from "../outbox/rows.ts";
import type { Job } from "./run-jobs.ts";
import { MAIL } from "./settings.ts";

/**
 * Sends due mail in batches over one connection each, recording each outcome
 * as the server answers, for up to MAIL.windowMs. A closed channel (no sender
 * configured, or its flag off) keeps everything in the outbox.
 */
export function mailJob(storage: DurableObjectStorage, env: Env, outbox: Outbox, open: () => Channel[]): Job {
  const isOpen = () => open().includes("email");
  return {
    name: "mail",
    async run() {
      const sender = emailSenderFrom(env);
      if (!sender || !isOpen()) return;
      const deadline = Date.now() + MAIL.windowMs;
      let batch: { claimed: number; sent: number };
      do {
        batch = await deliverMailBatch(storage, env, sender, MAIL.batch);
        if (batch.claimed > 0) log.info("mail.batch", { ...batch, failed: batch.claimed - batch.sent });
        // A full batch says more may be due; a flag turned off in between stops the next.
      } while (batch.claimed === MAIL.batch && Date.now() < deadline && isOpen());
    },
    nextRunAt: () => (isOpen() ? outbox.nextDueAt(["email"]) : null),
  };
}
