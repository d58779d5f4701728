import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { runMigrations } from "../../durable-objects/shared/sql.ts";
import { MIGRATIONS, migrate, SCHEMA_VERSION } from "../../durable-objects/status-page/schema.ts";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import shipped from "../../lookout.config.ts";
import { defineConfig } from "../../worker/config/define-config.ts";
import {
  addIncidentUpdate,
  createIncident,
  createMaintenance,
  setComponentStatus,
} from "../helpers/workers/page-writes.ts";
import { scratchObject, smallConfig } from "../helpers/workers/worker.ts";

describe("StatusPage object: schema", () => {
  it("migrates a new object to the current schema, and migrating again changes nothing", async () => {
    const stub = scratchObject("schema");
    await runInDurableObject(stub, (_instance: StatusPage, state) => {
      const tables = state.storage.sql
        .exec<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
        .toArray()
        .map((r) => r.name);
      expect(tables).toEqual(
        expect.arrayContaining([
          "meta",
          "groups",
          "components",
          "component_status_history",
          "incidents",
          "incident_updates",
        ]),
      );
      expect(migrate(state.storage)).toBe(SCHEMA_VERSION);
      const version = state.storage.sql
        .exec<{ value: string }>(`SELECT value FROM meta WHERE key = 'schema_version'`)
        .one();
      expect(Number(version.value)).toBe(SCHEMA_VERSION);
    });
    expect((await stub.healthCheck()).ok).toBe(true);
  });

  it("upgrades an object left at the first schema version, keeping its data", async () => {
    const stub = scratchObject("upgrade");
    await runInDurableObject(stub, (_instance: StatusPage, state) => {
      // Rebuild the object as the first release left it: only migration 1, with data in it.
      const sql = state.storage.sql;
      const objects = sql
        .exec<{ type: string; name: string }>(
          `SELECT type, name FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'`,
        )
        .toArray();
      for (const { name } of objects.filter((o) => o.type === "table")) sql.exec(`DROP TABLE IF EXISTS ${name}`);
      expect(runMigrations(state.storage, MIGRATIONS.slice(0, 1))).toBe(0);
      sql.exec(
        `INSERT INTO components (id, name, position, status, created_at, updated_at) VALUES ('api', 'API', 1, 'partial_outage', 1, 1)`,
      );
      sql.exec(`INSERT INTO incidents (id, kind, name, status, impact, created_at, updated_at, started_at)
                VALUES ('inc1', 'incident', 'Old', 'resolved', 'minor', 1, 1, 1)`);

      expect(migrate(state.storage)).toBe(1);
      const names = sql
        .exec<{ name: string }>(`SELECT name FROM sqlite_master WHERE type IN ('index', 'table')`)
        .toArray()
        .map((r) => r.name);
      expect(names).toEqual(
        expect.arrayContaining(["incidents_by_visibility_and_status", "incidents_by_schedule", "monitor_instances"]),
      );
      expect(names).not.toContain("incidents_by_status");
      expect(sql.exec(`SELECT status FROM components WHERE id = 'api'`).one().status).toBe("partial_outage");
      expect(
        sql.exec(`SELECT managed_by_monitor FROM incidents WHERE id = 'inc1'`).one().managed_by_monitor,
      ).toBeNull();
    });
    expect((await stub.healthCheck()).schemaVersion).toBe(SCHEMA_VERSION);
  });

  it("answers the read model's queries from indexes, not by scanning the history", async () => {
    const stub = scratchObject("plans");
    await runInDurableObject(stub, (_instance: StatusPage, state) => {
      const plan = (query: string) =>
        state.storage.sql
          .exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${query}`)
          .toArray()
          .map((r) => r.detail)
          .join("; ");
      // The snapshot pins this index for open events: without it SQLite walks every incident to skip a sort.
      const active = plan(
        `SELECT * FROM incidents INDEXED BY incidents_by_visibility_and_status WHERE kind = 'incident' AND visibility = 'public' AND status IN ('investigating', 'identified', 'monitoring') ORDER BY created_at DESC`,
      );
      expect(active).toMatch(
        /SEARCH incidents USING INDEX incidents_by_visibility_and_status \(kind=\? AND visibility=\? AND status=\?\)/,
      );
      const recent = plan(
        `SELECT * FROM incidents WHERE kind = 'maintenance' AND visibility = 'public' ORDER BY scheduled_for DESC LIMIT 50`,
      );
      expect(recent).toContain("incidents_by_schedule");
      expect(recent).not.toContain("TEMP B-TREE");
    });
  });
});

describe("StatusPage object: reconciliation with the config", () => {
  it("applies the deployed config on start", async () => {
    const snapshot = await scratchObject("deployed").snapshot();
    expect(snapshot.page.name).toBe("Acme Cloud");
    expect(snapshot.components.map((c) => c.id)).toEqual(shipped.components.map((c) => c.id));
    expect(snapshot.groups.map((g) => g.id)).toEqual(["core", "data", "integrations", "regions", "third-party"]);
  });

  it("keeps history across renames, removals and re-additions", async () => {
    const stub = scratchObject("reconcile");
    await stub.reconcile(smallConfig);
    await setComponentStatus(stub, "api", "major_outage");
    await setComponentStatus(stub, "api", "operational");
    const before = await stub.snapshot();
    const apiBefore = before.components.find((c) => c.id === "api");
    expect(apiBefore?.uptimeDays.at(-1)?.majorOutageSeconds).toBeGreaterThanOrEqual(0);

    const renamed = defineConfig({ ...smallConfig, components: [{ id: "api", name: "Public API", group: "core" }] });
    const result = await stub.reconcile(renamed);
    expect(result).toMatchObject({ changed: true, updated: ["api"], removed: ["web"], added: [] });
    const after = await stub.snapshot();
    expect(after.components.map((c) => c.name)).toEqual(["Public API"]);
    expect(after.version).toBeGreaterThan(before.version);

    // Back again: the component returns with its history, not as new.
    const restored = await stub.reconcile(smallConfig);
    expect(restored.added).toEqual([]);
    expect(restored.updated).toEqual(expect.arrayContaining(["api", "web"]));
    await runInDurableObject(stub, (_i: StatusPage, state) => {
      const rows = state.storage.sql
        .exec<{ status: string }>(`SELECT status FROM component_status_history WHERE component_id = 'api' ORDER BY seq`)
        .toArray()
        .map((r) => r.status);
      expect(rows).toEqual(["operational", "major_outage", "operational"]);
    });
  });

  it("does not bump the version when the config did not change", async () => {
    const stub = scratchObject("idempotent");
    await stub.reconcile(smallConfig);
    const version = (await stub.snapshot()).version;
    const again = await stub.reconcile(smallConfig);
    expect(again.changed).toBe(false);
    expect((await stub.snapshot()).version).toBe(version);
  });
});

describe("StatusPage object: writes and the read model", () => {
  it("changes the version with every write and shows the change in the next snapshot", async () => {
    const stub = scratchObject("writes");
    await stub.reconcile(smallConfig);
    const v0 = (await stub.snapshot()).version;
    const id = await createIncident(stub, {
      name: "API errors",
      impact: "major",
      body: "We are investigating elevated error rates.",
      components: { api: "partial_outage" },
    });
    const s1 = await stub.snapshot();
    expect(s1.version).toBe(v0 + 1);
    expect(s1.activeIncidents.map((i) => i.id)).toEqual([id]);
    expect(s1.components.find((c) => c.id === "api")?.status).toBe("partial_outage");
    expect(s1.activeIncidents[0]?.updates[0]?.affectedComponents).toEqual([
      { code: "api", name: "Core - API", oldStatus: "operational", newStatus: "partial_outage" },
    ]);

    await addIncidentUpdate(stub, id, { status: "resolved", body: "Fixed.", components: { api: "operational" } });
    const s2 = await stub.snapshot();
    expect(s2.version).toBe(v0 + 2);
    expect(s2.activeIncidents).toEqual([]);
    expect(s2.recentIncidents[0]).toMatchObject({ id, status: "resolved" });
    expect(s2.recentIncidents[0]?.resolvedAt).not.toBeNull();
    expect(s2.recentIncidents[0]?.updates.map((u) => u.status)).toEqual(["resolved", "investigating"]);
  });

  it("never shows internal incidents on public surfaces", async () => {
    const stub = scratchObject("internal");
    await stub.reconcile(smallConfig);
    const id = await createIncident(stub, { name: "Secret", body: "internal only", visibility: "internal" });
    const snapshot = await stub.snapshot();
    expect(snapshot.activeIncidents).toEqual([]);
    expect(snapshot.recentIncidents).toEqual([]);
    expect(await stub.event(id)).toBeNull();
  });

  it("refuses an unknown component and leaves nothing half-written", async () => {
    const stub = scratchObject("unknown");
    await stub.reconcile(smallConfig);
    const before = await stub.snapshot();
    const failure = await createIncident(stub, { name: "x", body: "y", components: { ghost: "major_outage" } }).then(
      () => null,
      (error: Error) => error,
    );
    expect(failure?.message).toMatch(/unknown component "ghost"/);
    const after = await stub.snapshot();
    expect(after.version).toBe(before.version);
    expect(after.recentIncidents).toEqual([]);
  });

  it("moves a maintenance through its window on the heartbeat", async () => {
    const stub = scratchObject("maintenance");
    await stub.reconcile(smallConfig);
    const now = Date.now();
    const id = await createMaintenance(stub, {
      name: "Database upgrade",
      body: "We will upgrade the primary database.",
      scheduledFor: new Date(now - 1000).toISOString(),
      scheduledUntil: new Date(now + 3_600_000).toISOString(),
      componentIds: ["api"],
    });
    expect((await stub.snapshot()).upcomingMaintenances.map((m) => m.id)).toEqual([id]);
    // The heartbeat re-applies the deployed config, which has an "api" component too.
    const started = await stub.tick();
    expect(started.started).toEqual([id]);
    const during = await stub.snapshot();
    expect(during.activeMaintenances.map((m) => m.id)).toEqual([id]);
    expect(during.components.find((c) => c.id === "api")?.status).toBe("under_maintenance");
  });
});
