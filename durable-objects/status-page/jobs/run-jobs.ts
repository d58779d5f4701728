import { log } from "../../../worker/platform/log.ts";

/** One named piece of work the StatusPage alarm does, with its settings in jobs/settings.ts. */
export interface Job {
  readonly name: string;
  /** One run, within the job's own limits. Rejecting fails only this job's run. */
  run(): Promise<void>;
  /** When the job wants the alarm next (asked after every run), or null when it waits to be woken. */
  nextRunAt(now: number): number | null;
}

/**
 * One alarm run: the stages in order, the jobs of a stage side by side (a
 * slow one never holds up the others of its stage). Returns when the alarm
 * must come next: the earliest next run any job asks for, or null.
 */
export async function runJobs(stages: readonly (readonly Job[])[]): Promise<number | null> {
  for (const stage of stages) {
    const outcomes = await Promise.allSettled(stage.map((job) => job.run()));
    outcomes.forEach((outcome, i) => {
      if (outcome.status === "rejected") log.error("job.failed", { job: stage[i]?.name, error: outcome.reason });
    });
  }
  const now = Date.now();
  let next: number | null = null;
  for (const job of stages.flat()) {
    const at = job.nextRunAt(now);
    if (at !== null && (next === null || at < next)) next = at;
  }
  return next;
}
