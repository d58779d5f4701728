import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { MAIL } from "../../durable-objects/status-page/jobs/settings.ts";
import { deliverMailBatch } from "../../durable-objects/status-page/mail-deliveries.ts";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import { deliverDueWebhooks } from "../../durable-objects/status-page/webhook-deliveries.ts";
import { type EmailSender, smtpSender } from "../../worker/platform/email/sender.ts";
import type { MailServerAddresses, ReceivedMail, ReceivedWebhook } from "../helpers/target-addresses.ts";
import { api } from "../helpers/workers/api.ts";
import { pinFlags } from "../helpers/workers/flags.ts";
import { addConfirmedSubscriber } from "../helpers/workers/subscriber-rows.ts";
import { pageObject } from "../helpers/workers/worker.ts";

/**
 * Crash recovery (issue 11, item 6; docs/decisions/0029-outbox-owner.md): the
 * StatusPage object dies in the middle of a batch of mail or webhooks, with
 * rows claimed ("sending") that no live invocation will ever settle. When the
 * object comes back (here: a read, nothing that queues or wakes deliveries)
 * what was not yet answered leaves within a minute of its return, not when the
 * dead invocation's lease would have lapsed; what the server had answered is
 * not sent again. The crash is a real reset of the object
 * (abortAllDurableObjects) in the middle of a real SMTP session or POST.
 */
const mail = (env as unknown as { MAIL_SERVERS: MailServerAddresses }).MAIL_SERVERS;
const receiver = (env as unknown as { WEBHOOK_RECEIVER: string }).WEBHOOK_RECEIVER;
const run = crypto.randomUUID().slice(0, 8);
const address = (local: string) => `${local}.${run}@example.com`;
/** How soon after its return the object must send what a crash left claimed. */
const RECOVERY_MS = 60_000;

type Row = Record<string, SqlStorageValue>;
function query(sql: string, ...params: SqlStorageValue[]): Promise<Row[]> {
  return runInDurableObject(pageObject(), (_: StatusPage, state) =>
    state.storage.sql.exec<Row>(sql, ...params).toArray(),
  );
}

async function inbox(to: string): Promise<ReceivedMail[]> {
  return (await (await fetch(`${mail.http}/messages?to=${encodeURIComponent(to)}`)).json()) as ReceivedMail[];
}

async function hooks(name: string): Promise<ReceivedWebhook[]> {
  return (await (await fetch(`${receiver}/received/${name}-${run}`)).json()) as ReceivedWebhook[];
}

