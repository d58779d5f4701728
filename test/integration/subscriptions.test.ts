import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import { createApp } from "../../worker/app.tsx";
import { CONFIRM_LINK_MS, confirmPath, managePath } from "../../worker/core/subscribers/links.ts";
import { LINK_SECRET_FOR_TESTS } from "../helpers/test-secrets.ts";
import { api } from "../helpers/workers/api.ts";
import { pinFlagsForFile, withFlags } from "../helpers/workers/flags.ts";
import { fetchWorker, pageObject } from "../helpers/workers/worker.ts";

let client = 0;
/** Each call comes from its own client address, so the per-client limit only bites where a test means it to. */
function subscribe(email: string, components: string[] = [], ip = `198.51.100.${++client}`) {
  const form = new URLSearchParams({ email });
  for (const id of components) form.append("components", id);
  return fetchWorker("/subscribe", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": ip },
    body: form.toString(),
  });
}

type Row = Record<string, SqlStorageValue>;
function query(sql: string, ...params: SqlStorageValue[]): Promise<Row[]> {
  return runInDurableObject(pageObject(), (_: StatusPage, state) =>
    state.storage.sql.exec<Row>(sql, ...params).toArray(),
  );
}
const subscriberId = async (address: string) =>
  String((await query(`SELECT id FROM subscribers WHERE address = ?`, address))[0]?.id);
const outboxFor = (id: string) =>
  query(`SELECT kind, dedupe_key, state FROM outbox WHERE recipient = ? ORDER BY seq`, id);

async function confirmed(address: string, components: string[] = []): Promise<string> {
  expect((await subscribe(address, components)).status).toBe(200);
  const id = await subscriberId(address);
  const path = await confirmPath(LINK_SECRET_FOR_TESTS, id, Date.now() + CONFIRM_LINK_MS);
  const response = await fetchWorker(path, { method: "POST", redirect: "manual" });
  expect(response.status).toBe(303);
  return id;
}

// Subscribing must be open, whatever the suite's flag defaults.
pinFlagsForFile({ new_subscriptions: true });

