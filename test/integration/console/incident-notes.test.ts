import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../worker/app.tsx";
import type { MailServerAddresses, ReceivedMail, ReceivedWebhook } from "../../helpers/target-addresses.ts";
import { api } from "../../helpers/workers/api.ts";
import { signedIn } from "../../helpers/workers/console.ts";
import { pinFlagsForFile } from "../../helpers/workers/flags.ts";
import { mailInFlight, settleOutbox, webhooksInFlight } from "../../helpers/workers/outbox.ts";
import { fetchWorker } from "../../helpers/workers/worker.ts";

/**
 * The internal timeline is never public: a note's words must appear on no
 * surface a reader, a subscriber or a webhook endpoint can reach, while the
 * public update posted beside it reaches every one of them (so the check
 * looks where the note would have gone).
 */
const mail = (env as unknown as { MAIL_SERVERS: MailServerAddresses }).MAIL_SERVERS;
const receiver = (env as unknown as { WEBHOOK_RECEIVER: string }).WEBHOOK_RECEIVER;
const run = crypto.randomUUID().slice(0, 8);
const app = createApp({ freshMs: 0, maxStaleMs: 0, sharedCache: () => null });
const read = async (path: string) => (await app.request(path, {}, env)).text();

async function inbox(address: string): Promise<ReceivedMail[]> {
  return (await (await fetch(`${mail.http}/messages?to=${encodeURIComponent(address)}`)).json()) as ReceivedMail[];
}

async function waitFor<T>(get: () => Promise<T[]>, count: number, busy: () => Promise<number>): Promise<T[]> {
  const deadline = Date.now() + 20_000;
  let got = await get();
  while (got.length < count && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    got = await get();
  }
  await settleOutbox(busy);
  return get();
}

async function confirmedSubscriber(address: string): Promise<void> {
  const form = new URLSearchParams({ email: address });
  form.append("components", "api");
  const subscribed = await fetchWorker("/subscribe", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": "203.0.113.77" },
    body: form.toString(),
  });
  expect(subscribed.status).toBe(200);
  const [confirmation] = await waitFor(
    () => inbox(address),
    1,
    () => mailInFlight(address),
  );
  const link = /https:\/\/status\.test\/\S+\/confirm\/\S+/.exec(confirmation?.text ?? "")?.[0] ?? "";
  expect(link).not.toBe("");
  expect((await fetchWorker(new URL(link).pathname, { method: "POST", redirect: "manual" })).status).toBe(303);
}

pinFlagsForFile({ email_notifications: true, webhook_notifications: true, new_subscriptions: true, probing: false });

describe("the internal timeline", { timeout: 90_000 }, () => {
  it("adds a note signed by the person, and no public surface, mail or webhook ever carries it", async () => {
    const address = `notes-${run}@example.com`;
    await confirmedSubscriber(address);
    const hook = `${receiver}/hooks/notes-${run}`;
    expect((await api("POST", "/webhooks", { body: { url: hook } })).status).toBe(201);
    const declared = await api("POST", "/incidents", {
      body: { name: "Notes stay inside", message: "Looking into API errors.", components: { api: "major_outage" } },
    });
    const id: string = declared.body.id;

    const browser = await signedIn(undefined, "Margaret Hamilton");
    await browser.get(`/console/incidents/${id}`);
    const secret = `SECRET-NOTE-${run}: the db password rotated by hand`;
    const added = await browser.post(`/console/incidents/${id}/notes`, { message: secret });
    expect(added.status).toBe(303);
    expect(added.headers.get("location")).toBe(`/console/incidents/${id}?notice=note-added`);
    const room = await (await browser.get(`/console/incidents/${id}?notice=note-added`)).text();
    expect(room).toContain(secret);
    expect(room).toContain("Margaret Hamilton (bootstrap token)");
    expect(room).toContain("Note added to the internal timeline.");
    const [line] = (await api("GET", "/audit?limit=1")).body.data;
    expect(line).toMatchObject({ action: "incident.note", actor: { name: "Margaret Hamilton (bootstrap token)" } });

    const posted = await browser.post(`/console/incidents/${id}/updates`, {
      action: "post",
      status: "identified",
      message: `Public words ${run}.`,
      notify: "on",
    });
    expect(posted.status).toBe(303);

    const mails = await waitFor(
      () => inbox(address),
      3,
      () => mailInFlight(address),
    );
    const hooks = await waitFor(
      async () => (await (await fetch(`${receiver}/received/notes-${run}`)).json()) as ReceivedWebhook[],
      2,
      () => webhooksInFlight(hook),
    );
    const surfaces: Record<string, string> = {
      "/": await read("/"),
      "/history": await read("/history"),
      [`/incidents/${id}`]: await read(`/incidents/${id}`),
      "/history.rss": await read("/history.rss"),
      "/history.atom": await read("/history.atom"),
      "/components/api/history.atom": await read("/components/api/history.atom"),
      mails: JSON.stringify(mails),
      webhooks: JSON.stringify(hooks),
    };
    for (const path of ["summary", "status", "components", "incidents", "incidents/unresolved"]) {
      surfaces[`/api/v2/${path}.json`] = await read(`/api/v2/${path}.json`);
    }
    // The public update got through to each surface that shows updates, so the note had every chance to.
    for (const key of [`/incidents/${id}`, "/history.atom", "/api/v2/incidents.json", "mails", "webhooks"]) {
      expect(surfaces[key], key).toContain(`Public words ${run}.`);
    }
    for (const [surface, text] of Object.entries(surfaces)) {
      expect(text, surface).not.toContain(`SECRET-NOTE-${run}`);
    }
  });

  it("re-renders an empty note with a 400 naming the field, and refuses it without the CSRF value", async () => {
    const declared = await api("POST", "/incidents", {
      body: { name: "Empty note", message: "Hi.", visibility: "internal" },
    });
    const browser = await signedIn();
    await browser.get(`/console/incidents/${declared.body.id}`);
    const empty = await browser.post(`/console/incidents/${declared.body.id}/notes`, { message: "  " });
    expect(empty.status).toBe(400);
    const html = await empty.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain("<code>message</code>");
    const forged = await browser.post(`/console/incidents/${declared.body.id}/notes`, {
      _csrf: "f".repeat(32),
      message: "Forged.",
    });
    expect(forged.status).toBe(403);
    expect((await api("GET", `/incidents/${declared.body.id}/notes`)).body.data).toEqual([]);
  });
});
