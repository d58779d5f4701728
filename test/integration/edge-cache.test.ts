import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../worker/app.tsx";
import type { PageSnapshot } from "../../worker/core/read-model.ts";
import type { StatusPageReader } from "../../worker/site.ts";
import { formatDateTime } from "../../worker/views/format.ts";
import { setComponentStatus } from "../helpers/workers/page-writes.ts";
import { pageObject } from "../helpers/workers/worker.ts";

/**
 * A reader in front of the real object that counts reads and can be made to
 * fail, or held (`gate`) until the test lets it go: a read that cannot finish
 * before the test says so is "slower than the timeout" on any machine.
 */
function flakyReader() {
  const real = pageObject();
  const state = {
    reads: 0,
    historyReads: 0,
    unchangedAnswers: 0,
    failing: false,
    delayMs: 0,
    gate: null as Promise<void> | null,
  };
  const reader: StatusPageReader = {
    async snapshot(): Promise<PageSnapshot> {
      state.reads++;
      if (state.delayMs) await new Promise((resolve) => setTimeout(resolve, state.delayMs));
      await state.gate;
      if (state.failing) throw new Error("StatusPage object unavailable");
      return real.snapshot();
    },
    async snapshotUnlessCurrent(known) {
      state.reads++;
      if (state.delayMs) await new Promise((resolve) => setTimeout(resolve, state.delayMs));
      await state.gate;
      if (state.failing) throw new Error("StatusPage object unavailable");
      const snapshot = await real.snapshotUnlessCurrent(known);
      if (snapshot === null) state.unchangedAnswers++;
      return snapshot;
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
      state.historyReads++;
      if (state.delayMs) await new Promise((resolve) => setTimeout(resolve, state.delayMs));
      await state.gate;
      if (state.failing) throw new Error("StatusPage object unavailable");
      return real.history(page);
    },
  };
  return { reader, state };
}

