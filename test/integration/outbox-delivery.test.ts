import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeOverride } from "../../durable-objects/status-page/flag-overrides.ts";
import { MAIL } from "../../durable-objects/status-page/jobs/settings.ts";
import { deliverMailBatch, renderMails, sendMails } from "../../durable-objects/status-page/mail-deliveries.ts";
import { claimDue, settle } from "../../durable-objects/status-page/outbox/claims.ts";
import type { OutboxRow, Outcome } from "../../durable-objects/status-page/outbox/rows.ts";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import { confirmSubscriber, markBounced, subscribe } from "../../durable-objects/status-page/subscribers.ts";
import { MAX_ATTEMPTS, retryDelayMs } from "../../worker/core/delivery/retry.ts";
import { type EmailSender, smtpSender } from "../../worker/platform/email/sender.ts";
import { type MailServerAddresses, RESEND_TEST_KEY, type ReceivedMail } from "../helpers/target-addresses.ts";
import { api } from "../helpers/workers/api.ts";
import { pinFlags, pinFlagsForFile } from "../helpers/workers/flags.ts";
import { mailInFlight, settleOutbox } from "../helpers/workers/outbox.ts";
import { targets } from "../helpers/workers/targets.ts";
import { pageObject } from "../helpers/workers/worker.ts";

/**
 * The outbox loses nothing and sends nothing twice, over real SMTP servers
 * that misbehave (test/helpers/node/smtp-servers.ts). Most tests drive one
 * batch by hand inside the StatusPage object — claimDue, renderMails,
 * sendMails, settle, exactly as its alarm does — so the test picks the server;
 * `email_notifications` stays off meanwhile, so the alarm (which sends to the
 * `normal` server) holds everything and never races the test. One test runs
 * the object's own alarm against a chosen server (alarmSendingTo), and the
 * restart tests let the alarm deliver by itself.
 */
const mail = (env as unknown as { MAIL_SERVERS: MailServerAddresses }).MAIL_SERVERS;

/** The mail servers outlive this file (and serve the flags-on/off runs too): every address is this run's own. */
const run = crypto.randomUUID().slice(0, 8);
const address = (local: string) => `${local}.${run}@example.com`;

async function inbox(to: string): Promise<ReceivedMail[]> {
  const response = await fetch(`${mail.http}/messages?to=${encodeURIComponent(to)}`);
  return (await response.json()) as ReceivedMail[];
}

/**
 * Waits until `to` has `count` mails (the alarm sends by itself), then until the
 * outbox has done all it will do now (the alarm ran, nothing in flight), so an
 * extra mail would have shown.
 */
async function waitForMail(to: string, count: number, withinMs = 10_000): Promise<ReceivedMail[]> {
  const deadline = Date.now() + withinMs;
  let received = await inbox(to);
  while (received.length < count && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    received = await inbox(to);
  }
  await settleOutbox(() => mailInFlight(to));
  return inbox(to);
}

type Row = Record<string, SqlStorageValue>;
function query(sql: string, ...params: SqlStorageValue[]): Promise<Row[]> {
  return runInDurableObject(pageObject(), (_: StatusPage, state) =>
    state.storage.sql.exec<Row>(sql, ...params).toArray(),
  );
}

/**
 * Confirmed subscribers to every component, one per address; returns their ids
 * in order. Their confirmation mails are not what these tests are about, so
 * they are set aside.
 */
function confirmedSubscribers(...addresses: string[]): Promise<string[]> {
  return runInDurableObject(pageObject(), (_: StatusPage, state) =>
    state.storage.transactionSync(() => {
      const sql = state.storage.sql;
      const now = Date.now();
      return addresses.map((to) => {
        subscribe(sql, to, null, now);
        const id = String(sql.exec<{ id: string }>(`SELECT id FROM subscribers WHERE address = ?`, to).one().id);
        expect(confirmSubscriber(sql, id, now)?.state).toBe("confirmed");
        sql.exec(`UPDATE outbox SET state = 'dropped' WHERE recipient = ? AND kind = 'confirm'`, id);
        return id;
      });
    }),
  );
}

/** An incident declared through the API, as a communicator would; it names no component, so it is for everyone. */
async function declare(name: string): Promise<string> {
  const response = await api("POST", "/incidents", { body: { name, message: `${name}: we are looking into it.` } });
  expect(response.status, JSON.stringify(response.body)).toBeLessThan(300);
  return String(response.body.id);
}

