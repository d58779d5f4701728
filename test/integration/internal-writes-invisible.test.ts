import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import { api } from "../helpers/workers/api.ts";
import { pinFlags } from "../helpers/workers/flags.ts";
import { fetchWorker, pageObject } from "../helpers/workers/worker.ts";

/**
 * A write readers cannot see moves nothing public (docs/decisions/0027-bounded-public-work.md). Each
 * write goes through the deployed Worker, and what readers see is read the
 * way they read it: the page's "last updated" and ETag, `page.updated_at` and
 * the ETag of /api/v2/summary.json, and /healthCheck's page version.
 */
async function publicFigures() {
  const summary = await fetchWorker("/api/v2/summary.json");
  const page = await fetchWorker("/");
  const html = await page.text();
  const health = await (await fetchWorker("/healthCheck")).json<{ version: number }>();
  return {
    updatedAt: (await summary.json<{ page: { updated_at: string } }>()).page.updated_at,
    summaryEtag: summary.headers.get("etag"),
    pageEtag: page.headers.get("etag"),
    lastUpdated: html.match(/Last updated <time datetime="([^"]+)"/)?.[1],
    healthVersion: health.version,
  };
}

const receiver = (env as unknown as { WEBHOOK_RECEIVER: string }).WEBHOOK_RECEIVER;
const run = crypto.randomUUID().slice(0, 8);
const made = { incident: "", token: "", webhook: "" };

function ok(response: { status: number; body: unknown }, what: string): void {
  expect(response.status, `${what}: ${JSON.stringify(response.body)}`).toBeLessThan(300);
}

/** Every kind of write readers cannot see, in an order where each finds what it needs. */
const INTERNAL_WRITES: [string, () => Promise<void>][] = [
  [
    "an internal incident declared",
    async () => {
      const created = await api("POST", "/incidents", {
        body: { name: `Drill ${run}`, message: "Practising.", visibility: "internal" },
      });
      ok(created, "create");
      made.incident = created.body.id;
    },
  ],
  [
    "an update to an internal incident",
    async () =>
      ok(
        await api("POST", `/incidents/${made.incident}/updates`, {
          body: { status: "identified", message: "Found it." },
        }),
        "update",
      ),
  ],
  [
    "an internal incident edited",
    async () => {
      const current = await api("GET", `/incidents/${made.incident}`);
      ok(
        await api("PATCH", `/incidents/${made.incident}`, {
          headers: { "if-match": current.headers.get("etag") ?? "" },
          body: { name: `Drill ${run}, renamed` },
        }),
        "edit",
      );
    },
  ],
  [
    "an internal incident resolved, and its report drafted",
    async () => {
      ok(
        await api("POST", `/incidents/${made.incident}/updates`, { body: { status: "resolved", message: "Done." } }),
        "resolve",
      );
      const report = await api("GET", `/incidents/${made.incident}/report`);
      ok(
        await api("PUT", `/incidents/${made.incident}/report`, {
          headers: { "if-match": report.headers.get("etag") ?? "" },
          body: { summary: "s", whoWasAffected: "w", whatHappened: "h", prevention: "p" },
        }),
        "report",
      );
    },
  ],
  [
    "an internal maintenance scheduled",
    async () =>
      ok(
        await api("POST", "/maintenances", {
          body: {
            name: `Quiet work ${run}`,
            message: "Nobody needs to know.",
            scheduledFor: new Date(Date.now() + 3_600_000).toISOString(),
            scheduledUntil: new Date(Date.now() + 7_200_000).toISOString(),
            components: ["search"],
            visibility: "internal",
          },
        }),
        "maintenance",
      ),
  ],
  [
    "an internal maintenance started by the heartbeat",
    async () => {
      const created = await api("POST", "/maintenances", {
        body: {
          name: `Quiet window ${run}`,
          message: "Later.",
          scheduledFor: new Date(Date.now() + 3_600_000).toISOString(),
          scheduledUntil: new Date(Date.now() + 7_200_000).toISOString(),
          components: ["search"],
          visibility: "internal",
        },
      });
      ok(created, "maintenance");
      // Its window began (moved back in storage: no clock to turn here); the heartbeat starts it.
      await runInDurableObject(pageObject(), (_: StatusPage, state) => {
        state.storage.sql.exec(
          `UPDATE incidents SET scheduled_for = ? WHERE id = ?`,
          Date.now() - 60_000,
          created.body.id,
        );
      });
      await pageObject().tick();
      expect((await api("GET", `/maintenances/${created.body.id}`)).body.status).toBe("in_progress");
    },
  ],
  [
    "a token created",
    async () => {
      const created = await api("POST", "/tokens", { body: { name: `bot ${run}`, scopes: ["incidents"] } });
      ok(created, "token");
      made.token = created.body.id;
    },
  ],
  ["a token revoked", async () => ok(await api("DELETE", `/tokens/${made.token}`), "revoke")],
  [
    "a webhook endpoint registered",
    async () => {
      const created = await api("POST", "/webhooks", {
        body: { url: `${receiver}/hooks/invisible-${run}`, components: ["search"] },
      });
      ok(created, "webhook");
      made.webhook = created.body.id;
    },
  ],
  [
    "a webhook endpoint edited",
    async () => ok(await api("PATCH", `/webhooks/${made.webhook}`, { body: { description: "ops" } }), "edit"),
  ],
  [
    "a webhook secret rotated",
    async () => ok(await api("POST", `/webhooks/${made.webhook}/rotate-secret`, { body: {} }), "rotate"),
  ],
  ["a webhook endpoint held", async () => ok(await api("PUT", `/holds/webhooks/${made.webhook}`), "hold")],
  [
    "a webhook hold lifted",
    async () => ok(await api("DELETE", `/holds/webhooks/${made.webhook}?pending=drop`), "lift"),
  ],
  ["a webhook endpoint removed", async () => ok(await api("DELETE", `/webhooks/${made.webhook}`), "delete")],
  ["a mail domain held", async () => ok(await api("PUT", `/holds/domains/invisible-${run}.example`), "hold")],
  ["a mail domain hold lifted", async () => ok(await api("DELETE", `/holds/domains/invisible-${run}.example`), "lift")],
  [
    "a subscriber signed up",
    async () => {
      const response = await fetchWorker("/subscribe", {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "cf-connecting-ip": "198.51.100.77",
          origin: "https://status.test",
          "sec-fetch-site": "same-origin",
        },
        body: new URLSearchParams({ email: `reader-${run}@example.com` }).toString(),
      });
      expect(response.status, await response.text()).toBeLessThan(400);
    },
  ],
  ["a flag set", async () => ok(await api("PUT", "/flags/new_subscriptions", { body: { value: true } }), "flag")],
  [
    "a flag returned to its default",
    async () => ok(await api("PUT", "/flags/new_subscriptions", { body: { value: null } }), "flag"),
  ],
];

