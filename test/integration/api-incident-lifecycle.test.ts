import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { IDEMPOTENCY_WINDOW_MS } from "../../durable-objects/status-page/api/idempotency.ts";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import { createApp } from "../../worker/app.tsx";
import { api } from "../helpers/workers/api.ts";
import { fetchWorker, pageObject } from "../helpers/workers/worker.ts";

/** The page and v2 JSON exactly as readers get them, without the edge cache's few seconds of freshness. */
const app = createApp({ freshMs: 0, maxStaleMs: 0, sharedCache: () => null });
const page = async (path: string) => (await app.request(path, {}, env)).text();
// biome-ignore lint/suspicious/noExplicitAny: the v2 JSON is checked field by field below.
const v2 = async (path: string) => (await app.request(`/api/v2${path}`, {}, env)).json() as Promise<any>;

async function auditActions(): Promise<string[]> {
  const log = await api("GET", "/audit?limit=200");
  expect(log.status).toBe(200);
  return log.body.data.map((entry: { action: string }) => entry.action);
}

describe("an incident from declaration to published report, through the API alone", () => {
  it("runs the whole life cycle, visible on the page, the v2 JSON and the audit log at each step", async () => {
    const declared = await api("POST", "/incidents", {
      body: {
        name: "Elevated API errors",
        message: "We are investigating elevated error rates on the API.",
        impact: "major",
        components: { api: "major_outage" },
        lead: "Ada",
        communicator: "Grace",
        startedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
      },
    });
    expect(declared.status).toBe(201);
    const id: string = declared.body.id;
    expect(declared.headers.get("etag")).toBe(`"r${declared.body.revision}"`);
    expect(declared.body).toMatchObject({
      status: "investigating",
      impact: "major",
      lead: "Ada",
      visibility: "public",
    });

    expect(await page("/")).toContain("Elevated API errors");
    expect((await v2("/incidents/unresolved.json")).incidents.map((i: { id: string }) => i.id)).toContain(id);
    expect((await v2("/components.json")).components.find((c: { id: string }) => c.id === "api").status).toBe(
      "major_outage",
    );
    expect(await auditActions()).toContain("incident.create");

    const identified = await api("POST", `/incidents/${id}/updates`, {
      body: { status: "identified", message: "A bad deploy; rolling back.", components: { api: "partial_outage" } },
    });
    expect(identified.status).toBe(201);
    expect(identified.body.identifiedAt).not.toBeNull();
    expect(await page(`/incidents/${id}`)).toContain("A bad deploy; rolling back.");

    const monitoring = await api("POST", `/incidents/${id}/updates`, {
      body: { status: "monitoring", message: "Rolled back; watching error rates." },
    });
    expect(monitoring.body.monitoringAt).not.toBeNull();

    const resolved = await api("POST", `/incidents/${id}/updates`, {
      body: { status: "resolved", message: "Error rates are back to normal." },
    });
    expect(resolved.status).toBe(201);
    expect(resolved.body.resolvedAt).not.toBeNull();
    // Resolving without naming components hands them back (no monitor drives "api" here: operational).
    expect((await v2("/components.json")).components.find((c: { id: string }) => c.id === "api").status).toBe(
      "operational",
    );
    expect((await v2("/incidents/unresolved.json")).incidents.map((i: { id: string }) => i.id)).not.toContain(id);

    const report = await api("GET", `/incidents/${id}/report`);
    expect(report.status).toBe(200);
    expect(report.body.report).toBeNull();
    expect(report.body.draft.summary).toContain("API");
    expect(report.body.draft.whatHappened).toContain("A bad deploy; rolling back.");
    expect(report.body.draft.figures.timeToResolveMs).toBeGreaterThanOrEqual(5 * 60_000);

    const saved = await api("PUT", `/incidents/${id}/report`, {
      headers: { "if-match": report.headers.get("etag") ?? "" },
      body: {
        summary: report.body.draft.summary,
        whoWasAffected: report.body.draft.whoWasAffected,
        whatHappened: report.body.draft.whatHappened,
        prevention: "We now **canary** every deploy. <script>alert(1)</script>",
        followUps: [{ title: "Canary deploys", owner: "Ada", url: "https://tracker.example/LK-1" }],
      },
    });
    expect(saved.status).toBe(200);
    // A draft is not public (on the incident's page, which is there).
    const withDraft = await app.request(`/incidents/${id}`, {}, env);
    expect(withDraft.status).toBe(200);
    expect(await withDraft.text()).not.toContain("Canary deploys");

    const published = await api("POST", `/incidents/${id}/report/publish`, { body: {} });
    expect(published.status).toBe(200);
    expect(published.body.status).toBe("postmortem");
    const incidentPage = await page(`/incidents/${id}`);
    expect(incidentPage).toContain("What we are doing to make sure it does not happen again");
    expect(incidentPage).toContain("<strong>canary</strong>");
    expect(incidentPage).not.toContain("<script>alert(1)</script>");
    expect(incidentPage).toContain("https://tracker.example/LK-1");
    expect(incidentPage).not.toContain("Grace");
    expect((await v2("/incidents.json")).incidents.find((i: { id: string }) => i.id === id).status).toBe("postmortem");

    expect(await auditActions()).toEqual(
      expect.arrayContaining(["incident.create", "incident.update", "report.save", "report.publish"]),
    );
    const closed = await api("POST", `/incidents/${id}/updates`, {
      body: { status: "investigating", message: "Again?" },
    });
    expect(closed.status).toBe(409);
    expect(closed.body.error.message).toContain("closed");
  });

  it("refuses to reach postmortem by an update, and to publish before resolving", async () => {
    const { body } = await api("POST", "/incidents", { body: { name: "Slow search", message: "Looking." } });
    const skip = await api("POST", `/incidents/${body.id}/updates`, { body: { status: "postmortem", message: "x" } });
    expect(skip.status).toBe(409);
    expect(skip.body.error.code).toBe("invalid_transition");
    const draft = await api("GET", `/incidents/${body.id}/report`);
    await api("PUT", `/incidents/${body.id}/report`, {
      headers: { "if-match": draft.headers.get("etag") ?? "" },
      body: { summary: "s", whoWasAffected: "w", whatHappened: "h", prevention: "p" },
    });
    const early = await api("POST", `/incidents/${body.id}/report/publish`);
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe("not_resolved");
  });
});