interface OutboxState {
  recipient: string;
  state: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
}

/** The update mails queued for these subscribers, in the order of `ids`. */
async function updateRows(ids: readonly string[]): Promise<OutboxState[]> {
  const rows = (await query(
    `SELECT recipient, state, attempts, next_attempt_at, last_error FROM outbox
     WHERE kind = 'update' AND recipient IN (SELECT value FROM json_each(?)) ORDER BY seq`,
    JSON.stringify(ids),
  )) as unknown as OutboxState[];
  return rows.sort((a, b) => ids.indexOf(a.recipient) - ids.indexOf(b.recipient));
}

/** Makes the rows for these subscribers due `agoMs` ago: the backoff has passed. */
async function makeDue(ids: readonly string[], agoMs = 1): Promise<void> {
  await query(
    `UPDATE outbox SET next_attempt_at = ? WHERE recipient IN (SELECT value FROM json_each(?))`,
    Date.now() - agoMs,
    JSON.stringify(ids),
  );
}

interface Batch {
  claimed: OutboxRow[];
  outcomes: Outcome[];
  settledAt: number;
}

/**
 * One batch, as the alarm's #deliverMail sends it, but to the SMTP server the
 * test chooses: claim what is due, render, send over one connection, settle
 * each row (and mark a refused address bounced) in one transaction.
 */
function deliver(port: number, host = mail.host, replyTimeoutMs?: number): Promise<Batch> {
  return runInDurableObject(pageObject(), async (_: StatusPage, state) => {
    const sql = state.storage.sql;
    const claimed = state.storage.transactionSync(() => claimDue(sql, "email", Date.now(), 100));
    const prepared = await renderMails(sql, env as unknown as Env, claimed, Date.now());
    const outcomes = await sendMails(
      smtpSender({ host, port, tls: "none", ...(replyTimeoutMs ? { replyTimeoutMs } : {}) }),
      prepared,
    );
    const settledAt = Date.now();
    state.storage.transactionSync(() => {
      claimed.forEach((row, i) => {
        const result = outcomes[i] ?? { outcome: "temporary", reason: "no outcome" };
        settle(sql, row, result, settledAt);
        if (result.outcome === "permanent" && result.bounce) markBounced(sql, row.recipient, result.reason, settledAt);
      });
    });
    return { claimed, outcomes, settledAt };
  });
}

/**
 * Runs the object's own alarm once, with its sender pointed at another of the
 * test's SMTP servers and mail let through for just this run: the production
 * loop (#deliverMail: claim, render, send, settle, bounce, next wake-up), not
 * the test's copy of it. Returns the alarm it left set.
 */
function alarmSendingTo(port: number): Promise<number | null> {
  return alarmWith({ SMTP_HOST: mail.host, SMTP_PORT: String(port) });
}

/** The object's own alarm, once, with these settings in its environment and mail let through. */
function alarmWith(settings: Partial<Env>): Promise<number | null> {
  return runInDurableObject(pageObject(), async (instance: StatusPage, state) => {
    const object = instance as unknown as { env: Env };
    const original = object.env;
    object.env = { ...original, ...settings };
    writeOverride(state.storage.sql, "email_notifications", true, "test", Date.now());
    try {
      await instance.alarm();
    } finally {
      writeOverride(state.storage.sql, "email_notifications", false, "test", Date.now());
      object.env = original;
    }
    return state.storage.getAlarm();
  });
}

/** The first retry waits between half and all of its window (full jitter), counted from when the row was settled. */
function expectFirstRetryWindow(rows: OutboxState[], batch: Batch): void {
  for (const row of rows) {
    expect(row.next_attempt_at).toBeGreaterThanOrEqual(batch.settledAt + retryDelayMs(1, 0));
    expect(row.next_attempt_at).toBeLessThanOrEqual(batch.settledAt + retryDelayMs(1, 1));
  }
}

const subscriberStates = async (ids: readonly string[]) =>
  (await query(`SELECT id, state FROM subscribers WHERE id IN (SELECT value FROM json_each(?))`, JSON.stringify(ids)))
    .sort((a, b) => ids.indexOf(String(a.id)) - ids.indexOf(String(b.id)))
    .map((row) => row.state);