beforeAll(async () => {
  // Statuses stay as they are while this runs: a monitor's change is a public write.
  await pinFlags({ probing: false, new_subscriptions: true });
});

afterAll(async () => {
  await pinFlags({ probing: null, new_subscriptions: null });
});

describe("writes readers cannot see move nothing public", () => {
  it("a public write does move the page's version, ETags and last update", async () => {
    const before = await publicFigures();
    // Also starts a fresh snapshot, so the checks below fall well within its minute.
    ok(
      await api("POST", "/incidents", {
        body: { name: `Public ${run}`, message: "Readers see this.", status: "resolved" },
      }),
      "public incident",
    );
    const after = await publicFigures();
    expect(after.healthVersion).toBeGreaterThan(before.healthVersion);
    expect(after.updatedAt).not.toBe(before.updatedAt);
    expect(after.lastUpdated).toBe(after.updatedAt);
    expect(after.summaryEtag).not.toBe(before.summaryEtag);
    expect(after.pageEtag).not.toBe(before.pageEtag);
  });

  it("an internal maintenance that starts a due public window on the side does move them", async () => {
    const windowOf = (fromMs: number) => ({
      scheduledFor: new Date(Date.now() + fromMs).toISOString(),
      scheduledUntil: new Date(Date.now() + 7_200_000).toISOString(),
    });
    const due = await api("POST", "/maintenances", {
      body: { name: `Due ${run}`, message: "Soon.", components: ["search"], ...windowOf(3_600_000) },
    });
    ok(due, "public maintenance");
    // Its window began and no heartbeat has come yet (moved back in storage: no clock to turn here).
    await runInDurableObject(pageObject(), (_: StatusPage, state) => {
      state.storage.sql.exec(`UPDATE incidents SET scheduled_for = ? WHERE id = ?`, Date.now() - 60_000, due.body.id);
    });
    const before = await publicFigures();
    ok(
      await api("POST", "/maintenances", {
        body: {
          name: `Side ${run}`,
          message: "m",
          components: ["search"],
          visibility: "internal",
          ...windowOf(3_600_000),
        },
      }),
      "internal maintenance",
    );
    expect((await api("GET", `/maintenances/${due.body.id}`)).body.status).toBe("in_progress");
    const after = await publicFigures();
    expect(after.healthVersion).toBeGreaterThan(before.healthVersion);
    expect(after.updatedAt).not.toBe(before.updatedAt);
    expect(after.summaryEtag).not.toBe(before.summaryEtag);
  });

  it.each(INTERNAL_WRITES)("%s", async (_name, write) => {
    const before = await publicFigures();
    expect(before.summaryEtag).toBeTruthy();
    expect(before.lastUpdated).toBeTruthy();
    await write();
    expect(await publicFigures()).toEqual(before);
  });
});