describe("subscribing by email", () => {
  it("answers the same whether or not the address is known, and sends only a confirmation", async () => {
    const first = await subscribe("ada@example.com", ["api"]);
    expect(first.status).toBe(200);
    const firstPage = await first.text();
    expect(firstPage).toContain("Check your inbox");
    const id = await subscriberId("ada@example.com");
    expect(await outboxFor(id)).toEqual([expect.objectContaining({ kind: "confirm", state: "pending" })]);
    // Again: same page, no second mail within ten minutes.
    const again = await subscribe("ada@EXAMPLE.com", ["api"]);
    expect(await again.text()).toBe(firstPage);
    expect(await outboxFor(id)).toHaveLength(1);
  });

  it("takes JSON too, and refuses what is not an address", async () => {
    const json = await fetchWorker("/subscribe", {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": "203.0.113.9" },
      body: JSON.stringify({ email: "grace@example.com" }),
    });
    expect(json.status).toBe(202);
    expect(await json.json()).toEqual({ status: "check_your_inbox" });
    expect((await subscribe("not an address")).status).toBe(400);
  });

  it("confirms only after the button on the link's page is pressed, with a link that is unguessable and expires", async () => {
    await subscribe("linus@example.com");
    const id = await subscriberId("linus@example.com");
    const path = await confirmPath(LINK_SECRET_FOR_TESTS, id, Date.now() + CONFIRM_LINK_MS);
    const opened = await fetchWorker(path);
    expect(opened.status).toBe(200);
    expect(await opened.text()).toContain("Confirm subscription");
    expect((await query(`SELECT state FROM subscribers WHERE id = ?`, id))[0]?.state).toBe("pending");
    expect((await fetchWorker(path.replace(/[A-Za-z0-9_-]{32}$/, "A".repeat(32)), { method: "POST" })).status).toBe(
      404,
    );
    const stale = await confirmPath(LINK_SECRET_FOR_TESTS, id, Date.now() - 1);
    expect((await fetchWorker(stale, { method: "POST" })).status).toBe(410);
    const pressed = await fetchWorker(path, { method: "POST", redirect: "manual" });
    expect(pressed.status).toBe(303);
    expect((await query(`SELECT state FROM subscribers WHERE id = ?`, id))[0]?.state).toBe("confirmed");
  });

  it("lets a subscriber choose components and leave with one click", async () => {
    const id = await confirmed("margaret@example.com");
    const manage = await managePath(LINK_SECRET_FOR_TESTS, id);
    const saved = await fetchWorker(manage, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "components=api&components=ghost",
    });
    expect(await saved.text()).toContain("Saved.");
    expect((await query(`SELECT components FROM subscribers WHERE id = ?`, id))[0]?.components).toBe('["api"]');
    // A body the page's form never sends is refused, not read as "no components" (which would mean all of them).
    const multipart = new FormData();
    multipart.append("components", "db");
    const refused = await fetchWorker(manage, { method: "POST", body: multipart });
    expect(refused.status).toBe(415);
    expect((await query(`SELECT components FROM subscribers WHERE id = ?`, id))[0]?.components).toBe('["api"]');
    // RFC 8058: the mail client POSTs this body to the List-Unsubscribe address.
    const left = await fetchWorker(`${manage}/unsubscribe`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(left.status).toBe(200);
    expect(await left.text()).toContain("You are unsubscribed");
    expect((await query(`SELECT state FROM subscribers WHERE id = ?`, id))[0]?.state).toBe("unsubscribed");
    // A GET (a link scanner) never unsubscribes.
    const id2 = await confirmed("barbara@example.com");
    await fetchWorker(`${await managePath(LINK_SECRET_FOR_TESTS, id2)}/unsubscribe`);
    expect((await query(`SELECT state FROM subscribers WHERE id = ?`, id2))[0]?.state).toBe("confirmed");
  });

  it("limits how often one client can subscribe", async () => {
    // This run's own client and addresses: a limiter a previous run filled would make the first ten fail, not pass.
    const ip = `192.0.2.${1 + Math.floor(Math.random() * 250)}`;
    const run = crypto.randomUUID().slice(0, 8);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await subscribe(`bulk${i}-${run}@example.com`, [], ip)).status);
    expect(statuses).toEqual([...Array<number>(10).fill(200), 429]);
    const limited = await subscribe(`bulk-last-${run}@example.com`, [], ip);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await query(`SELECT 1 FROM subscribers WHERE address = ?`, `bulk-last-${run}@example.com`)).toEqual([]);
  });

  it("limits how often one address can be subscribed, from whichever clients, to 3 a day", async () => {
    const address = `often-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const statuses: number[] = [];
    // Each attempt from another client, so only the per-address limit can refuse; the case of the address is no way round it.
    for (const variant of [address, address.toUpperCase(), address, address.replace("often", "OFTEN")]) {
      statuses.push((await subscribe(variant)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await subscribe(address);
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(3_600);
    expect(retryAfter).toBeLessThanOrEqual(24 * 3_600);
    // One confirmation mail however often it was asked for; another address is not held back.
    expect(await outboxFor(await subscriberId(address))).toEqual([expect.objectContaining({ kind: "confirm" })]);
    expect((await subscribe(`other-${address}`)).status).toBe(200);
  });

  it("stops new subscriptions when the flag says so, storing nothing", async () => {
    await withFlags({ new_subscriptions: false }, async () => {
      const paused = await subscribe("paused@example.com");
      expect(paused.status).toBe(503);
      expect(await query(`SELECT 1 FROM subscribers WHERE address = 'paused@example.com'`)).toEqual([]);
    });
  });
});

describe("who hears of an incident", () => {
  it("queues one mail per confirmed subscriber of an affected component, in the write's own transaction", async () => {
    const apiFan = await confirmed("api-fan@example.com", ["api"]);
    const searchFan = await confirmed("search-fan@example.com", ["search"]);
    const everything = await confirmed("everything@example.com");
    await subscribe("never-confirmed@example.com", ["api"]);
    const pending = await subscriberId("never-confirmed@example.com");

    const declared = await api("POST", "/incidents", {
      body: { name: "API errors", message: "Looking.", components: { api: "partial_outage" } },
    });
    const updateId = declared.body.updates[0].id;
    const queued = await query(`SELECT recipient FROM outbox WHERE dedupe_key = ?`, `update:${updateId}`);
    const recipients = queued.map((r) => r.recipient);
    expect(recipients).toEqual(expect.arrayContaining([apiFan, everything]));
    expect(recipients).not.toContain(searchFan);
    expect(recipients).not.toContain(pending);
    // Everyone else queued is a confirmed subscriber of every component, from the tests above.
    const others = await query(
      `SELECT id FROM subscribers WHERE state = 'confirmed' AND components IS NULL AND id != ?`,
      everything,
    );
    expect(recipients.length).toBe(2 + others.length);
    expect((await outboxFor(searchFan)).map((r) => r.kind)).toEqual(["confirm"]);
    expect((await outboxFor(pending)).map((r) => r.kind)).toEqual(["confirm"]);

    const quiet = await api("POST", `/incidents/${declared.body.id}/updates`, {
      body: { status: "identified", message: "Quiet note.", notify: false },
    });
    expect(await query(`SELECT 1 FROM outbox WHERE dedupe_key = ?`, `update:${quiet.body.updates[0].id}`)).toEqual([]);
    const internal = await api("POST", "/incidents", { body: { name: "Drill", message: "m", visibility: "internal" } });
    expect(await query(`SELECT 1 FROM outbox WHERE ref = ?`, internal.body.updates[0].id)).toEqual([]);
  });
});

describe("a page that cannot send mail", () => {
  it("offers no subscribe form and refuses subscriptions instead of collecting addresses it cannot confirm", async () => {
    const app = createApp({ freshMs: 0, maxStaleMs: 0, sharedCache: () => null });
    const noMail = { ...env, SMTP_HOST: undefined, RESEND_API_KEY: undefined };
    const withoutMail = await app.request("/", {}, noMail);
    expect(withoutMail.status).toBe(200);
    expect(await withoutMail.text()).not.toContain('action="/subscribe"');
    // A deployment's env never changes under a running isolate: the other env gets its own app (and cache).
    const withMail = createApp({ freshMs: 0, maxStaleMs: 0, sharedCache: () => null });
    expect(await (await withMail.request("/", {}, env)).text()).toContain('action="/subscribe"');
    const refused = await app.request(
      "/subscribe",
      { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "email=x@example.com" },
      noMail,
    );
    expect(refused.status).toBe(503);
    expect(await query(`SELECT 1 FROM subscribers WHERE address = 'x@example.com'`)).toEqual([]);
  });
});
