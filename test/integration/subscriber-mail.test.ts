import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../worker/index.ts";
import type { MailServerAddresses, ReceivedMail } from "../helpers/target-addresses.ts";
import { api } from "../helpers/workers/api.ts";
import { pinFlags, pinFlagsForFile } from "../helpers/workers/flags.ts";
import { mailInFlight, settleOutbox } from "../helpers/workers/outbox.ts";
import { fetchWorker } from "../helpers/workers/worker.ts";

/**
 * The subscriber's whole journey over real SMTP: the StatusPage object's
 * alarm drains the outbox to the SMTP server the test started on 127.0.0.1
 * (vitest.config.ts points SMTP_HOST/SMTP_PORT at it), and each mail is parsed
 * back with mailparser on the Node side.
 */
const mail = (env as unknown as { MAIL_SERVERS: MailServerAddresses }).MAIL_SERVERS;

async function inbox(address: string): Promise<ReceivedMail[]> {
  const response = await fetch(`${mail.http}/messages?to=${encodeURIComponent(address)}`);
  return (await response.json()) as ReceivedMail[];
}

/** What the address has once the outbox has done all it will do now (the alarm ran, nothing in flight). */
async function settledInbox(address: string): Promise<ReceivedMail[]> {
  await settleOutbox(() => mailInFlight(address));
  return inbox(address);
}

/** Waits until the address has `count` mails (the alarm fires by itself, at once when mail is due), then settles. */
async function waitForMail(address: string, count: number, withinMs = 15_000): Promise<ReceivedMail[]> {
  const deadline = Date.now() + withinMs;
  let received = await inbox(address);
  while (received.length < count && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    received = await inbox(address);
  }
  return settledInbox(address);
}

/** The cron heartbeat, as Cloudflare fires it. */
async function heartbeat() {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }), env, ctx);
  await waitOnExecutionContext(ctx);
}

function subscribe(address: string, components: string[]) {
  const form = new URLSearchParams({ email: address });
  for (const id of components) form.append("components", id);
  return fetchWorker("/subscribe", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": `203.0.113.${address.length}` },
    body: form.toString(),
  });
}

/** The path of the first link in a text that starts with `prefix` (links point at https://status.test). */
function linkIn(text: string | null, pattern: RegExp): string {
  const match = pattern.exec(text ?? "");
  expect(match, `a link matching ${pattern} in:\n${text}`).not.toBeNull();
  return new URL(match?.[0] ?? "").pathname;
}

// The example config's monitors (a silent heartbeat among them) must not open incidents that mail these subscribers too.
pinFlagsForFile({ email_notifications: true, new_subscriptions: true, probing: false, automatic_incidents: false });