/** Polls `check` until it holds or `withinMs` passes; returns whether it held (the caller asserts on what it saw). */
async function until(check: () => Promise<boolean>, withinMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

const rowsOf = (channel: string, recipients: readonly string[]) =>
  query(
    `SELECT recipient, state, attempts, sent_at FROM outbox
     WHERE channel = ? AND kind IN ('update', 'incident') AND recipient IN (SELECT value FROM json_each(?))`,
    channel,
    JSON.stringify(recipients),
  );

const drained = async (channel: string, recipients: readonly string[]) =>
  (await rowsOf(channel, recipients)).every((row) => row.state === "sent");

async function declare(name: string): Promise<void> {
  const response = await api("POST", "/incidents", { body: { name, message: `${name}: looking into it.` } });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
}

/** The object dies (an eviction, a deploy) and comes back for a read: nothing that queues or wakes deliveries. */
async function crashAndReturn(): Promise<number> {
  await abortAllDurableObjects();
  const back = Date.now();
  await runInDurableObject(pageObject(), (_: StatusPage, state) => state.storage.getAlarm());
  return back;
}

// Monitors must not open incidents of their own (they would queue deliveries too).
beforeAll(() => pinFlags({ probing: false, automatic_incidents: false }));

describe("after a crash mid-delivery", { timeout: 30_000 }, () => {
  it("sends the mail a crashed batch had not sent within a minute of the object's return, and the sent one not again", async () => {
    // Closed while the batch is set up and cut short, so the object's own alarm never races the test.
    await pinFlags({ email_notifications: false });
    const to = [address("crash-a"), address("crash-b"), address("crash-c")];
    const ids: string[] = [];
    for (const recipient of to) ids.push(await addConfirmedSubscriber(recipient));
    await declare("Crashed mid-batch");

    // The batch starts over one real SMTP connection; the server takes the first mail, then the object dies.
    await runInDurableObject(pageObject(), async (_: StatusPage, state) => {
      const real = smtpSender({ host: mail.host, port: mail.normal, tls: "none" });
      let firstAnswered = () => {};
      const answered = new Promise<void>((resolve) => {
        firstAnswered = resolve;
      });
      const dying: EmailSender = {
        async send(messages, onResult) {
          await real.send(messages.slice(0, 1), (n, result) => {
            onResult?.(n, result);
            firstAnswered();
          });
          return new Promise(() => {}); // the rest never gets an answer: the object is gone first
        },
      };
      void deliverMailBatch(state.storage, env as unknown as Env, dying, 100);
      await answered;
    });
    const cut = await rowsOf("email", ids);
    expect(cut.map((row) => row.state).sort()).toEqual(["sending", "sending", "sent"]);
    const sentBefore = cut.find((row) => row.state === "sent")?.recipient;
    // Mail may leave again; the live claim still holds the rest, so nothing more goes before the crash.
    await pinFlags({ email_notifications: true });

    const back = await crashAndReturn();
    const delivered = await until(() => drained("email", ids));
    const rows = await rowsOf("email", ids);
    expect(delivered, JSON.stringify(rows)).toBe(true);
    for (const row of rows) {
      if (row.recipient === sentBefore) {
        expect(row.attempts).toBe(1);
        continue;
      }
      // Claimed twice (the dead batch's attempt counts), sent once, and soon after the return.
      expect(row.attempts).toBe(2);
      expect(Number(row.sent_at)).toBeGreaterThanOrEqual(back);
      expect(Number(row.sent_at) - back).toBeLessThan(RECOVERY_MS);
    }
    // Nothing arrived twice: the server had answered for the first before the crash.
    for (const recipient of to) expect((await inbox(recipient)).length, recipient).toBe(1);
  });

  it("POSTs again, within a minute of the object's return, a webhook whose receiver had not answered", async () => {
    await pinFlags({ webhook_notifications: false });
    const register = async (name: string) => {
      const response = await api("POST", "/webhooks", {
        body: { url: `${receiver}/hooks/${name}-${run}`, components: ["object-storage"] },
      });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      return String(response.body.id);
    };
    // `hang…` never answers (test/helpers/node/webhook-receiver.ts); `prompt…` answers 204.
    const hung = await register("hang-crash");
    const prompt = await register("prompt-crash");
    await declare("Crashed mid-POST");

    // The pool POSTs both; the prompt receiver answers, the object dies while the other still hangs.
    await runInDurableObject(pageObject(), async (instance: StatusPage, state) => {
      const patient = { ...(env as unknown as Env), WEBHOOK_TIMEOUT_SECONDS: "60" };
      void deliverDueWebhooks(state.storage, patient, () => instance.snapshot(), {
        slots: 10,
        perEndpoint: 1,
        forMs: 1_000,
      });
    });
    expect(await until(async () => (await hooks("hang-crash")).length === 1)).toBe(true);
    expect(await until(async () => (await rowsOf("webhook", [prompt]))[0]?.state === "sent")).toBe(true);
    expect((await rowsOf("webhook", [hung]))[0]?.state).toBe("sending");
    // From now on the receiver answers; the alarm may send again, but the live claim holds the row.
    await fetch(`${receiver}/answer/hang-crash-${run}`, { method: "PUT", body: "204" });
    await pinFlags({ webhook_notifications: true });

    const back = await crashAndReturn();
    const delivered = await until(() => drained("webhook", [hung, prompt]));
    expect(delivered, JSON.stringify(await rowsOf("webhook", [hung, prompt]))).toBe(true);
    const got = await hooks("hang-crash");
    // The documented window: it was handed over and its answer lost, so it goes again, with the same
    // webhook-id for the receiver to drop the duplicate by.
    expect(got).toHaveLength(2);
    expect(got[1]?.headers["webhook-id"]).toBe(got[0]?.headers["webhook-id"]);
    expect(got[1]?.at).toBeGreaterThanOrEqual(back);
    expect((got[1]?.at ?? Number.POSITIVE_INFINITY) - back).toBeLessThan(RECOVERY_MS);
    // The answered one is not sent again.
    expect(await hooks("prompt-crash")).toHaveLength(1);
  });

  it("gives up on a row found claimed at start on its last attempt, so a poison row cannot restart the object forever", async () => {
    await pinFlags({ email_notifications: false });
    const [last, early] = await runInDurableObject(pageObject(), (_: StatusPage, state) =>
      state.storage.transactionSync(() => {
        const sql = state.storage.sql;
        const queued = (attempts: number) =>
          sql
            .exec<{ seq: number }>(
              `INSERT INTO outbox (channel, recipient, dedupe_key, kind, ref, state, attempts, next_attempt_at, created_at)
               VALUES ('email', ?, 'update:poison', 'update', 'x', 'sending', ?, ?, ?) RETURNING seq`,
              `poison-${attempts}-${run}`,
              attempts,
              Date.now() + MAIL.leaseMs,
              Date.now(),
            )
            .one().seq;
        return [queued(MAIL.retry.maxAttempts), queued(1)];
      }),
    );
    const back = await crashAndReturn();
    const rows = await query(
      `SELECT seq, state, attempts, next_attempt_at, last_error FROM outbox WHERE seq IN (?, ?) ORDER BY seq`,
      last as number,
      early as number,
    );
    expect(rows.map((row) => [row.state, row.attempts])).toEqual([
      ["failed", MAIL.retry.maxAttempts],
      ["pending", 1],
    ]);
    expect(rows[0]?.last_error).toMatch(/restarted while sending it/);
    expect(Number(rows[1]?.next_attempt_at) - back).toBeLessThan(RECOVERY_MS);
    await query(`UPDATE outbox SET state = 'dropped' WHERE seq = ?`, early as number);
  });
});
