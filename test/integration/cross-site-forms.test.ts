import { runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import { CONFIRM_LINK_MS, confirmPath, managePath } from "../../worker/core/subscribers/links.ts";
import { LINK_SECRET_FOR_TESTS } from "../helpers/test-secrets.ts";
import { pinFlags } from "../helpers/workers/flags.ts";
import { fetchWorker, pageObject } from "../helpers/workers/worker.ts";

const FORM = "application/x-www-form-urlencoded";
/** What a browser adds to a form posted from a page on another site. */
const FROM_ELSEWHERE = { origin: "https://attacker.example", "sec-fetch-site": "cross-site" };
/** ... and to a form posted from the status page itself. */
const FROM_THE_PAGE = { origin: "https://status.test", "sec-fetch-site": "same-origin" };

let client = 0;
function subscribe(email: string, headers: Record<string, string> = {}, json = false) {
  return fetchWorker("/subscribe", {
    method: "POST",
    headers: {
      "content-type": json ? "application/json" : FORM,
      "cf-connecting-ip": `198.18.0.${++client}`,
      ...headers,
    },
    body: json ? JSON.stringify({ email }) : new URLSearchParams({ email }).toString(),
  });
}
type Row = Record<string, SqlStorageValue>;
const query = (sql: string, ...params: SqlStorageValue[]) =>
  runInDurableObject(pageObject(), (_: StatusPage, state) => state.storage.sql.exec<Row>(sql, ...params).toArray());
const subscriber = async (address: string) =>
  (await query(`SELECT id, state, components FROM subscribers WHERE address = ?`, address))[0];

async function confirmedSubscriber(address: string): Promise<string> {
  expect((await subscribe(address)).status).toBe(200);
  const id = String((await subscriber(address))?.id);
  const path = await confirmPath(LINK_SECRET_FOR_TESTS, id, Date.now() + CONFIRM_LINK_MS);
  expect((await fetchWorker(path, { method: "POST", redirect: "manual" })).status).toBe(303);
  return id;
}

beforeAll(() => pinFlags({ new_subscriptions: true }));

describe("public forms posted from another site", () => {
  it("refuses a subscribe form posted from another site with a 403 page, and subscribes no one", async () => {
    const answer = await subscribe("csrf-form@example.com", FROM_ELSEWHERE);
    expect(answer.status).toBe(403);
    expect(answer.headers.get("content-type")).toContain("text/html");
    expect(await answer.text()).toContain("sent from another site");
    expect(await subscriber("csrf-form@example.com")).toBeUndefined();
  });

  it("refuses on either signal alone: Sec-Fetch-Site cross-site, or an Origin that is not the page's (null too)", async () => {
    const signals: Record<string, string>[] = [
      { "sec-fetch-site": "cross-site" },
      { origin: "https://attacker.example" },
      { origin: "null" },
      // A sibling subdomain is "same-site" to the browser, but it is not the status page.
      { origin: "https://blog.status.test", "sec-fetch-site": "same-site" },
    ];
    for (const [i, headers] of signals.entries()) {
      const address = `csrf-signal-${i}@example.com`;
      const answer = await subscribe(address, headers, true);
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expect(((await answer.json()) as { error: { code: string } }).error.code).toBe("cross_site");
      expect(await subscriber(address)).toBeUndefined();
    }
  });

  it("accepts the page's own form, a request a person typed (none), and clients that send neither header (curl)", async () => {
    const accepted: Record<string, string>[] = [
      FROM_THE_PAGE,
      { origin: "https://status.test" },
      { "sec-fetch-site": "same-origin" },
      { "sec-fetch-site": "none" },
      {},
    ];
    for (const [i, headers] of accepted.entries()) {
      const address = `same-site-${i}@example.com`;
      expect((await subscribe(address, headers)).status, JSON.stringify(headers)).toBe(200);
      expect(await subscriber(address)).toMatchObject({ state: "pending" });
    }
  });

  it("accepts the origin PUBLIC_URL names when the Worker is reached under another host", async () => {
    const worker = (exports as unknown as { default: Fetcher }).default;
    const answer = await worker.fetch(
      new Request("https://lookout.workers.test/subscribe", {
        method: "POST",
        headers: { "content-type": FORM, "cf-connecting-ip": "198.18.1.1", origin: "https://status.test" },
        body: new URLSearchParams({ email: "public-url@example.com" }).toString(),
      }),
    );
    expect(answer.status).toBe(200);
    expect(await subscriber("public-url@example.com")).toMatchObject({ state: "pending" });
  });

  it("refuses a confirm, a manage and an unsubscribe form posted from another site", async () => {
    await subscribe("csrf-confirm@example.com");
    const pending = String((await subscriber("csrf-confirm@example.com"))?.id);
    const confirm = await confirmPath(LINK_SECRET_FOR_TESTS, pending, Date.now() + CONFIRM_LINK_MS);
    const confirmAnswer = await fetchWorker(confirm, { method: "POST", redirect: "manual", headers: FROM_ELSEWHERE });
    expect(confirmAnswer.status).toBe(403);
    expect((await subscriber("csrf-confirm@example.com"))?.state).toBe("pending");

    const id = await confirmedSubscriber("csrf-manage@example.com");
    const manage = await managePath(LINK_SECRET_FOR_TESTS, id);
    const saved = await fetchWorker(manage, {
      method: "POST",
      headers: { "content-type": FORM, ...FROM_ELSEWHERE },
      body: "components=api",
    });
    expect(saved.status).toBe(403);
    expect((await subscriber("csrf-manage@example.com"))?.components).toBeNull();
    const left = await fetchWorker(`${manage}/unsubscribe`, {
      method: "POST",
      headers: { "content-type": FORM, ...FROM_ELSEWHERE },
      body: "",
    });
    expect(left.status).toBe(403);
    expect((await subscriber("csrf-manage@example.com"))?.state).toBe("confirmed");

    // The same forms from the page itself still work.
    const ownSave = await fetchWorker(manage, {
      method: "POST",
      headers: { "content-type": FORM, ...FROM_THE_PAGE },
      body: "components=api",
    });
    expect(ownSave.status).toBe(200);
    expect((await subscriber("csrf-manage@example.com"))?.components).toBe('["api"]');
  });

  it("keeps RFC 8058 one-click unsubscribe working from a mail provider, which is another site by nature", async () => {
    const id = await confirmedSubscriber("one-click@example.com");
    const manage = await managePath(LINK_SECRET_FOR_TESTS, id);
    const left = await fetchWorker(`${manage}/unsubscribe`, {
      method: "POST",
      headers: { "content-type": FORM, origin: "https://mail.provider.example", "sec-fetch-site": "cross-site" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(left.status).toBe(200);
    expect(await left.text()).toContain("You are unsubscribed");
    expect((await subscriber("one-click@example.com"))?.state).toBe("unsubscribed");

    // As multipart/form-data too (RFC 8058 allows either), and from a server that sends no browser headers.
    const id2 = await confirmedSubscriber("one-click-multipart@example.com");
    const form = new FormData();
    form.set("List-Unsubscribe", "One-Click");
    const multipart = await fetchWorker(`${await managePath(LINK_SECRET_FOR_TESTS, id2)}/unsubscribe`, {
      method: "POST",
      headers: { origin: "https://mail.provider.example" },
      body: form,
    });
    expect(multipart.status).toBe(200);
    expect((await subscriber("one-click-multipart@example.com"))?.state).toBe("unsubscribed");
  });
});