describe("mail to subscribers over real SMTP", { timeout: 60_000 }, () => {
  it("confirms by mail, then sends exactly one mail per update to the right subscribers, with one-click unsubscribe", async () => {
    const ada = "ada.mail@example.com";
    const other = "search.only@example.com";
    expect((await subscribe(ada, ["api"])).status).toBe(200);
    expect((await subscribe(other, ["search"])).status).toBe(200);

    const [confirmation] = await waitForMail(ada, 1);
    expect(confirmation?.subject).toBe("Confirm your subscription to Acme Cloud status");
    expect(confirmation?.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    const confirmPath = linkIn(confirmation?.text ?? null, /https:\/\/status\.test\/subscriptions\/\S+\/confirm\/\S+/);
    expect((await fetchWorker(confirmPath, { method: "POST", redirect: "manual" })).status).toBe(303);
    const otherConfirm = (await waitForMail(other, 1))[0];
    await fetchWorker(linkIn(otherConfirm?.text ?? null, /https:\/\/status\.test\/\S+\/confirm\/\S+/), {
      method: "POST",
    });

    const declared = await api("POST", "/incidents", {
      body: {
        name: "Elevated API errors",
        message: "We are looking into 5xx responses.",
        components: { api: "major_outage" },
      },
    });
    const received = await waitForMail(ada, 2);
    expect(received).toHaveLength(2);
    const update = received[1] as ReceivedMail;
    expect(update.subject).toBe("[Investigating] Elevated API errors");
    expect(update.text).toContain("We are looking into 5xx responses.");
    expect(update.text).toContain("REST API: Major outage");
    expect(update.text).toContain(`https://status.test/incidents/${declared.body.id}`);
    expect(update.html).toContain("Follow on the status page");
    // The other subscriber chose another component: only the confirmation.
    expect(await inbox(other)).toHaveLength(1);

    // One click from the mail client: a POST to the List-Unsubscribe address, and no more mail.
    const oneClick = /<([^>]+)>/.exec(update.headers["list-unsubscribe"] ?? "")?.[1] ?? "";
    const left = await fetchWorker(new URL(oneClick).pathname, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(left.status).toBe(200);
    await api("POST", `/incidents/${declared.body.id}/updates`, { body: { status: "resolved", message: "Fixed." } });
    expect(await settledInbox(ada)).toHaveLength(2);
  });

  it("holds mail while the email flag is off and sends it, once, when the flag is lifted", async () => {
    const grace = "grace.held@example.com";
    await subscribe(grace, []);
    const [confirmation] = await waitForMail(grace, 1);
    await fetchWorker(linkIn(confirmation?.text ?? null, /https:\/\/status\.test\/\S+\/confirm\/\S+/), {
      method: "POST",
    });

    await pinFlags({ email_notifications: false });
    await api("POST", "/incidents", { body: { name: "Held incident", message: "m" } });
    expect(await settledInbox(grace)).toHaveLength(1);

    await pinFlags({ email_notifications: true });
    // The next heartbeat (or any write) wakes the outbox; nothing was lost meanwhile.
    await api("POST", "/incidents", { body: { name: "Second incident", message: "m" } });
    const after = await waitForMail(grace, 3);
    expect(
      after
        .map((m) => m.subject)
        .slice(1)
        .sort(),
    ).toEqual(["[Investigating] Held incident", "[Investigating] Second incident"]);
  });
  it("holds back one domain's mail while the rest flows, then sends it once, or drops it on purpose", async () => {
    const held = "someone@held.example";
    const open = "someone@open.example";
    for (const address of [held, open]) {
      await subscribe(address, []);
      const [confirmation] = await waitForMail(address, 1);
      await fetchWorker(linkIn(confirmation?.text ?? null, /https:\/\/status\.test\/\S+\/confirm\/\S+/), {
        method: "POST",
      });
    }
    expect((await api("PUT", "/holds/domains/held.example")).status).toBe(200);
    await api("POST", "/incidents", { body: { name: "Noisy receiver", message: "m" } });
    expect(await waitForMail(open, 2)).toHaveLength(2);
    expect(await settledInbox(held)).toHaveLength(1);
    const listed = await api("GET", "/holds");
    expect(listed.body.data).toEqual([expect.objectContaining({ target: "held.example", waiting: 1 })]);

    const lifted = await api("DELETE", "/holds/domains/held.example");
    expect(lifted.body).toMatchObject({ lifted: true, dropped: 0 });
    const released = await waitForMail(held, 2);
    expect(released.map((m) => m.subject)).toEqual([
      "Confirm your subscription to Acme Cloud status",
      "[Investigating] Noisy receiver",
    ]);

    await api("PUT", "/holds/domains/held.example");
    await api("POST", "/incidents", { body: { name: "Dropped on purpose", message: "m" } });
    const dropped = await api("DELETE", "/holds/domains/held.example?pending=drop");
    expect(dropped.body).toMatchObject({ lifted: true, dropped: 1 });
    expect(await settledInbox(held)).toHaveLength(2);
    expect((await waitForMail(open, 3)).map((m) => m.subject)).toContain("[Investigating] Dropped on purpose");
    expect((await api("PUT", "/holds/domains/Not_A_Domain")).status).toBe(404);

    // A stale tab's "drop" right after a colleague's "send": nothing is held any more, so nothing is dropped.
    await api("PUT", "/holds/domains/held.example");
    await api("POST", "/incidents", { body: { name: "Released once", message: "m" } });
    expect((await api("DELETE", "/holds/domains/held.example")).body).toMatchObject({ lifted: true });
    const stale = await api("DELETE", "/holds/domains/held.example?pending=drop");
    expect(stale.body).toMatchObject({ lifted: false, dropped: 0 });
    expect((await waitForMail(held, 3)).map((m) => m.subject)).toContain("[Investigating] Released once");
  });
  it("announces a maintenance when scheduled, and reminds once when it is about to start", async () => {
    const ops = "ops.watcher@example.com";
    await subscribe(ops, ["search"]);
    const [confirmation] = await waitForMail(ops, 1);
    await fetchWorker(linkIn(confirmation?.text ?? null, /https:\/\/status\.test\/\S+\/confirm\/\S+/), {
      method: "POST",
    });
    await api("POST", "/maintenances", {
      body: {
        name: "Search reindex",
        message: "Search may be slow while we reindex.",
        scheduledFor: new Date(Date.now() + 30 * 60_000).toISOString(),
        scheduledUntil: new Date(Date.now() + 90 * 60_000).toISOString(),
        components: ["search"],
      },
    });
    expect((await waitForMail(ops, 2))[1]?.subject).toBe("[Maintenance] [Scheduled] Search reindex");
    await heartbeat();
    await heartbeat();
    const all = await waitForMail(ops, 3);
    expect(all.map((m) => m.subject).slice(2)).toEqual(["[Maintenance] Starting soon: Search reindex"]);
    expect(all[2]?.text).toContain("Search may be slow while we reindex.");
  });
});