describe("component statuses an incident leaves behind", () => {
  const statusOf = async (id: string) =>
    (await v2("/components.json")).components.find((c: { id: string }) => c.id === id).status;

  it("resolving with some components named hands back the others too", async () => {
    const { body } = await api("POST", "/incidents", {
      body: { name: "Two things", message: "m", components: { website: "partial_outage", slack: "major_outage" } },
    });
    await api("POST", `/incidents/${body.id}/updates`, {
      body: { status: "resolved", message: "Fixed.", components: { website: "degraded_performance" } },
    });
    expect(await statusOf("website")).toBe("degraded_performance");
    expect(await statusOf("slack")).toBe("operational");
  });

  it("an incident declared already resolved records its components without changing today's statuses", async () => {
    const { body, status } = await api("POST", "/incidents", {
      body: {
        name: "Last night's outage",
        message: "Between 02:00 and 02:40 search was down.",
        status: "resolved",
        startedAt: new Date(Date.now() - 8 * 3_600_000).toISOString(),
        components: { search: "major_outage" },
      },
    });
    expect(status).toBe(201);
    expect(await statusOf("search")).toBe("operational");
    expect(body.updates[0].affectedComponents).toEqual([
      { code: "search", name: "Data services - Search", oldStatus: "operational", newStatus: "major_outage" },
    ]);
  });
});