// Monitors must not open incidents of their own (they would queue mail for these subscribers too).
pinFlagsForFile({ probing: false, automatic_incidents: false });

// The alarm holds all mail; the tests that want it to send lift the flag themselves.
beforeEach(() => pinFlags({ email_notifications: false }));

// Each test starts with an empty outbox and no subscriber but its own.
afterEach(() =>
  runInDurableObject(pageObject(), (_: StatusPage, state) => {
    state.storage.sql.exec(`UPDATE outbox SET state = 'dropped' WHERE state IN ('pending', 'sending')`);
    state.storage.sql.exec(`UPDATE subscribers SET state = 'unsubscribed' WHERE state <> 'unsubscribed'`);
  }),
);

describe("outbox delivery over real SMTP", { timeout: 30_000 }, () => {
  it.each([
    { server: "closing", port: mail.closing, local: "closing", error: /^421 / },
    { server: "dropping", port: mail.dropping, local: "drop", error: /connection closed/ },
  ])(
    "retries with backoff when the $server server fails the batch, then sends exactly one mail each",
    async ({ port, local, error }) => {
      const to = [address(`${local}-a`), address(`${local}-b`), address(`${local}-c`)];
      const ids = await confirmedSubscribers(...to);
      await declare(`Temporary trouble (${local})`);
      expect((await updateRows(ids)).map((r) => r.state)).toEqual(["pending", "pending", "pending"]);

      const failed = await deliver(port);
      expect(failed.claimed.map((r) => r.recipient).sort()).toEqual([...ids].sort());
      expect(failed.outcomes.map((o) => o.outcome)).toEqual(["temporary", "temporary", "temporary"]);
      const retrying = await updateRows(ids);
      for (const row of retrying) {
        expect(row).toMatchObject({ state: "pending", attempts: 1 });
        expect(row.last_error).toMatch(error);
      }
      expectFirstRetryWindow(retrying, failed);
      // Jitter: three rows settled in the same millisecond are not all due in the same one.
      expect(new Set(retrying.map((r) => r.next_attempt_at)).size).toBeGreaterThan(1);
      // A temporary failure says nothing against the address.
      expect(await subscriberStates(ids)).toEqual(["confirmed", "confirmed", "confirmed"]);
      for (const recipient of to) expect(await inbox(recipient)).toEqual([]);

      // Before the backoff has passed, nothing is due.
      expect((await deliver(mail.normal)).claimed).toEqual([]);

      await makeDue(ids);
      const retried = await deliver(mail.normal);
      expect(retried.outcomes.map((o) => o.outcome)).toEqual(["sent", "sent", "sent"]);
      for (const row of await updateRows(ids))
        expect(row).toMatchObject({ state: "sent", attempts: 2, last_error: null });
      for (const recipient of to) {
        const received = await inbox(recipient);
        expect(received.map((m) => m.server)).toEqual(["normal"]);
        expect(received[0]?.subject).toBe(`[Investigating] Temporary trouble (${local})`);
      }
      // Sent is final: nothing is claimed again.
      await makeDue(ids);
      expect((await deliver(mail.normal)).claimed).toEqual([]);
    },
  );

  it("retries only the rest of a batch cut off mid-DATA: the mail that went through is not sent again", async () => {
    const to = [address("first"), address("drop-middle"), address("last")];
    const ids = await confirmedSubscribers(...to);
    await declare("Partly delivered");
    // The batch goes in this order (claimDue takes the longest-waiting first).
    await query(
      `UPDATE outbox SET next_attempt_at = ? - 10 * (3 - (SELECT key FROM json_each(?) WHERE value = recipient))
       WHERE kind = 'update' AND recipient IN (SELECT value FROM json_each(?2))`,
      Date.now(),
      JSON.stringify(ids),
    );

    const cut = await deliver(mail.dropping);
    expect(cut.claimed.map((r) => r.recipient)).toEqual(ids);
    expect(cut.outcomes.map((o) => o.outcome)).toEqual(["sent", "temporary", "temporary"]);
    const rows = await updateRows(ids);
    expect(rows.map((r) => [r.state, r.attempts])).toEqual([
      ["sent", 1],
      ["pending", 1],
      ["pending", 1],
    ]);
    expectFirstRetryWindow(rows.slice(1), cut);

    await makeDue(ids);
    const retried = await deliver(mail.normal);
    expect(retried.claimed.map((r) => r.recipient)).toEqual(ids.slice(1));
    expect(retried.outcomes.map((o) => o.outcome)).toEqual(["sent", "sent"]);
    expect((await updateRows(ids)).map((r) => r.state)).toEqual(["sent", "sent", "sent"]);
    // Exactly one mail each, wherever it landed.
    expect((await inbox(to[0] as string)).map((m) => m.server)).toEqual(["dropping"]);
    expect((await inbox(to[1] as string)).map((m) => m.server)).toEqual(["normal"]);
    expect((await inbox(to[2] as string)).map((m) => m.server)).toEqual(["normal"]);
  });

  it("marks a refused address bounced, sends the rest of the batch, and queues nothing more for it", async () => {
    const to = [address("before"), address("unknown-user"), address("after")];
    const ids = await confirmedSubscribers(...to);
    await declare("Bounce check");

    const batch = await deliver(mail.rejecting);
    expect(batch.claimed).toHaveLength(3);
    const rows = await updateRows(ids);
    expect(rows.map((r) => r.state)).toEqual(["sent", "failed", "sent"]);
    expect(rows[1]?.attempts).toBe(1);
    expect(rows[1]?.last_error).toMatch(/^550 .*No such user/);
    expect(await subscriberStates(ids)).toEqual(["confirmed", "bounced", "confirmed"]);
    const [bounced] = await query(`SELECT bounce_reason FROM subscribers WHERE id = ?`, ids[1] as string);
    expect(bounced?.bounce_reason).toMatch(/^550 /);
    expect((await inbox(to[0] as string)).map((m) => m.server)).toEqual(["rejecting"]);
    expect(await inbox(to[1] as string)).toEqual([]);
    expect((await inbox(to[2] as string)).map((m) => m.server)).toEqual(["rejecting"]);

    // The next update reaches the others and nothing is queued for the bounced address.
    await declare("Bounce check, later");
    expect(
      (await query(`SELECT state FROM outbox WHERE recipient = ? AND kind = 'update'`, ids[1] as string)).length,
    ).toBe(1);
    const next = await deliver(mail.normal);
    expect(next.claimed.map((r) => r.recipient).sort()).toEqual([ids[0], ids[2]].sort());
    expect(next.outcomes.map((o) => o.outcome)).toEqual(["sent", "sent"]);
    expect(await inbox(to[0] as string)).toHaveLength(2);
    expect(await inbox(to[1] as string)).toEqual([]);
    expect(await inbox(to[2] as string)).toHaveLength(2);
  });

  it("does the same in the object's own alarm: retries a closed connection at its backoff, then bounces a refused address", async () => {
    const to = [address("alarm-first"), address("unknown-alarm"), address("alarm-last")];
    const ids = await confirmedSubscribers(...to);
    await declare("Through the alarm");

    const settledBefore = Date.now();
    const wakeAt = await alarmSendingTo(mail.closing);
    const rows = await updateRows(ids);
    expect(rows.map((r) => [r.state, r.attempts])).toEqual([
      ["pending", 1],
      ["pending", 1],
      ["pending", 1],
    ]);
    for (const row of rows) {
      expect(row.last_error).toMatch(/^421 /);
      expect(row.next_attempt_at).toBeGreaterThanOrEqual(settledBefore + retryDelayMs(1, 0));
      expect(row.next_attempt_at).toBeLessThanOrEqual(Date.now() + retryDelayMs(1, 1));
    }
    // The alarm comes back when the first retry is due.
    expect(wakeAt).toBe(Math.min(...rows.map((r) => r.next_attempt_at)));
    expect(await subscriberStates(ids)).toEqual(["confirmed", "confirmed", "confirmed"]);

    await makeDue(ids);
    await alarmSendingTo(mail.rejecting);
    expect((await updateRows(ids)).map((r) => [r.state, r.attempts])).toEqual([
      ["sent", 2],
      ["failed", 2],
      ["sent", 2],
    ]);
    expect(await subscriberStates(ids)).toEqual(["confirmed", "bounced", "confirmed"]);
    expect((await inbox(to[0] as string)).map((m) => m.server)).toEqual(["rejecting"]);
    expect(await inbox(to[1] as string)).toEqual([]);
    expect((await inbox(to[2] as string)).map((m) => m.server)).toEqual(["rejecting"]);
    // Nothing is left waiting (the alarm may still come once more, and find nothing).
    expect(await query(`SELECT seq FROM outbox WHERE state IN ('pending', 'sending')`)).toEqual([]);
  });

  it(`gives up on a row after ${MAX_ATTEMPTS} temporary failures, backing off longer each time`, async () => {
    const to = address("always-421");
    const ids = await confirmedSubscribers(to);
    await declare("Never deliverable");
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      await makeDue(ids);
      const batch = await deliver(mail.closing);
      expect(batch.claimed.map((r) => r.attempts)).toEqual([attempt]);
      const [row] = await updateRows(ids);
      if (attempt < MAX_ATTEMPTS) {
        expect(row).toMatchObject({ state: "pending", attempts: attempt });
        const waited = (row?.next_attempt_at ?? 0) - batch.settledAt;
        expect(waited).toBeGreaterThanOrEqual(retryDelayMs(attempt, 0));
        expect(waited).toBeLessThanOrEqual(retryDelayMs(attempt, 1));
      } else {
        expect(row).toMatchObject({ state: "failed", attempts: MAX_ATTEMPTS });
        expect(row?.last_error).toMatch(/^421 /);
      }
    }
    // Not retried forever, and giving up is not a bounce.
    await makeDue(ids);
    expect((await deliver(mail.normal)).claimed).toEqual([]);
    expect(await inbox(to)).toEqual([]);
    expect(await subscriberStates(ids)).toEqual(["confirmed"]);
  });

  it("delivers once what was written to the outbox before the object restarted", async () => {
    const to = address("restart");
    const ids = await confirmedSubscribers(to);
    await declare("Written, then restarted");
    expect(await updateRows(ids)).toEqual([expect.objectContaining({ state: "pending", attempts: 0 })]);

    await abortAllDurableObjects();
    // Fresh stubs from here on (pageObject() makes one per call); the row survived.
    expect(await updateRows(ids)).toEqual([expect.objectContaining({ state: "pending", attempts: 0 })]);
    await pinFlags({ email_notifications: true });

    const received = await waitForMail(to, 1);
    expect(received.map((m) => m.subject)).toEqual(["[Investigating] Written, then restarted"]);
    expect(received[0]?.server).toBe("normal");
    expect(await updateRows(ids)).toEqual([expect.objectContaining({ state: "sent", attempts: 1 })]);
  });

  it("sends through Resend's HTTP API in the object's own alarm when no SMTP relay is configured", async () => {
    const to = [address("resend-a"), address("invalid-resend"), address("resend-b")];
    const ids = await confirmedSubscribers(...to);
    await declare("Over HTTP");
    const alarmAt = await alarmWith({
      SMTP_HOST: undefined,
      RESEND_API_KEY: RESEND_TEST_KEY,
      RESEND_BASE_URL: `${mail.http}/resend`,
    });
    const rows = await updateRows(ids);
    expect(rows.map((r) => r.state)).toEqual(["sent", "failed", "sent"]);
    expect(rows[1]?.last_error).toMatch(/^422 .*Invalid `to` field/);
    // A request Resend refused is not a refusal of the address: the subscriber stays.
    expect(await subscriberStates(ids)).toEqual(["confirmed", "confirmed", "confirmed"]);
    for (const recipient of [to[0], to[2]] as string[]) {
      const requests = (await (
        await fetch(`${mail.http}/resend/received?to=${encodeURIComponent(recipient)}`)
      ).json()) as {
        body: { subject: string; text: string; headers: Record<string, string> };
        idempotencyKey: string;
      }[];
      expect(requests).toHaveLength(1);
      expect(requests[0]?.body.subject).toBe("[Investigating] Over HTTP");
      expect(requests[0]?.body.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
      expect(requests[0]?.idempotencyKey).toMatch(/@status\.test$/);
    }
    expect(await inbox(to[0] as string)).toEqual([]);
    expect(alarmAt).toBeNull();
  });

  it("records each mail as the server accepts it: a batch that dies halfway sends only the rest again", async () => {
    const to = [address("halfway-a"), address("halfway-b"), address("halfway-c")];
    const ids = await confirmedSubscribers(...to);
    await declare("Cut short");
    const real = smtpSender({ host: mail.host, port: mail.normal, tls: "none" });
    // The first mail really goes; then the invocation dies (an eviction, a deploy) before the batch ends.
    const dying: EmailSender = {
      async send(messages, onResult) {
        await real.send(messages.slice(0, 1), onResult);
        throw new Error("the invocation was evicted");
      },
    };
    await runInDurableObject(pageObject(), (_: StatusPage, state) =>
      deliverMailBatch(state.storage, env as unknown as Env, dying, 100),
    );
    const rows = await updateRows(ids);
    expect(rows.map((r) => r.state)).toEqual(["sent", "pending", "pending"]);
    expect(rows[1]?.last_error).toMatch(/evicted/);

    await makeDue(ids);
    await deliver(mail.normal);
    for (const recipient of to) expect((await inbox(recipient)).length, recipient).toBe(1);
    expect((await updateRows(ids)).map((r) => r.state)).toEqual(["sent", "sent", "sent"]);
  });

  it("claims again, and delivers once, a row whose claim lapsed because its invocation died", async () => {
    const to = address("lapsed");
    const ids = await confirmedSubscribers(to);
    await declare("Claimed, then died");
    // An invocation claims the row and dies before sending or settling it; the object lives on.
    // (When the object itself restarts, its claims go again at once: outbox-crash-recovery.test.ts.)
    const claimedAt = Date.now();
    const claimed = await runInDurableObject(pageObject(), (_: StatusPage, state) =>
      state.storage.transactionSync(() => claimDue(state.storage.sql, "email", claimedAt, 100)),
    );
    expect(claimed.map((r) => r.recipient)).toEqual(ids);
    const [held] = await updateRows(ids);
    expect(held).toMatchObject({ state: "sending", attempts: 1, next_attempt_at: claimedAt + MAIL.leaseMs });

    // While the lease runs, nobody else takes it: the object's own alarm runs and leaves it be.
    await pinFlags({ email_notifications: true });
    const wakeAt = await runInDurableObject(pageObject(), async (instance: StatusPage, state) => {
      await instance.alarm();
      return state.storage.getAlarm();
    });
    expect(await updateRows(ids)).toEqual([expect.objectContaining({ state: "sending", attempts: 1 })]);
    expect(wakeAt).toBe(claimedAt + MAIL.leaseMs);
    expect(await inbox(to)).toEqual([]);

    // The lease lapses: the alarm claims it again and sends it, once.
    await makeDue(ids);
    await pinFlags({ email_notifications: true }); // any write wakes the outbox
    const received = await waitForMail(to, 1);
    expect(received.map((m) => m.subject)).toEqual(["[Investigating] Claimed, then died"]);
    expect(await updateRows(ids)).toEqual([expect.objectContaining({ state: "sent", attempts: 2, last_error: null })]);
  });

  it("keeps everything while the SMTP server is down or silent, and sends it once it is back", async () => {
    const to = [address("down-a"), address("down-b")];
    const ids = await confirmedSubscribers(...to);
    await declare("Relay down");

    const down = await deliver(targets.refused.port, targets.refused.hostname);
    expect(down.outcomes.map((o) => o.outcome)).toEqual(["temporary", "temporary"]);
    const rows = await updateRows(ids);
    for (const row of rows) {
      expect(row).toMatchObject({ state: "pending", attempts: 1 });
      expect(row.last_error).toBeTruthy();
    }
    expectFirstRetryWindow(rows, down);
    expect(await subscriberStates(ids)).toEqual(["confirmed", "confirmed"]);

    // At the second try something listens but never answers: a timeout, just as temporary.
    await makeDue(ids);
    await deliver(targets.tcp.port, targets.tcp.hostname, 300);
    const silent = await updateRows(ids);
    expect(silent.map((r) => [r.state, r.attempts])).toEqual([
      ["pending", 2],
      ["pending", 2],
    ]);
    for (const row of silent) expect(row.last_error).toMatch(/timeout/);

    await makeDue(ids);
    await deliver(mail.normal);
    expect((await updateRows(ids)).map((r) => [r.state, r.attempts])).toEqual([
      ["sent", 3],
      ["sent", 3],
    ]);
    for (const recipient of to)
      expect((await inbox(recipient)).map((m) => m.subject)).toEqual(["[Investigating] Relay down"]);
  });
});
