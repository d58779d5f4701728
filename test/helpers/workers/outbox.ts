import { runInDurableObject } from "cloudflare:test";
import type { StatusPage } from "../../../durable-objects/status-page/status-page.ts";
import { pageObject } from "./worker.ts";

/**
 * "Nothing more arrived" is asserted after a condition, never after a pause
 * (a pause is too short on a busy machine and wasted on a quiet one): the
 * page's alarm has run to its end, and nothing for the recipient is in flight.
 * Receivers record a message before answering it and the outbox settles the
 * row after, so once that holds, what a receiver has is all it will get until
 * the next retry falls due.
 */

/** Runs the StatusPage object's alarm inside the object: whatever is due and may leave has left when it returns. */
export function runPageAlarm(): Promise<void> {
  return runInDurableObject(pageObject(), (instance: StatusPage) => instance.alarm());
}

/** Outbox rows for these recipients claimed by an alarm and not yet settled. */
async function inFlight(recipients: string): Promise<number> {
  return runInDurableObject(pageObject(), (_: StatusPage, state) =>
    Number(
      state.storage.sql
        .exec<{ n: number }>(
          `SELECT COUNT(*) AS n FROM outbox WHERE state = 'sending' AND recipient IN (${recipients})`,
        )
        .one().n,
    ),
  );
}

/** Mail for a subscriber address, claimed and not yet settled. */
export const mailInFlight = (address: string) =>
  inFlight(`SELECT id FROM subscribers WHERE address = '${address.replaceAll("'", "''")}'`);

/** Deliveries to a webhook endpoint (by URL), claimed and not yet settled. */
export const webhooksInFlight = (url: string) =>
  inFlight(`SELECT id FROM webhooks WHERE url = '${url.replaceAll("'", "''")}'`);

/**
 * Runs the page's alarm to its end, then waits until nothing counted by
 * `busy` is in flight (an alarm that was already running finishes its sends).
 * Gives up after `withinMs`; the caller's assertions then say what was found.
 */
export async function settleOutbox(busy: () => Promise<number>, withinMs = 15_000): Promise<void> {
  await runPageAlarm();
  const deadline = Date.now() + withinMs;
  while ((await busy()) > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
