import { log } from "../../../worker/platform/log.ts";
import { monitorObject } from "../../../worker/platform/stubs.ts";
import { groupAssignment, markGroupFailed, markGroupStarted, pendingGroupKicks } from "../probe-groups.ts";
import type { Job } from "./run-jobs.ts";
import { MONITOR_KICKS } from "./settings.ts";

/** How many Monitor objects wait for a word now (up to one batch). */
export function kicksWaiting(sql: SqlStorage, now: number, probing: boolean): number {
  return pendingGroupKicks(sql, now, probing, MONITOR_KICKS.batch).length;
}

/**
 * Tells one batch of Monitor objects (probe groups) what to check, as their
 * monitors, configs or the `probing` flag changed, or as they went silent. A
 * full batch comes back at once for the rest; a group whose kick failed waits
 * a grace period (probe-groups.ts pendingGroupKicks) and the next heartbeat.
 */
export function monitorKicksJob(storage: DurableObjectStorage, env: Env, probing: () => boolean): Job {
  const sql = storage.sql;
  let more = false;
  return {
    name: "monitor-kicks",
    async run() {
      const flag = probing();
      const groups = pendingGroupKicks(sql, Date.now(), flag, MONITOR_KICKS.batch);
      const jobs = groups.map(({ name, region }) => async () => {
        const sent = groupAssignment(sql, name, flag);
        try {
          await monitorObject(env, name, region).assign(name, sent.assignment);
        } catch (error) {
          storage.transactionSync(() => markGroupFailed(sql, name, Date.now()));
          throw error;
        }
        storage.transactionSync(() => markGroupStarted(sql, name, sent, Date.now()));
      });
      for (let i = 0; i < jobs.length; i += MONITOR_KICKS.concurrency) {
        const outcomes = await Promise.allSettled(jobs.slice(i, i + MONITOR_KICKS.concurrency).map((job) => job()));
        for (const outcome of outcomes) {
          if (outcome.status === "rejected") log.warn("monitor.kick_failed", { error: outcome.reason });
        }
      }
      if (jobs.length > 0) log.info("monitor.kicked", { groups: groups.length });
      more = jobs.length === MONITOR_KICKS.batch;
    },
    nextRunAt: (now) => (more ? now + MONITOR_KICKS.againAfterMs : null),
  };
}
