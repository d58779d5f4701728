import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import shipped from "../../lookout.config.ts";
import { createApp } from "../../worker/app.tsx";
import { STATUSPAGE_COMPONENT_KEYS } from "../helpers/statuspage-keys.ts";
import { addIncidentUpdate, createIncident, createMaintenance } from "../helpers/workers/page-writes.ts";
import { fetchWorker, pageObject } from "../helpers/workers/worker.ts";

const ENDPOINTS = {
  "/api/v2/summary.json": ["page", "status", "components", "incidents", "scheduled_maintenances"],
  "/api/v2/status.json": ["page", "status"],
  "/api/v2/components.json": ["page", "components"],
  "/api/v2/incidents.json": ["page", "incidents"],
  "/api/v2/incidents/unresolved.json": ["page", "incidents"],
  "/api/v2/scheduled-maintenances.json": ["page", "scheduled_maintenances"],
  "/api/v2/scheduled-maintenances/upcoming.json": ["page", "scheduled_maintenances"],
  "/api/v2/scheduled-maintenances/active.json": ["page", "scheduled_maintenances"],
} as const;

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const INCIDENT_KEYS = [
  "id",
  "name",
  "status",
  "created_at",
  "updated_at",
  "monitoring_at",
  "resolved_at",
  "impact",
  "shortlink",
  "started_at",
  "page_id",
  "incident_updates",
  "components",
];
const UPDATE_KEYS = [
  "id",
  "status",
  "body",
  "incident_id",
  "created_at",
  "updated_at",
  "display_at",
  "affected_components",
  "deliver_notifications",
  "custom_tweet",
  "tweet_id",
];

// Response bodies are walked field by field; a loose type keeps those walks readable.
// biome-ignore lint/suspicious/noExplicitAny: JSON under test, checked key by key below
type Json = Record<string, any>;

