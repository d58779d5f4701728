import { log } from "../../../worker/platform/log.ts";
import { nextDueAt, recoverClaims } from "./claims.ts";
import { outboxMark } from "./queue.ts";
import type { Channel } from "./rows.ts";

/**
 * The outbox's owner inside the StatusPage object: every row enters through
 * queue.ts, is claimed and settled through claims.ts, and this wakes the
 * alarm for it. The senders (mail-deliveries.ts, webhook-deliveries.ts) and the
 * jobs that run them (jobs/) only ever see claimed rows.
 */
export class Outbox {
  readonly #storage: DurableObjectStorage;
  /** The channels whose deliveries may leave now (a flag or a missing sender closes one). */
  readonly #open: () => Channel[];

  constructor(storage: DurableObjectStorage, open: () => Channel[]) {
    this.#storage = storage;
    this.#open = open;
  }

  /**
   * When the object starts: what a dead instance had claimed is due now, and
   * the alarm comes for it at once, whatever brought the object back (a read,
   * the heartbeat, an alarm) — not when the dead claim's lease would lapse.
   */
  async recover(now: number): Promise<void> {
    const given = this.#storage.transactionSync(() => recoverClaims(this.#storage.sql, now));
    if (given > 0) log.warn("outbox.recovered", { rows: given });
    await this.wake();
  }

  /** Where a write's transaction starts: the mark `afterWrite` compares with. */
  mark(): number {
    return outboxMark(this.#storage.sql);
  }

  /**
   * After a write's transaction: when it queued anything (whatever queued it:
   * a component's status change, an incident update, a confirmation mail),
   * the alarm comes for it, so nothing waits for the next cron minute. New rows
   * are due at once: the alarm is set to now in the same turn as the write
   * (the output gate holds the caller's answer until it is stored), and an
   * alarm set earlier is only ever brought forward. Rows for a closed channel
   * or a held recipient wait for whatever opens them.
   */
  afterWrite(mark: number, now: number): void {
    if (this.mark() === mark) return;
    const due = this.nextDueAt();
    if (due === null) return;
    const done = due <= now ? this.#storage.setAlarm(now) : this.wake(); // the latter reads the alarm first
    done.catch((error: unknown) => log.error("outbox.alarm_failed", { error }));
  }

  /** Makes sure the alarm comes for deliveries that are now due. */
  async wake(): Promise<void> {
    const due = this.nextDueAt();
    if (due !== null) await bringAlarmForward(this.#storage, due);
  }

  /** When the next delivery on an open channel (or on `channels`) is due; null when none waits. */
  nextDueAt(channels: readonly Channel[] = this.#open()): number | null {
    return nextDueAt(this.#storage.sql, channels);
  }
}

/** Sets the alarm for `at` unless it already comes sooner; never in the past. */
export async function bringAlarmForward(storage: DurableObjectStorage, at: number): Promise<void> {
  const current = await storage.getAlarm();
  if (current === null || current > at) await storage.setAlarm(Math.max(at, Date.now()));
}
