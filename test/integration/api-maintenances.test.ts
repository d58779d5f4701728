import {
  createExecutionContext,
  createScheduledController,
  runInDurableObject,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import { createApp } from "../../worker/app.tsx";
import worker from "../../worker/index.ts";
import { api } from "../helpers/workers/api.ts";
import { pageObject } from "../helpers/workers/worker.ts";

const app = createApp({ freshMs: 0, maxStaleMs: 0, sharedCache: () => null });
const v2 = async (path: string) =>
  (await app.request(`/api/v2${path}`, {}, env)).json() as Promise<{
    scheduled_maintenances: { id: string; status: string }[];
    components: { id: string; status: string }[];
  }>;
const statusOf = async (id: string) => (await v2("/components.json")).components.find((c) => c.id === id)?.status;
const minutes = (n: number) => new Date(Date.now() + n * 60_000).toISOString();

async function heartbeat() {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe("maintenances through the API", () => {
  it("schedules a window that shows as upcoming, then runs and completes by itself on time", async () => {
    const created = await api("POST", "/maintenances", {
      body: {
        name: "Database upgrade",
        message: "Upgrading Postgres.",
        scheduledFor: minutes(60),
        scheduledUntil: minutes(120),
        components: ["postgres"],
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await v2("/scheduled-maintenances/upcoming.json")).scheduled_maintenances.map((m) => m.id)).toContain(id);
    expect(await (await app.request("/", {}, env)).text()).toContain("Database upgrade");

    // Moved into the present: the next heartbeat starts it and marks its components.
    const moved = await api("PATCH", `/maintenances/${id}`, {
      headers: { "if-match": created.headers.get("etag") ?? "" },
      body: { scheduledFor: minutes(-1) },
    });
    expect(moved.status).toBe(200);
    expect(moved.body.status).toBe("in_progress");
    expect(await statusOf("postgres")).toBe("under_maintenance");
    expect((await v2("/scheduled-maintenances/active.json")).scheduled_maintenances.map((m) => m.id)).toContain(id);

    // Extended, then its end passes: completed and handed back.
    const extended = await api("PATCH", `/maintenances/${id}`, {
      headers: { "if-match": moved.headers.get("etag") ?? "" },
      body: { scheduledUntil: minutes(180) },
    });
    expect(extended.body.scheduledUntil).toBe(new Date(Date.parse(extended.body.scheduledUntil)).toISOString());
    await heartbeat();
    expect((await api("GET", `/maintenances/${id}`)).body.status).toBe("in_progress");
    const ended = await api("PATCH", `/maintenances/${id}`, {
      headers: { "if-match": extended.headers.get("etag") ?? "" },
      body: { scheduledUntil: minutes(0) },
    });
    expect(ended.status).toBe(200);
    await heartbeat();
    expect((await api("GET", `/maintenances/${id}`)).body.status).toBe("completed");
    expect(await statusOf("postgres")).toBe("operational");
  });

  it("starts a window on time at the heartbeat, audited under Lookout's name", async () => {
    const { body } = await api("POST", "/maintenances", {
      body: {
        name: "Quick swap",
        message: "m",
        scheduledFor: minutes(10),
        scheduledUntil: minutes(30),
        components: ["slack"],
      },
    });
    expect(body.status).toBe("scheduled");
    // Not yet: a heartbeat before its time leaves it alone.
    await heartbeat();
    expect((await api("GET", `/maintenances/${body.id}`)).body.status).toBe("scheduled");
    // Its time comes (moved, not waited for: the stored start goes into the past), and the next heartbeat starts it.
    await runInDurableObject(pageObject(), (_: StatusPage, state) =>
      state.storage.sql.exec(`UPDATE incidents SET scheduled_for = ? WHERE id = ?`, Date.now() - 1, body.id),
    );
    await heartbeat();
    expect((await api("GET", `/maintenances/${body.id}`)).body.status).toBe("in_progress");
    expect(await statusOf("slack")).toBe("under_maintenance");
    const audit = (await api("GET", "/audit?limit=20")).body.data;
    expect(audit.find((e: { action: string }) => e.action === "maintenance.start")).toMatchObject({
      target: body.id,
      actor: { id: "lookout" },
    });
  });

  it("takes updates, refuses going backwards, and cancels a window that never started", async () => {
    const { body } = await api("POST", "/maintenances", {
      body: {
        name: "Search reindex",
        message: "Reindexing.",
        scheduledFor: minutes(30),
        scheduledUntil: minutes(60),
        components: ["search"],
      },
    });
    const started = await api("POST", `/maintenances/${body.id}/updates`, {
      body: { status: "in_progress", message: "Starting early." },
    });
    expect(started.status).toBe(201);
    expect(await statusOf("search")).toBe("under_maintenance");
    const backwards = await api("POST", `/maintenances/${body.id}/updates`, {
      body: { status: "scheduled", message: "Oops." },
    });
    expect(backwards.status).toBe(409);
    const early = await api("POST", `/maintenances/${body.id}/cancel`);
    expect(early.status).toBe(200);
    expect(early.body).toMatchObject({ status: "completed", cancelledAt: null });
    expect(await statusOf("search")).toBe("operational");

    const later = await api("POST", "/maintenances", {
      body: {
        name: "Never mind",
        message: "m",
        scheduledFor: minutes(30),
        scheduledUntil: minutes(60),
        components: ["search"],
      },
    });
    const cancelled = await api("POST", `/maintenances/${later.body.id}/cancel`, {
      body: { message: "Postponed to next week." },
    });
    expect(cancelled.body.status).toBe("completed");
    expect(cancelled.body.cancelledAt).not.toBeNull();
    expect(cancelled.body.updates[0].body).toBe("Postponed to next week.");
    expect((await api("POST", `/maintenances/${later.body.id}/cancel`)).status).toBe(409);
  });

  it("refuses windows that end before they start or have already ended", async () => {
    const backwards = await api("POST", "/maintenances", {
      body: { name: "n", message: "m", scheduledFor: minutes(60), scheduledUntil: minutes(30), components: ["search"] },
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.fields[0].path).toBe("scheduledUntil");
    const past = await api("POST", "/maintenances", {
      body: {
        name: "n",
        message: "m",
        scheduledFor: minutes(-60),
        scheduledUntil: minutes(-30),
        components: ["search"],
      },
    });
    expect(past.status).toBe(422);
  });
});

describe("listing maintenances", () => {
  it("lists scheduled windows soonest first with order=asc, page after page; latest first by default", async () => {
    const tag = crypto.randomUUID().slice(0, 6);
    // Far out and made out of order, so neither the other tests' windows nor the order of creation decide.
    for (const days of [402, 400, 401]) {
      const made = await api("POST", "/maintenances", {
        body: {
          name: `Order ${tag} ${days}`,
          message: "Planned.",
          components: ["postgres"],
          notify: false,
          scheduledFor: minutes(days * 1440),
          scheduledUntil: minutes(days * 1440 + 60),
        },
      });
      expect(made.status).toBe(201);
    }
    type Listed = { data: { name: string; scheduledFor: string }[]; nextCursor: string | null };
    const walk = async (order: string) => {
      const seen: Listed["data"] = [];
      let cursor: string | null = "";
      while (cursor !== null) {
        const query: string = `/maintenances?status=scheduled&order=${order}&limit=2${cursor ? `&cursor=${cursor}` : ""}`;
        const page: Awaited<ReturnType<typeof api>> = await api("GET", query);
        expect(page.status, query).toBe(200);
        seen.push(...(page.body as Listed).data);
        cursor = (page.body as Listed).nextCursor;
      }
      return seen;
    };
    const soonest = await walk("asc");
    const times = soonest.map((m) => Date.parse(m.scheduledFor));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(soonest.filter((m) => m.name.includes(tag)).map((m) => m.name)).toEqual(
      [400, 401, 402].map((d) => `Order ${tag} ${d}`),
    );
    // Each window once, whatever the page size.
    expect(new Set(soonest.map((m) => m.name)).size).toBe(soonest.length);
    const latest = (await api("GET", "/maintenances?status=scheduled&limit=100")).body as Listed;
    expect(latest.data.map((m) => m.name)).toEqual(soonest.map((m) => m.name).reverse());
  });

  it("refuses an order it does not know, naming the field, and documents the choice in the OpenAPI document", async () => {
    const refused = await api("GET", "/maintenances?order=sideways");
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields).toEqual([expect.objectContaining({ path: "order" })]);
    const document = (await (await app.request("/api/v1/openapi.json", {}, env)).json()) as {
      paths: Record<string, { get?: { parameters: { name: string; in: string; schema: { enum?: string[] } }[] } }>;
    };
    const order = document.paths["/maintenances"]?.get?.parameters.find((p) => p.name === "order");
    expect(order).toMatchObject({ in: "query", schema: { enum: ["desc", "asc"] } });
  });
});

describe("maintenances that must not touch what readers see", () => {
  it("an internal window starts without putting its components under maintenance", async () => {
    const { body } = await api("POST", "/maintenances", {
      body: {
        name: "Internal rehearsal",
        message: "m",
        scheduledFor: minutes(-1),
        scheduledUntil: minutes(30),
        components: ["object-storage"],
        visibility: "internal",
      },
    });
    expect(body.status).toBe("in_progress");
    expect(await statusOf("object-storage")).toBe("operational");
  });

  it("cancelling a window that never started leaves another window's components alone", async () => {
    const running = await api("POST", "/maintenances", {
      body: {
        name: "Running",
        message: "m",
        scheduledFor: minutes(-1),
        scheduledUntil: minutes(30),
        components: ["eu-west"],
      },
    });
    expect(running.body.status).toBe("in_progress");
    const later = await api("POST", "/maintenances", {
      body: {
        name: "Later",
        message: "m",
        scheduledFor: minutes(60),
        scheduledUntil: minutes(90),
        components: ["eu-west"],
      },
    });
    await api("POST", `/maintenances/${later.body.id}/cancel`);
    expect(await statusOf("eu-west")).toBe("under_maintenance");
    // Two windows at once: the first to end leaves the component to the other.
    const overlapping = await api("POST", "/maintenances", {
      body: {
        name: "Overlap",
        message: "m",
        scheduledFor: minutes(-1),
        scheduledUntil: minutes(30),
        components: ["eu-west"],
      },
    });
    await api("POST", `/maintenances/${overlapping.body.id}/cancel`);
    expect(await statusOf("eu-west")).toBe("under_maintenance");
    await api("POST", `/maintenances/${running.body.id}/cancel`);
    expect(await statusOf("eu-west")).toBe("operational");
  });
});