function setup(options: { sharedCache?: boolean; clock?: { now: number }; revalidateTimeoutMs?: number } = {}) {
  const clock = options.clock ?? { now: Date.now() };
  const { reader, state } = flakyReader();
  const app = createApp({
    reader: () => reader,
    now: () => clock.now,
    freshMs: 5_000,
    revalidateTimeoutMs: options.revalidateTimeoutMs ?? 100,
    sharedCache: options.sharedCache ? () => caches.default : () => null,
  });
  // What the Worker hands the runtime to finish after answering; a test awaits it instead of sleeping.
  const background: Promise<unknown>[] = [];
  const ctx = { waitUntil: (promise: Promise<unknown>) => void background.push(promise), passThroughOnException() {} };
  const get = (path: string, headers: Record<string, string> = {}, cf?: Record<string, unknown>) =>
    app.request(
      `https://cache.test${path}`,
      cf ? { headers, cf } : { headers },
      env,
      ctx as unknown as ExecutionContext,
    );
  const settled = () => Promise.allSettled(background.splice(0));
  return { app, get, clock, state, settled };
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

  it("negotiates from what the client sent (cf.clientAcceptEncoding), not the header the runtime rewrote", async () => {
    const { get } = setup();
    const plain = await (await get("/")).text();
    // As Cloudflare and wrangler dev hand it over: the header says "br, gzip" whatever the client sent.
    const asked = (client: string) => get("/", { "accept-encoding": "br, gzip" }, { clientAcceptEncoding: client });
    for (const client of ["", "identity", "br", "gzip;q=0", "deflate"]) {
      const response = await asked(client);
      expect(response.headers.get("content-encoding"), client).toBeNull();
      expect(await response.text(), client).toBe(plain);
    }
    for (const client of ["gzip", "gzip, deflate, br", "*"]) {
      expect((await asked(client)).headers.get("content-encoding"), client).toBe("gzip");
    }
    // No Accept-Encoding and no cf at all: plain bytes.
    expect((await get("/")).headers.get("content-encoding")).toBeNull();
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

  it("gives the gzip and the plain body each its own ETag, and a 304 only for the one being served", async () => {
    const { get } = setup();
    const path = "/api/v2/status.json";
    const plain = (await get(path)).headers.get("etag") ?? "";
    const zipped = (await get(path, { "accept-encoding": "gzip" })).headers.get("etag") ?? "";
    expect(plain).toMatch(/^".+"$/);
    expect(zipped).toBe(`${plain.slice(0, -1)}-gz"`);
    // Each kind of client revalidates its own copy.
    expect((await get(path, { "if-none-match": plain })).status).toBe(304);
    const gzip304 = await get(path, { "if-none-match": zipped, "accept-encoding": "gzip" });
    expect(gzip304.status).toBe(304);
    expect(gzip304.headers.get("etag")).toBe(zipped);
    // A validator of the other coding names other bytes: the full body, in the coding this client reads.
    const plainClient = await get(path, { "if-none-match": zipped });
    expect(plainClient.status).toBe(200);
    expect(plainClient.headers.get("content-encoding")).toBeNull();
    expect(plainClient.headers.get("etag")).toBe(plain);
    expect(JSON.parse(await plainClient.text())).toHaveProperty("status");
    const gzipClient = await get(path, { "if-none-match": plain, "accept-encoding": "gzip" });
    expect(gzipClient.status).toBe(200);
    expect(gzipClient.headers.get("content-encoding")).toBe("gzip");
    expect(gzipClient.headers.get("etag")).toBe(zipped);
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

  it("serves the first request after a long quiet spell the current state, not the copy it holds", async () => {
    const { get, clock } = setup();
    const before = await get("/api/v2/components.json");
    expect(statusOf(await before.json(), "api")).toBe("operational");
    await setComponentStatus(pageObject(), "api", "major_outage");
    try {
      clock.now += 3_600_000;
      const after = await get("/api/v2/components.json");
      expect(after.headers.get("x-lookout-cache")).toBe("MISS");
      expect(statusOf(await after.json(), "api")).toBe("major_outage");
    } finally {
      await setComponentStatus(pageObject(), "api", "operational");
    }
  });

  it("gives a client polling every 30 s the current state at every poll", async () => {
    const { get, clock } = setup();
    const statuses = ["degraded_performance", "operational", "major_outage", "operational"] as const;
    try {
      for (const status of statuses) {
        await setComponentStatus(pageObject(), "api", status);
        const poll = await get("/api/v2/components.json");
        expect(statusOf(await poll.json(), "api"), status).toBe(status);
        expect(poll.headers.get("x-lookout-cache")).not.toBe("STALE-ERROR");
        clock.now += 30_000;
      }
    } finally {
      await setComponentStatus(pageObject(), "api", "operational");
    }
  });

  it("serves the current state after a restart, not the copy the data centre's cache kept", async () => {
    const clock = { now: Date.now() };
    const before = setup({ sharedCache: true, clock });
    expect((await (await before.get("/")).text()).includes("All Systems Operational")).toBe(true);
    await setComponentStatus(pageObject(), "api", "major_outage");
    try {
      // A new isolate (a restart, a deploy) a minute later: its memory is empty, caches.default is not.
      clock.now += 60_000;
      const restarted = setup({ sharedCache: true, clock });
      const page = await restarted.get("/");
      expect(page.headers.get("x-lookout-cache")).toBe("MISS");
      expect(page.status).toBe(200);
      expect(await page.text()).not.toContain("All Systems Operational");
      expect(restarted.state.reads).toBe(1);
    } finally {
      await setComponentStatus(pageObject(), "api", "operational");
    }
  });

  it("re-stamps an unchanged page fresh after one version check, without rendering it again", async () => {
    const { get, clock, state } = setup();
    const first = await get("/history");
    expect(state.historyReads).toBe(1);
    clock.now += 10_000;
    const again = await Promise.all(Array.from({ length: 10 }, () => get("/history")));
    expect(again.map((r) => r.headers.get("x-lookout-cache"))).toEqual(Array(10).fill("REVALIDATED"));
    expect(again[0]?.headers.get("etag")).toBe(first.headers.get("etag"));
    // One read of the object's state for all ten, and no second render (which would read the history again).
    expect(state.reads).toBe(2);
    // That read carried no snapshot: the object said the one the edge holds is still current.
    expect(state.unchangedAnswers).toBe(1);
    expect(state.historyReads).toBe(1);
    expect((await get("/history")).headers.get("x-lookout-cache")).toBe("HIT");
  });

  it("coalesces concurrent revalidations of a changed page into one read of the object", async () => {
    // No timeout a busy machine could reach: every request must wait for the one shared read.
    const { get, clock, state } = setup({ revalidateTimeoutMs: 60_000 });
    await get("/");
    await setComponentStatus(pageObject(), "api", "degraded_performance");
    try {
      clock.now += 10_000;
      state.delayMs = 20;
      const responses = await Promise.all(Array.from({ length: 10 }, () => get("/")));
      expect(responses.every((r) => r.headers.get("x-lookout-cache") === "MISS")).toBe(true);
      expect(state.reads).toBe(2);
    } finally {
      await setComponentStatus(pageObject(), "api", "operational");
    }
  });

  it("serves the last good page when the object throws, saying since when it is stale", async () => {
    const { get, clock, state } = setup();
    const good = await get("/");
    const goodBody = await good.text();
    const renderedAt = new Date(clock.now).toISOString();
    state.failing = true;
    clock.now += 120_000;
    const onError = await get("/");
    expect(onError.status).toBe(200);
    expect(onError.headers.get("x-lookout-cache")).toBe("STALE-ERROR");
    expect(onError.headers.get("age")).toBe("120");
    expect(onError.headers.get("x-lookout-stale-since")).toBe(renderedAt);
    expect(onError.headers.get("cache-control")).toBe("no-store");
    const body = await onError.text();
    // In the page's time zone and the format of every other exact time on it, not in UTC.
    const { timeZone } = (await pageObject().snapshot()).page;
    expect(timeZone).not.toMatch(/UTC/);
    expect(body).toContain(
      `This page could not be refreshed since <time datetime="${renderedAt}">${formatDateTime(renderedAt, timeZone)}</time>;`,
    );
    expect(body).toContain("it shows what we knew then");
    // The notice is added to the copy, nothing else of it changes.
    expect(body.replace(/<p class="stale-notice"[\s\S]*?<\/p>/, "")).toBe(goodBody);
    expect(goodBody).not.toContain("stale-notice");
  });

  it("shows the stale notice's time in the page's time zone for a copy from the data centre's cache too", async () => {
    const first = setup({ sharedCache: true });
    await first.get("/history");
    const renderedAt = new Date(first.clock.now).toISOString();
    // Another isolate, a minute later, with the object failing: all it has is the data centre's copy.
    const second = setup({ sharedCache: true, clock: { now: first.clock.now + 60_000 } });
    second.state.failing = true;
    const stale = await second.get("/history");
    expect(stale.headers.get("x-lookout-cache")).toBe("STALE-ERROR");
    const { timeZone } = (await pageObject().snapshot()).page;
    expect(await stale.text()).toContain(
      `since <time datetime="${renderedAt}">${formatDateTime(renderedAt, timeZone)}</time>;`,
    );
  });

  it("marks stale JSON and feeds with headers, their bodies untouched", async () => {
    const { get, clock, state } = setup();
    const json = await (await get("/api/v2/summary.json")).text();
    const feed = await (await get("/history.atom")).text();
    state.failing = true;
    clock.now += 30_000;
    for (const [path, body] of [
      ["/api/v2/summary.json", json],
      ["/history.atom", feed],
    ] as const) {
      const stale = await get(path, { "if-none-match": "*", origin: "https://elsewhere.test" });
      expect(stale.status, path).toBe(200);
      expect(stale.headers.get("x-lookout-cache")).toBe("STALE-ERROR");
      expect(stale.headers.get("age")).toBe("30");
      expect(stale.headers.get("warning")).toBe('111 - "Revalidation Failed"');
      if (path.startsWith("/api/v2/")) {
        // Readable by a browser client on another origin too.
        expect(stale.headers.get("access-control-expose-headers")?.toLowerCase()).toContain("x-lookout-stale-since");
      }
      expect(await stale.text()).toBe(body);
    }
  });

  it("serves the stale copy when the object does not answer in time, and the current one once it has", async () => {
    const { get, clock, state, settled } = setup();
    await get("/api/v2/components.json");
    await setComponentStatus(pageObject(), "api", "partial_outage");
    try {
      clock.now += 10_000;
      // The object's answer is held until the test lets it go: it cannot come within the timeout.
      let answer = (): void => undefined;
      state.gate = new Promise<void>((resolve) => {
        answer = resolve;
      });
      const late = await get("/api/v2/components.json");
      expect(late.headers.get("x-lookout-cache")).toBe("STALE-ERROR");
      expect(statusOf(await late.json(), "api")).toBe("operational");
      const reads = state.reads;
      // The slow read goes on in the background (handed to waitUntil); once it has landed, readers get its result.
      state.gate = null;
      answer();
      await settled();
      const current = await get("/api/v2/components.json");
      expect(current.headers.get("x-lookout-cache")).toBe("HIT");
      expect(statusOf(await current.json(), "api")).toBe("partial_outage");
      // From the read that was late, not from another one.
      expect(state.reads).toBe(reads);
    } finally {
      await setComponentStatus(pageObject(), "api", "operational");
    }
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

function statusOf(body: unknown, id: string): string | undefined {
  return (body as { components: { id: string; status: string }[] }).components.find((c) => c.id === id)?.status;
}
