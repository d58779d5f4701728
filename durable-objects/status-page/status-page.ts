import { DurableObject } from "cloudflare:workers";
import config from "../../lookout.config.ts";
import type { LookoutConfig } from "../../worker/config/schema.ts";
import type { IncidentView, MaintenanceView, PageSnapshot } from "../../worker/core/read-model.ts";
import type { ComponentStatus, MaintenanceStatus } from "../../worker/core/statuses.ts";
import type { Env } from "../../worker/env.ts";
import { log, setLogLevel } from "../../worker/log.ts";
import { loadEvents } from "./events.ts";
import { type ReconcileResult, reconcileWithConfig } from "./reconcile.ts";
import { migrate, readMeta, SCHEMA_VERSION, writeMeta } from "./schema.ts";
import { buildSnapshot } from "./snapshot.ts";
import {
  addIncidentUpdate,
  advanceMaintenances,
  createIncident,
  createMaintenance,
  type MaintenanceProgress,
  type NewIncident,
  type NewIncidentUpdate,
  type NewMaintenance,
  setComponentStatus,
} from "./writes.ts";

/** A snapshot older than this is rebuilt so today's uptime bar keeps counting. */
const SNAPSHOT_MAX_AGE_MS = 60_000;

export interface StorageHealth {
  ok: boolean;
  schemaVersion: number;
  version: number;
  detail?: string;
}

/**
 * One per page. Every write goes through here, so writes are serialized and
 * each is one transaction that also bumps the page version. The read model is
 * kept in memory and rebuilt lazily after a write.
 */
export class StatusPage extends DurableObject<Env> {
  #snapshot: PageSnapshot | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    setLogLevel(env.LOG_LEVEL);
    ctx.blockConcurrencyWhile(async () => {
      const from = migrate(ctx.storage);
      if (from !== SCHEMA_VERSION) log.info("status_page.migrated", { from, to: SCHEMA_VERSION });
      this.#write(
        (now) => reconcileWithConfig(ctx.storage.sql, config, now),
        (result) => result.changed,
      );
    });
  }

  snapshot(): PageSnapshot {
    const now = Date.now();
    if (!this.#snapshot || now - Date.parse(this.#snapshot.generatedAt) > SNAPSHOT_MAX_AGE_MS) {
      this.#snapshot = buildSnapshot(this.ctx.storage.sql, now);
    }
    return this.#snapshot;
  }

  /** A public incident or maintenance by id, or null (internal ones are never returned). */
  event(id: string): IncidentView | MaintenanceView | null {
    return loadEvents(this.ctx.storage.sql, { where: `id = ? AND visibility = 'public'`, params: [id] })[0] ?? null;
  }

  /** A real round trip to storage: write a probe value and read it back. */
  healthCheck(): StorageHealth {
    const sql = this.ctx.storage.sql;
    const probe = String(Date.now());
    writeMeta(sql, "health_probe", probe);
    const readBack = readMeta(sql, "health_probe");
    const schemaVersion = Number(readMeta(sql, "schema_version") ?? 0);
    const ok = readBack === probe && schemaVersion === SCHEMA_VERSION;
    return {
      ok,
      schemaVersion,
      version: Number(readMeta(sql, "version") ?? 0),
      ...(ok ? {} : { detail: readBack !== probe ? "storage did not return what was written" : "schema out of date" }),
    };
  }

  /** Applies a config (the deployed one is applied on every start). */
  reconcile(next: LookoutConfig = config): ReconcileResult {
    return this.#write(
      (now) => reconcileWithConfig(this.ctx.storage.sql, next, now),
      (result) => result.changed,
    );
  }

  /** The cron heartbeat: applies the deployed config and moves maintenances along. */
  tick(): ReconcileResult & MaintenanceProgress {
    const reconciled = this.reconcile();
    const progress = this.#write(
      (now) => advanceMaintenances(this.ctx.storage.sql, now),
      (p) => p.started.length + p.completed.length > 0,
    );
    return { ...reconciled, ...progress };
  }

  setComponentStatus(componentId: string, status: ComponentStatus): boolean {
    return this.#write((now) => setComponentStatus(this.ctx.storage.sql, componentId, status, now) !== null, Boolean);
  }

  createIncident(input: NewIncident): string {
    return this.#write((now) => createIncident(this.ctx.storage.sql, input, now));
  }

  addIncidentUpdate(incidentId: string, input: NewIncidentUpdate): string {
    return this.#write((now) => addIncidentUpdate(this.ctx.storage.sql, incidentId, input, now));
  }

  createMaintenance(input: NewMaintenance): string {
    return this.#write((now) => createMaintenance(this.ctx.storage.sql, input, now));
  }

  setMaintenanceStatus(maintenanceId: string, status: MaintenanceStatus, body: string): string {
    return this.#write((now) => addIncidentUpdate(this.ctx.storage.sql, maintenanceId, { status, body }, now));
  }

  /** Runs one write in a transaction with the version bump, then drops the read model. */
  #write<T>(change: (now: number) => T, changed: (result: T) => boolean = () => true): T {
    const now = Date.now();
    const result = this.ctx.storage.transactionSync(() => {
      const outcome = change(now);
      if (changed(outcome)) {
        const version = Number(readMeta(this.ctx.storage.sql, "version") ?? 0) + 1;
        writeMeta(this.ctx.storage.sql, "version", String(version));
        writeMeta(this.ctx.storage.sql, "updated_at", String(now));
      }
      return outcome;
    });
    this.#snapshot = null;
    return result;
  }
}
