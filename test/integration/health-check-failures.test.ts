import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { StorageHealth } from "../../durable-objects/status-page/status-page.ts";
import { createApp } from "../../worker/app.tsx";
import { pageObject } from "../helpers/workers/worker.ts";

function appWithStorage(healthCheck: () => Promise<StorageHealth>) {
  const real = pageObject();
  return createApp({
    storage: () => ({
      snapshot: () => real.snapshot(),
      snapshotUnlessCurrent: (known: string) => real.snapshotUnlessCurrent(known),
      event: (id: string) => real.event(id),
      componentDetail: (id: string) => real.componentDetail(id),
      componentEvents: (id: string) => real.componentEvents(id),
      history: (page: number) => real.history(page),
      healthCheck,
    }),
  });
}

describe("/healthCheck when storage is not ready", () => {
  it("answers 500 naming storage when the object throws", async () => {
    const app = appWithStorage(() => Promise.reject(new Error("object reset")));
    const response = await app.request("/healthCheck", {}, env);
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ status: "error", failing: "storage", checks: { worker: "ok" } });
  });

  it("answers 500 when storage does not read back what was written", async () => {
    const app = appWithStorage(async () => ({ ok: false, schemaVersion: 1, version: 3, detail: "schema out of date" }));
    const response = await app.request("/healthCheck", {}, env);
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ failing: "storage", detail: "schema out of date" });
  });

  it("answers 500 at its time limit when the object hangs", async () => {
    // The object never answers: that there is an answer at all, naming the limit, is the limit at work.
    const app = appWithStorage(() => new Promise(() => undefined));
    const response = await app.request("/healthCheck", {}, env);
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ detail: "no answer within 2000 ms" });
  });
});
