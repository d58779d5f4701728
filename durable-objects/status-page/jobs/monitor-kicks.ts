import { log } from "../../../worker/platform/log.ts";
import { monitorStub } from "../../../worker/platform/stubs.ts";
import { markStarted, markStopped, pendingKicks } from "../monitors.ts";
import type { Job } from "./run-jobs.ts";
import { MONITOR_KICKS } from "./settings.ts";

/** How many Monitor objects wait for a start or a stop now (up to one batch). */
export function kicksWaiting(sql: SqlStorage, now: number): number {
  const kicks = pendingKicks(sql, now, MONITOR_KICKS.batch);
  return kicks.start.length + kicks.stop.length;
}

/**
 * Starts, restarts or stops one batch of Monitor objects. A full batch comes
 * back at once for the rest; a failed kick waits for its grace period and the
 * next heartbeat.
 */
export function monitorKicksJob(sql: SqlStorage, env: Env): Job {
  let more = false;
  return {
    name: "monitor-kicks",
    async run() {
      const kicks = pendingKicks(sql, Date.now(), MONITOR_KICKS.batch);
      const jobs = [
        ...kicks.start.map(({ monitor, region }) => async () => {
          await monitorStub(env, monitor.id, region).start(monitor, region);
          markStarted(sql, monitor, region, Date.now());
        }),
        ...kicks.stop.map(({ monitorId, region }) => async () => {
          await monitorStub(env, monitorId, region).stop();
          markStopped(sql, monitorId, region, Date.now());
        }),
      ];
      for (let i = 0; i < jobs.length; i += MONITOR_KICKS.concurrency) {
        const outcomes = await Promise.allSettled(jobs.slice(i, i + MONITOR_KICKS.concurrency).map((job) => job()));
        for (const outcome of outcomes) {
          if (outcome.status === "rejected") log.warn("monitor.kick_failed", { error: outcome.reason });
        }
      }
      if (jobs.length > 0) log.info("monitor.kicked", { started: kicks.start.length, stopped: kicks.stop.length });
      more = jobs.length === MONITOR_KICKS.batch;
    },
    nextRunAt: (now) => (more ? now + MONITOR_KICKS.againAfterMs : null),
  };
}