describe("Statuspage v2 JSON on an empty page", () => {
  it("has exactly Statuspage's top-level keys, and empty lists are [] never null", async () => {
    for (const [path, keys] of Object.entries(ENDPOINTS)) {
      const response = await fetchWorker(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      const body = (await response.json()) as Json;
      expect(Object.keys(body).sort(), path).toEqual([...keys].sort());
      for (const key of keys)
        if (key !== "page" && key !== "status") expect(Array.isArray(body[key]), `${path} ${key}`).toBe(true);
    }
    const summary = (await (await fetchWorker("/api/v2/summary.json")).json()) as Json;
    expect(summary.incidents).toEqual([]);
    expect(summary.scheduled_maintenances).toEqual([]);
    expect(summary.status).toEqual({ indicator: "none", description: "All Systems Operational" });
  });

  it("describes the page like Statuspage does", async () => {
    const { page } = (await (await fetchWorker("/api/v2/status.json")).json()) as Json;
    expect(Object.keys(page).sort()).toEqual(["id", "name", "time_zone", "updated_at", "url"]);
    expect(page.id).toMatch(/^[a-z0-9]+$/);
    expect(page).toMatchObject({ name: "Acme Cloud", url: "https://status.acme.example", time_zone: "Europe/Berlin" });
    expect(page.updated_at).toMatch(ISO);
  });

  it("answers HEAD with headers and no body, as clients probe with it", async () => {
    const response = await fetchWorker("/api/v2/components.json", { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(await response.text()).toBe("");
  });

  it("is open to browsers on any origin, preflight included", async () => {
    const simple = await fetchWorker("/api/v2/summary.json", { headers: { origin: "https://dashboard.example" } });
    expect(simple.headers.get("access-control-allow-origin")).toBe("*");
    const preflight = await fetchWorker("/api/v2/summary.json", {
      method: "OPTIONS",
      headers: { origin: "https://dashboard.example", "access-control-request-method": "GET" },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-methods")).toContain("GET");
  });

  it("answers unknown v2 paths with a JSON 404", async () => {
    const response = await fetchWorker("/api/v2/nope.json");
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: "not_found" });
  });
});

describe("Statuspage v2 JSON with incidents and maintenances", () => {
  // An app without caching, so each assertion sees the writes made just before it.
  const app = createApp({ freshMs: 0, maxStaleMs: 0, sharedCache: () => null });
  const get = async (path: string) =>
    (await app.request(`https://status.test${path}`, {}, env)).json() as Promise<Json>;
  const ids = { active: "", resolved: "", upcoming: "", running: "" };

  beforeAll(async () => {
    const page = pageObject();
    ids.resolved = await createIncident(page, { name: "Old outage", impact: "critical", body: "Down." });
    await addIncidentUpdate(page, ids.resolved, { status: "resolved", body: "Up." });
    ids.active = await createIncident(page, {
      name: "Search is slow",
      impact: "minor",
      body: "Queries take seconds.",
      components: { search: "degraded_performance" },
    });
    const hour = 3_600_000;
    ids.upcoming = await createMaintenance(page, {
      name: "Network work",
      body: "Planned.",
      scheduledFor: new Date(Date.now() + 24 * hour).toISOString(),
      scheduledUntil: new Date(Date.now() + 26 * hour).toISOString(),
      componentIds: ["eu-west"],
    });
    ids.running = await createMaintenance(page, {
      name: "Storage migration",
      body: "Running.",
      scheduledFor: new Date(Date.now() - hour).toISOString(),
      scheduledUntil: new Date(Date.now() + hour).toISOString(),
      componentIds: ["object-storage"],
      status: "in_progress",
    });
  });

  it("lists components and groups with every Statuspage field", async () => {
    const { components, page } = await get("/api/v2/components.json");
    // Every component and group of the shipped config (lookout.config.ts), none hidden.
    expect(components).toHaveLength(shipped.components.length + shipped.groups.length);
    for (const component of components) {
      const expected = component.group ? [...STATUSPAGE_COMPONENT_KEYS, "components"] : STATUSPAGE_COMPONENT_KEYS;
      expect(Object.keys(component).sort()).toEqual([...expected].sort());
      expect(component.page_id).toBe(page.id);
      expect(component.created_at).toMatch(ISO);
      expect(["operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"]).toContain(
        component.status,
      );
    }
    const core = components.find((c: Json) => c.id === "core");
    expect(core).toMatchObject({ group: true, group_id: null, components: ["dashboard", "api", "auth", "billing"] });
    const api = components.find((c: Json) => c.id === "api");
    expect(api).toMatchObject({ group: false, group_id: "core", description: "api.acme.example, v1 and v2." });
    expect(components.find((c: Json) => c.id === "website")).toMatchObject({ group_id: null });
    expect(components.find((c: Json) => c.id === "search").status).toBe("degraded_performance");
    expect(components.find((c: Json) => c.id === "data").status).toBe("degraded_performance");
  });

  it("shapes incidents and their updates like Statuspage", async () => {
    const { incidents } = await get("/api/v2/incidents.json");
    expect(incidents.map((i: Json) => i.id)).toEqual([ids.active, ids.resolved]);
    for (const incident of incidents) {
      expect(Object.keys(incident).sort()).toEqual([...INCIDENT_KEYS].sort());
      expect(incident.shortlink).toBe(`https://status.acme.example/incidents/${incident.id}`);
      for (const update of incident.incident_updates) {
        expect(Object.keys(update).sort()).toEqual([...UPDATE_KEYS].sort());
        expect(update.incident_id).toBe(incident.id);
        expect(update.display_at).toMatch(ISO);
      }
    }
    const [active, resolved] = incidents;
    expect(active).toMatchObject({ status: "investigating", impact: "minor", resolved_at: null, monitoring_at: null });
    expect(active.components.map((c: Json) => c.id)).toEqual(["search"]);
    expect(active.incident_updates[0].affected_components).toEqual([
      { code: "search", name: "Data services - Search", old_status: "operational", new_status: "degraded_performance" },
    ]);
    expect(resolved.status).toBe("resolved");
    expect(resolved.resolved_at).toMatch(ISO);
    expect(resolved.incident_updates.map((u: Json) => u.status)).toEqual(["resolved", "investigating"]);
    expect(resolved.incident_updates[1].affected_components).toBeNull();

    const unresolved = await get("/api/v2/incidents/unresolved.json");
    expect(unresolved.incidents.map((i: Json) => i.id)).toEqual([ids.active]);
  });

  it("splits maintenances into upcoming and active, with their window", async () => {
    const upcoming = await get("/api/v2/scheduled-maintenances/upcoming.json");
    expect(upcoming.scheduled_maintenances.map((m: Json) => m.id)).toEqual([ids.upcoming]);
    const active = await get("/api/v2/scheduled-maintenances/active.json");
    expect(active.scheduled_maintenances.map((m: Json) => m.id)).toEqual([ids.running]);
    const all = await get("/api/v2/scheduled-maintenances.json");
    expect(all.scheduled_maintenances).toHaveLength(2);
    for (const maintenance of all.scheduled_maintenances) {
      expect(Object.keys(maintenance).sort()).toEqual([...INCIDENT_KEYS, "scheduled_for", "scheduled_until"].sort());
      expect(maintenance.impact).toBe("maintenance");
      expect(maintenance.scheduled_for).toMatch(ISO);
      expect(Date.parse(maintenance.scheduled_until)).toBeGreaterThan(Date.parse(maintenance.scheduled_for));
      expect(maintenance.shortlink).toContain("/maintenances/");
    }
  });

  it("rolls the page status up in summary.json and status.json alike", async () => {
    const summary = await get("/api/v2/summary.json");
    const status = await get("/api/v2/status.json");
    // A minor incident outranks a merely degraded component in the description.
    expect(summary.status).toEqual({ indicator: "minor", description: "Minor Service Outage" });
    expect(status.status).toEqual(summary.status);
    expect(summary.incidents.map((i: Json) => i.id)).toEqual([ids.active]);
    expect(summary.scheduled_maintenances.map((m: Json) => m.id)).toEqual([ids.running, ids.upcoming]);
  });
});

describe("Statuspage v2 JSON: components on every update, and positions", () => {
  const app = createApp({ freshMs: 0, maxStaleMs: 0, sharedCache: () => null });
  const get = async (path: string) =>
    (await app.request(`https://status.test${path}`, {}, env)).json() as Promise<Json>;
  const byCode = (list: Json[]) => [...list].sort((a, b) => a.code.localeCompare(b.code));

  it("every update lists each component the incident concerns, unchanged ones with old_status = new_status, named 'Group - Component'", async () => {
    const page = pageObject();
    const id = await createIncident(page, {
      name: "Login trouble",
      body: "Looking.",
      components: { auth: "partial_outage", website: "degraded_performance" },
    });
    await addIncidentUpdate(page, id, { status: "identified", body: "Found.", components: { auth: "major_outage" } });
    await addIncidentUpdate(page, id, { status: "monitoring", body: "Fix is out." });
    const { incidents } = await get("/api/v2/incidents.json");
    const incident = incidents.find((i: Json) => i.id === id);
    const [monitoring, identified, first] = incident.incident_updates;
    expect(byCode(first.affected_components)).toEqual([
      { code: "auth", name: "Core platform - Login & SSO", old_status: "operational", new_status: "partial_outage" },
      { code: "website", name: "Website", old_status: "operational", new_status: "degraded_performance" },
    ]);
    expect(byCode(identified.affected_components)).toEqual([
      { code: "auth", name: "Core platform - Login & SSO", old_status: "partial_outage", new_status: "major_outage" },
      { code: "website", name: "Website", old_status: "degraded_performance", new_status: "degraded_performance" },
    ]);
    expect(byCode(monitoring.affected_components)).toEqual([
      { code: "auth", name: "Core platform - Login & SSO", old_status: "major_outage", new_status: "major_outage" },
      { code: "website", name: "Website", old_status: "degraded_performance", new_status: "degraded_performance" },
    ]);
    await addIncidentUpdate(page, id, {
      status: "resolved",
      body: "Fixed.",
      components: { auth: "operational", website: "operational" },
    });
  });

  it("numbers positions as Statuspage does: from 1 within each group, unique among top-level items", async () => {
    const { components } = await get("/api/v2/components.json");
    const position = (id: string) => components.find((c: Json) => c.id === id).position;
    // Top level, in the order the page shows it: ungrouped components, then the groups.
    const topLevel = components.filter((c: Json) => c.group_id === null);
    expect(new Set(topLevel.map((c: Json) => c.position)).size).toBe(topLevel.length);
    expect(["website", "core", "data", "integrations", "regions"].map(position)).toEqual([1, 2, 3, 4, 5]);
    for (const group of components.filter((c: Json) => c.group)) {
      expect(group.components.map(position)).toEqual(group.components.map((_: string, i: number) => i + 1));
    }
    expect(["dashboard", "api", "auth", "billing"].map(position)).toEqual([1, 2, 3, 4]);
    // Listed by position, as Statuspage lists them.
    const positions = components.map((c: Json) => c.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });
});
