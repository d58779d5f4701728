import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../worker/app.tsx";
import type { PageSnapshot } from "../../worker/core/read-model.ts";
import type { StatusPageReader } from "../../worker/site.ts";
import { pageObject } from "../helpers/workers/worker.ts";

/** A reader in front of the real object that counts reads and can be made to fail. */
function flakyReader() {
  const real = pageObject();
  const state = { reads: 0, failing: false, delayMs: 0 };
  const reader: StatusPageReader = {
    async snapshot(): Promise<PageSnapshot> {
      state.reads++;
      if (state.delayMs) await new Promise((resolve) => setTimeout(resolve, state.delayMs));
      if (state.failing) throw new Error("StatusPage object unavailable");
      return real.snapshot();
    },
    async event(id) {
      if (state.failing) throw new Error("StatusPage object unavailable");
      return real.event(id);
    },
    async componentDetail(id) {
      if (state.failing) throw new Error("StatusPage object unavailable");
      return real.componentDetail(id);
    },
    async componentEvents(id) {
      if (state.failing) throw new Error("StatusPage object unavailable");
      return real.componentEvents(id);
    },
    async history(page) {
      if (state.failing) throw new Error("StatusPage object unavailable");
      return real.history(page);
    },
  };
  return { reader, state };
}

function setup(options: { sharedCache?: boolean } = {}) {
  const clock = { now: Date.now() };
  const { reader, state } = flakyReader();
  const app = createApp({
    reader: () => reader,
    now: () => clock.now,
    freshMs: 5_000,
    maxStaleMs: 60_000,
    sharedCache: options.sharedCache ? () => caches.default : () => null,
  });
  const get = (path: string, headers: Record<string, string> = {}) =>
    app.request(`https://cache.test${path}`, { headers }, env);
  return { app, get, clock, state };
}

describe("edge cache", () => {
  it("renders on a miss, then serves from cache while fresh", async () => {
    const { get, state } = setup();
    const first = await get("/");
    expect(first.status).toBe(200);
    expect(first.headers.get("x-lookout-cache")).toBe("MISS");
    const second = await get("/");
    expect(second.headers.get("x-lookout-cache")).toBe("HIT");
    expect(await second.text()).toBe(await first.text());
    expect(state.reads).toBe(1);
  });

  it("sends the body gzipped once, to clients that accept it", async () => {
    const { get } = setup();
    const plain = await (await get("/")).text();
    const compressed = await get("/", { "accept-encoding": "br, gzip" });
    expect(compressed.headers.get("content-encoding")).toBe("gzip");
    expect(compressed.headers.get("vary")).toBe("accept-encoding");
    const bytes = await compressed.arrayBuffer();
    expect(bytes.byteLength).toBeLessThan(plain.length / 3);
    const unzipped = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    expect(await new Response(unzipped).text()).toBe(plain);
  });

  it("ignores the query string, so it cannot be used to bypass the cache", async () => {
    const { get, state } = setup();
    await get("/");
    const busted = await get("/?nocache=123");
    expect(busted.headers.get("x-lookout-cache")).toBe("HIT");
    expect(state.reads).toBe(1);
  });

  it("answers a matching If-None-Match with 304 and no body", async () => {
    const { get } = setup();
    const first = await get("/api/v2/status.json");
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^".+"$/);
    const revalidated = await get("/api/v2/status.json", { "if-none-match": `W/${etag}, "other"` });
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe("");
    expect(revalidated.headers.get("etag")).toBe(etag);
    const changed = await get("/api/v2/status.json", { "if-none-match": '"something-else"' });
    expect(changed.status).toBe(200);
  });

  it("coalesces concurrent misses into one read of the object", async () => {
    const { get, state } = setup();
    state.delayMs = 50;
    const responses = await Promise.all([
      ...Array.from({ length: 10 }, () => get("/")),
      ...Array.from({ length: 10 }, () => get("/api/v2/summary.json")),
    ]);
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(state.reads).toBe(1);
  });

  it("serves stale while one refresh runs in the background, then the fresh page", async () => {
    const { get, clock, state } = setup();
    const first = await (await get("/api/v2/summary.json")).json<{ page: { updated_at: string } }>();
    await pageObject().setComponentStatus("api", "degraded_performance");
    clock.now += 6_000;
    const stale = await get("/api/v2/summary.json");
    expect(stale.headers.get("x-lookout-cache")).toBe("STALE");
    expect((await stale.json<{ page: { updated_at: string } }>()).page.updated_at).toBe(first.page.updated_at);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const fresh = await get("/api/v2/summary.json");
    expect(fresh.headers.get("x-lookout-cache")).toBe("HIT");
    const body = await fresh.json<{ components: { id: string; status: string }[] }>();
    expect(body.components.find((c) => c.id === "api")?.status).toBe("degraded_performance");
    expect(state.reads).toBe(2);
    await pageObject().setComponentStatus("api", "operational");
  });

  it("serves the last good page when the object throws", async () => {
    const { get, clock, state } = setup();
    const good = await (await get("/")).text();
    state.failing = true;
    clock.now += 6_000;
    const stale = await get("/");
    expect(stale.status).toBe(200);
    expect(await stale.text()).toBe(good);
    // Past the stale-while-refresh window the refresh is awaited, fails, and the old page still wins.
    clock.now += 120_000;
    const onError = await get("/");
    expect(onError.status).toBe(200);
    expect(onError.headers.get("x-lookout-cache")).toBe("STALE-ERROR");
    expect(await onError.text()).toBe(good);
  });

  it("says plainly that the page is unavailable when there is nothing to serve", async () => {
    const { get, state } = setup();
    state.failing = true;
    const response = await get("/");
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect(await response.text()).toMatch(/briefly unavailable/);
  });

  it("shares rendered pages between isolates through the data centre's cache", async () => {
    const first = setup({ sharedCache: true });
    await first.get("/history");
    // A second app has an empty memory: it finds the page in caches.default instead of reading the object.
    const second = setup({ sharedCache: true });
    const response = await second.get("/history");
    expect(response.status).toBe(200);
    expect(response.headers.get("x-lookout-cache")).toBe("HIT");
    expect(second.state.reads).toBe(0);
  });
});