describe("concurrent edits", () => {
  it("refuses an edit built on a stale revision, and demands If-Match for edits", async () => {
    const { body, headers } = await api("POST", "/incidents", { body: { name: "Queue lag", message: "Looking." } });
    const etag = headers.get("etag") ?? "";
    const first = await api("PATCH", `/incidents/${body.id}`, {
      headers: { "if-match": etag },
      body: { impact: "major" },
    });
    expect(first.status).toBe(200);
    // The audit line keeps what changed, not the whole incident twice.
    const [line] = (await api("GET", "/audit?limit=1")).body.data;
    expect(line).toMatchObject({ action: "incident.edit", before: { id: body.id, impact: "minor" } });
    expect(line.after).toMatchObject({ id: body.id, impact: "major", revision: body.revision + 1 });
    expect(line.after.name).toBeUndefined();
    const second = await api("PATCH", `/incidents/${body.id}`, {
      headers: { "if-match": etag },
      body: { name: "Queue lag (colleague's stale edit)" },
    });
    expect(second.status).toBe(412);
    expect(second.body.error.code).toBe("stale_revision");
    const after = await api("GET", `/incidents/${body.id}`);
    expect(after.body.name).toBe("Queue lag");
    expect(after.body.impact).toBe("major");
    const blind = await api("PATCH", `/incidents/${body.id}`, { body: { impact: "minor" } });
    expect(blind.status).toBe(428);
  });
});

describe("idempotent retries", () => {
  it("returns the first response and creates nothing twice", async () => {
    const request = { name: "Checkout errors", message: "Investigating checkout failures." };
    const before = await api("GET", "/incidents?limit=100");
    const first = await api("POST", "/incidents", { headers: { "idempotency-key": "retry-1" }, body: request });
    const retry = await api("POST", "/incidents", { headers: { "idempotency-key": "retry-1" }, body: request });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    const after = await api("GET", "/incidents?limit=100");
    expect(after.body.data.length).toBe(before.body.data.length + 1);
    const reused = await api("POST", "/incidents", {
      headers: { "idempotency-key": "retry-1" },
      body: { ...request, name: "Something else" },
    });
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe("idempotency_key_reused");
  });

  it("lets concurrent retries of one request create it once", async () => {
    const request = { name: "Parallel retry", message: "Sent five times at once." };
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        api("POST", "/incidents", { headers: { "idempotency-key": "burst" }, body: request }),
      ),
    );
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    const all = await api("GET", "/incidents?limit=100");
    expect(all.body.data.filter((i: { name: string }) => i.name === "Parallel retry")).toHaveLength(1);
  });

  it("keeps keys per token: another token's same key is its own request, not a replay", async () => {
    const key = `shared-${crypto.randomUUID()}`;
    const bot = await api("POST", "/tokens", { body: { name: `idempotency bot ${key}`, scopes: ["incidents"] } });
    expect(bot.status).toBe(201);
    const request = { name: `Per token ${key}`, message: "Sent by two callers with one key." };
    const mine = await api("POST", "/incidents", { headers: { "idempotency-key": key }, body: request });
    const theirs = await api("POST", "/incidents", {
      token: bot.body.token,
      headers: { "idempotency-key": key },
      body: request,
    });
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.headers.get("idempotent-replayed")).toBeNull();
    expect(theirs.body.id).not.toBe(mine.body.id);
    // Each caller's retry still replays its own first answer.
    const theirRetry = await api("POST", "/incidents", {
      token: bot.body.token,
      headers: { "idempotency-key": key },
      body: request,
    });
    expect(theirRetry.status).toBe(201);
    expect(theirRetry.headers.get("idempotent-replayed")).toBe("true");
    expect(theirRetry.body.id).toBe(theirs.body.id);
    const found = await api("GET", "/incidents?limit=100");
    expect(found.status).toBe(200);
    expect(found.body.data.filter((i: { name: string }) => i.name === request.name)).toHaveLength(2);
  });

  it("forgets a key after its 24 hours, even before the heartbeat has swept it", async () => {
    const key = `aged-${crypto.randomUUID()}`;
    const request = { name: `Aged key ${key}`, message: "Retried a day later." };
    const first = await api("POST", "/incidents", { headers: { "idempotency-key": key }, body: request });
    expect(first.status).toBe(201);
    // Just inside the window it still replays ...
    const age = async (ms: number) =>
      runInDurableObject(pageObject(), (_: StatusPage, state) => {
        const sql = state.storage.sql;
        expect(sql.exec(`SELECT COUNT(*) AS n FROM idempotency_keys WHERE key = ?`, key).one().n).toBe(1);
        sql.exec(`UPDATE idempotency_keys SET created_at = ? WHERE key = ?`, Date.now() - ms, key);
      });
    await age(IDEMPOTENCY_WINDOW_MS - 60_000);
    const within = await api("POST", "/incidents", { headers: { "idempotency-key": key }, body: request });
    expect(within.status).toBe(201);
    expect(within.headers.get("idempotent-replayed")).toBe("true");
    expect(within.body.id).toBe(first.body.id);
    // ... and past it, the same key and body are a new request (and the key now answers for that one).
    await age(IDEMPOTENCY_WINDOW_MS + 1_000);
    const later = await api("POST", "/incidents", { headers: { "idempotency-key": key }, body: request });
    expect(later.status).toBe(201);
    expect(later.headers.get("idempotent-replayed")).toBeNull();
    expect(later.body.id).not.toBe(first.body.id);
    const again = await api("POST", "/incidents", { headers: { "idempotency-key": key }, body: request });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(later.body.id);
    // A different body with the expired key is not refused as a reuse either.
    await age(IDEMPOTENCY_WINDOW_MS + 1_000);
    const other = await api("POST", "/incidents", {
      headers: { "idempotency-key": key },
      body: { ...request, name: `${request.name} (another)` },
    });
    expect(other.status).toBe(201);
  });
});

