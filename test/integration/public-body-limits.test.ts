import { runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import { managePath } from "../../worker/core/subscribers/links.ts";
import { LINK_SECRET_FOR_TESTS } from "../helpers/test-secrets.ts";
import { pinFlags } from "../helpers/workers/flags.ts";
import { fetchWorker, pageObject } from "../helpers/workers/worker.ts";

/**
 * Public forms read their bodies as a stream and stop at the limit: a chunked
 * body (no Content-Length to refuse it by) is cut off while it streams, and
 * the rate limiter is never asked about it. The test counts the bytes the
 * Worker pulled from a stream it built, so "cut off" is a number, not a time.
 */

/** The public forms' limit (worker/routes/subscriptions.tsx). */
const FORM_LIMIT = 16_000;
/** What may be pulled beyond the limit: the chunk in hand and what the runtime buffers between test and Worker. */
const SLACK = 64 * 1024;
const TOTAL = 4 * 1_048_576;

/** A chunked body of `total` bytes, made only as fast as it is pulled, counting what was. */
function countingBody(total: number, start = "") {
  const counter = { pulled: 0 };
  const head = new TextEncoder().encode(start);
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (counter.pulled >= total) return controller.close();
        const part =
          counter.pulled === 0 && head.byteLength > 0
            ? head
            : new Uint8Array(Math.min(4096, total - counter.pulled)).fill(0x61);
        counter.pulled += part.byteLength;
        controller.enqueue(part);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, counter };
}

function post(path: string, body: ReadableStream<Uint8Array> | string, type: string, ip: string) {
  return fetchWorker(path, {
    method: "POST",
    headers: { "content-type": type, "cf-connecting-ip": ip },
    body,
    duplex: "half",
  } as RequestInit);
}

const FORM = "application/x-www-form-urlencoded";
let client = 0;
const freshClient = () => `198.51.100.${200 + ++client}`;

beforeAll(() => pinFlags({ new_subscriptions: true }));

describe("a chunked body over the limit", () => {
  it("POST /subscribe (form) is a 413 after about the limit, and the rate limiter is not asked", async () => {
    const ip = freshClient();
    // Ten of them from one client: had any reached the limiter, the ten real ones below could not all pass.
    for (let i = 0; i < 10; i++) {
      const { stream, counter } = countingBody(TOTAL, "email=big%40example.com&pad=");
      const response = await post("/subscribe", stream, FORM, ip);
      expect(response.status).toBe(413);
      await response.arrayBuffer();
      expect(counter.pulled).toBeGreaterThan(FORM_LIMIT);
      expect(counter.pulled).toBeLessThanOrEqual(FORM_LIMIT + SLACK);
    }
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const response = await post("/subscribe", `email=limit${i}-${ip}%40example.com`, FORM, ip);
      statuses.push(response.status);
      await response.arrayBuffer();
    }
    expect(statuses).toEqual(Array(10).fill(200));
    // The eleventh real one is over the per-client limit, so the limiter was counting all along.
    expect((await post("/subscribe", "email=eleventh%40example.com", FORM, ip)).status).toBe(429);
  });

  it("POST /subscribe (JSON) is a 413 after about the limit", async () => {
    const { stream, counter } = countingBody(TOTAL, '{"email":"big@example.com","pad":"');
    const response = await post("/subscribe", stream, "application/json", freshClient());
    expect(response.status).toBe(413);
    expect((await response.json()) as object).toMatchObject({ error: { code: "payload_too_large" } });
    expect(counter.pulled).toBeLessThanOrEqual(FORM_LIMIT + SLACK);
  });

  it("POST to a subscriber's manage page is a 413 after about the limit, and changes nothing", async () => {
    const address = `manage-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const subscribed = await post("/subscribe", `email=${encodeURIComponent(address)}`, FORM, freshClient());
    expect(subscribed.status).toBe(200);
    const id = await runInDurableObject(pageObject(), (_: StatusPage, state) =>
      String(state.storage.sql.exec(`SELECT id FROM subscribers WHERE address = ?`, address).one().id),
    );
    const manage = await managePath(LINK_SECRET_FOR_TESTS, id);
    const { stream, counter } = countingBody(TOTAL, "components=api&pad=");
    const response = await post(manage, stream, FORM, freshClient());
    expect(response.status).toBe(413);
    expect(counter.pulled).toBeLessThanOrEqual(FORM_LIMIT + SLACK);
    const components = await runInDurableObject(
      pageObject(),
      (_: StatusPage, state) =>
        state.storage.sql.exec(`SELECT components FROM subscribers WHERE id = ?`, id).one().components,
    );
    expect(components).toBeNull();
    // A small form still works.
    const saved = await post(manage, "components=api", FORM, freshClient());
    expect(await saved.text()).toContain("Saved.");
  });

  it("the one-click unsubscribe and a heartbeat never read a body at all", async () => {
    const address = `leave-${crypto.randomUUID().slice(0, 8)}@example.com`;
    expect((await post("/subscribe", `email=${encodeURIComponent(address)}`, FORM, freshClient())).status).toBe(200);
    const id = await runInDurableObject(pageObject(), (_: StatusPage, state) =>
      String(state.storage.sql.exec(`SELECT id FROM subscribers WHERE address = ?`, address).one().id),
    );
    const unsubscribe = `${await managePath(LINK_SECRET_FOR_TESTS, id)}/unsubscribe`;
    const left = countingBody(TOTAL, "List-Unsubscribe=One-Click&pad=");
    const response = await post(unsubscribe, left.stream, FORM, freshClient());
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    expect(left.counter.pulled).toBeLessThanOrEqual(SLACK);

    const beat = countingBody(TOTAL);
    const heartbeat = await post("/heartbeat/no-such-monitor/not-a-token", beat.stream, FORM, freshClient());
    expect(heartbeat.status).toBe(404);
    await heartbeat.arrayBuffer();
    expect(beat.counter.pulled).toBeLessThanOrEqual(SLACK);
  });
});
