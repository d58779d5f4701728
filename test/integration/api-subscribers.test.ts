import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import { api } from "../helpers/workers/api.ts";
import { addSubscriber } from "../helpers/workers/subscriber-rows.ts";
import { pageObject } from "../helpers/workers/worker.ts";

function pendingMail(id: string): Promise<number> {
  return runInDurableObject(pageObject(), (_: StatusPage, store) => {
    store.storage.sql.exec(
      `INSERT INTO outbox (channel, recipient, dedupe_key, kind, state, next_attempt_at, created_at)
       VALUES ('email', ?, 'ev1', 'update', 'pending', 0, 0)`,
      id,
    );
    return store.storage.sql
      .exec<{ n: number }>(`SELECT COUNT(*) AS n FROM outbox WHERE recipient = ? AND state = 'pending'`, id)
      .one().n;
  });
}

describe("subscribers through the API", () => {
  it("counts by state, finds by part of an address or the exact one, by state, paged newest first", async () => {
    await addSubscriber("Ada@acme.example", "confirmed");
    await addSubscriber("grace@acme.example", "pending");
    await addSubscriber("alan@other.example", "bounced");
    await addSubscriber("kat@other.example", "unsubscribed");
    await addSubscriber("joan@acme.example", "confirmed");

    const all = await api("GET", "/subscribers");
    expect(all.status).toBe(200);
    expect(all.body.counts).toEqual({ confirmed: 2, pending: 1, unsubscribed: 1, bounced: 1 });
    expect(all.body.data.map((s: { address: string }) => s.address)).toEqual([
      "joan@acme.example",
      "kat@other.example",
      "alan@other.example",
      "grace@acme.example",
      "Ada@acme.example",
    ]);

    const acme = await api("GET", "/subscribers?q=ACME.example");
    expect(acme.body.data).toHaveLength(3);
    const confirmedAcme = await api("GET", "/subscribers?q=acme.example&state=confirmed");
    expect(confirmedAcme.body.data.map((s: { address: string }) => s.address)).toEqual([
      "joan@acme.example",
      "Ada@acme.example",
    ]);
    // Exact: the domain is case-folded as on subscribing, the local part kept as typed.
    expect((await api("GET", "/subscribers?q=Ada@ACME.example&match=exact")).body.data).toHaveLength(1);
    expect((await api("GET", "/subscribers?q=ada@acme.example&match=exact")).body.data).toHaveLength(0);
    expect((await api("GET", "/subscribers?q=acme.exam&match=exact")).body.data).toHaveLength(0);

    const first = await api("GET", "/subscribers?limit=2");
    expect(first.body.data).toHaveLength(2);
    const second = await api("GET", `/subscribers?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.data.map((s: { address: string }) => s.address)).toEqual([
      "alan@other.example",
      "grace@acme.example",
    ]);
  });

  it("removes a subscriber: the address is gone, its waiting mail dropped, and the audit line has no address", async () => {
    const id = await addSubscriber("forget-me@acme.example", "confirmed");
    expect(await pendingMail(id)).toBe(1);
    const removed = await api("DELETE", `/subscribers/${id}`);
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ removed: true, dropped: 1 });
    expect((await api("GET", "/subscribers?q=forget-me")).body.data).toEqual([]);
    const line = (await api("GET", `/audit?target=${id}`)).body.data[0];
    expect(line).toMatchObject({ action: "subscriber.remove", before: { domain: "acme.example", state: "confirmed" } });
    expect(JSON.stringify(line)).not.toContain("forget-me");
    expect((await api("DELETE", `/subscribers/${id}`)).status).toBe(404);
  });

  it("needs the subscribers scope: read alone never sees an address", async () => {
    const id = await addSubscriber("private@acme.example", "confirmed");
    const viewer = await api("POST", "/tokens", { body: { name: "viewer", scopes: ["read", "incidents", "audit"] } });
    const token = viewer.body.token as string;
    expect((await api("GET", "/subscribers", { token })).status).toBe(403);
    expect((await api("DELETE", `/subscribers/${id}`, { token })).status).toBe(403);
    expect((await api("GET", "/subscribers?q=private")).body.data).toHaveLength(1);
  });

  it("refuses a search that is not one, naming the field", async () => {
    for (const [query, field] of [
      ["q=ab", "q"],
      ["state=gone", "state"],
      ["match=fuzzy&q=abc", "match"],
      ["cursor=nope", "cursor"],
      [`q=${"a".repeat(255)}`, "q"],
    ] as const) {
      const answer = await api("GET", `/subscribers?${query}`);
      expect(answer.status, query).toBe(400);
      expect(
        answer.body.error.fields.map((f: { path: string }) => f.path),
        query,
      ).toContain(field);
    }
  });
});