describe("internal incidents", () => {
  it("never reach a public surface, and cannot move public component statuses", async () => {
    const internal = await api("POST", "/incidents", {
      body: { name: "Secret drill 7f3a", message: "Practising failover.", visibility: "internal" },
    });
    expect(internal.status).toBe(201);
    // Each surface answers as it should (an internal incident has no page of its own), without the name.
    const surfaces: [string, number][] = [
      ["/", 200],
      ["/history", 200],
      [`/incidents/${internal.body.id}`, 404],
      ["/api/v2/incidents.json", 200],
      ["/api/v2/incidents/unresolved.json", 200],
      ["/api/v2/summary.json", 200],
    ];
    for (const [path, status] of surfaces) {
      const response = await app.request(path, {}, env);
      expect(response.status, path).toBe(status);
      expect(await response.text(), path).not.toContain("Secret drill 7f3a");
    }
    const moved = await api("POST", `/incidents/${internal.body.id}/updates`, {
      body: { status: "identified", message: "Found it.", components: { api: "major_outage" } },
    });
    expect(moved.status).toBe(422);
    expect((await api("GET", `/incidents/${internal.body.id}`)).body.visibility).toBe("internal");
  });
});

describe("a write on the page where it was made", () => {
  it("shows at once in the isolate that took it, though the page was cached a moment ago", async () => {
    const warm = await fetchWorker("/");
    expect(warm.status).toBe(200);
    expect((await fetchWorker("/")).headers.get("x-lookout-cache")).toBe("HIT");
    const declared = await api("POST", "/incidents", { body: { name: "Freshly declared 41c2", message: "m" } });
    expect(declared.status).toBe(201);
    const after = await fetchWorker("/");
    expect(after.headers.get("x-lookout-cache")).not.toBe("HIT");
    expect(await after.text()).toContain("Freshly declared 41c2");
  });
});
