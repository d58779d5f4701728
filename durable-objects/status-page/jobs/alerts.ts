import { log } from "../../../worker/platform/log.ts";
import { deliverDueAlerts, nextAlertAt } from "../alert-deliveries.ts";
import { bringAlarmForward } from "../outbox/outbox.ts";
import type { Channel } from "../outbox/rows.ts";
import type { Job } from "./run-jobs.ts";

/**
 * Sends due alert notices, one grouped message per channel whose window has
 * passed (alert-deliveries.ts). Closed (the `alerting` flag off), everything
 * waits in the outbox. The alarm comes back when the first waiting channel
 * may send again, not when its notices fell due.
 */
export function alertsJob(storage: DurableObjectStorage, env: Env, open: () => Channel[]): Job {
  const isOpen = () => open().includes("alert");
  const wake = async () => {
    const at = isOpen() ? nextAlertAt(storage.sql) : null;
    if (at !== null) await bringAlarmForward(storage, at);
  };
  return {
    name: "alerts",
    async run() {
      if (!isOpen()) return;
      const run = await deliverDueAlerts(storage, env, wake);
      if (run.messages > 0) log.info("alert.messages", { ...run });
    },
    nextRunAt: () => (isOpen() ? nextAlertAt(storage.sql) : null),
  };
}
