import type { AlertDetails } from "../../worker/core/alerting/alert.ts";
import type { StatuspageMonitorConfig } from "../../worker/core/monitors/monitor-config.ts";
import type { MonitorReport } from "../../worker/core/monitors/monitor-report.ts";
import { type DependencyEdge, dependentsOf } from "../../worker/core/providers/dependency-reach.ts";
import type { ProviderObservation } from "../../worker/core/providers/provider-observation.ts";
import { providerSource } from "../../worker/core/providers/provider-source.ts";
import {
  type AffectedByProvider,
  movedAway,
  type ProviderTrouble,
  resolvedByProvider,
  resolvedWhileHandedOver,
  troubleFingerprint,
  troubleHeadline,
  troubleIncident,
  troubleOf,
  troubleSeverity,
  troubleSummary,
  troubleUpdate,
  unreadableNote,
  unreadableTooLong,
} from "../../worker/core/providers/provider-trouble.ts";
import { readMeta, writeMeta } from "../shared/sql.ts";
import { isOpen, openAlert, resolveAlert } from "./alerts/lifecycle.ts";
import { addIncidentUpdate, createIncident } from "./writes.ts";

/**
 * What a provider's outage does (docs/decisions/0043-what-a-provider-outage-does.md),
 * after a statuspage monitor's report is applied, in the same transaction:
 * with the `provider_outages` flag on, trouble the provider states opens
 * (or updates) a `provider_trouble` alert naming your affected components,
 * and an incident (internal unless the monitor says `incident: "public"`)
 * whose updates follow the provider's; when the provider is clear again,
 * both are resolved — the incident only while it is still Lookout's. An
 * unreadable page raises and ends nothing about the provider; unreadable for
 * an hour, it is noted once, as information. A monitor that now follows
 * another page (or other components of it) first leaves what it raised for
 * the old one (leaveOldSource). Returns the incident it wrote to, if any.
 */
export function followProvider(
  sql: SqlStorage,
  report: MonitorReport,
  now: number,
  flags: { provider_outages: boolean },
): string | null {
  const observation = report.provider;
  if (!observation) return null;
  const config = monitorConfig(sql, report.monitorId);
  if (config) followSource(sql, report.monitorId, providerSource(config), now);
  const trouble = troubleOf(observation);
  if (trouble.kind === "unknown") {
    if (flags.provider_outages) noteUnreadable(sql, report.monitorId, observation, now);
    return null;
  }
  resolveAlert(sql, unreadableKey(report.monitorId), now);
  if (trouble.kind === "clear") return clear(sql, report.monitorId, observation, now);
  // Off, nothing new is raised; what was raised before is still ended when the provider clears (above).
  if (!flags.provider_outages || !config) return null;
  const affected = affectedBy(sql, report.monitorId);
  const incident = followIncident(
    sql,
    report.monitorId,
    config.incident ?? "internal",
    observation,
    trouble,
    affected,
    now,
  );
  raise(sql, report.monitorId, observation, trouble, affected, incident, now);
  return incident?.written ? incident.id : null;
}

export const providerKey = (monitorId: string) => `provider:${monitorId}`;
export const unreadableKey = (monitorId: string) => `provider-unreadable:${monitorId}`;
/** The page and components (providerSource) that what Lookout raised for the monitor is about. */
const sourceKey = (monitorId: string) => `provider_source:${monitorId}`;

function monitorConfig(sql: SqlStorage, monitorId: string): StatuspageMonitorConfig | null {
  const monitor = sql
    .exec<{ config: string }>(`SELECT config FROM monitors WHERE id = ? AND removed_at IS NULL`, monitorId)
    .toArray()[0];
  return monitor ? (JSON.parse(monitor.config) as StatuspageMonitorConfig) : null;
}

/** Written once per source: every later report of the same page reads one meta row and writes nothing. */
function followSource(sql: SqlStorage, monitorId: string, source: string, now: number): void {
  const before = readMeta(sql, sourceKey(monitorId));
  if (before === source) return;
  if (before !== undefined) leaveOldSource(sql, monitorId, now);
  writeMeta(sql, sourceKey(monitorId), source);
}

/**
 * The monitor now follows another page or other components of it: the new
 * provider's words must neither update nor resolve what was raised for the
 * old one. As for a provider dropped from the config (settleRemovedProviders),
 * its alerts are resolved and its incident is left to a person — handed over,
 * so Lookout writes to it no more — with the alert's last words saying so.
 */
function leaveOldSource(sql: SqlStorage, monitorId: string, now: number): void {
  const open = openIncident(sql, readRecord(sql, monitorId));
  sql.exec(`DELETE FROM meta WHERE key = ?`, recordKey(monitorId));
  if (open) {
    sql.exec(
      `UPDATE incidents SET managed_by_monitor = NULL WHERE id = ? AND managed_by_monitor = ?`,
      open.id,
      monitorId,
    );
  }
  if (rewordTroubleAlert(sql, monitorId, movedAway(open?.name ?? null), now)) {
    resolveAlert(sql, providerKey(monitorId), now);
  }
  resolveAlert(sql, unreadableKey(monitorId), now);
}

/** Unknown raises nothing about the provider (decision 0039); unreadable for long, the team hears it once, as information. */
function noteUnreadable(sql: SqlStorage, monitorId: string, observation: ProviderObservation, now: number): void {
  if (!unreadableTooLong(observation, now) || isOpen(sql, unreadableKey(monitorId))) return;
  const note = unreadableNote(observation);
  const mirrored = affectedBy(sql, monitorId).filter((c) => c.mirrors);
  openAlert(
    sql,
    {
      key: unreadableKey(monitorId),
      kind: "provider_unreadable",
      severity: "info",
      title: note.title,
      details: {
        summary: note.summary,
        monitorId,
        components: mirrored.map(({ id, name }) => ({ id, name })),
        regions: [],
        firstFailingCheckAt: null,
        incidentId: null,
        incidentPublic: false,
      },
    },
    now,
  );
}

/**
 * A provider dropped from the config says nothing more: its alerts are
 * resolved at the next heartbeat (an incident Lookout opened for it stays,
 * for a person to close). Run by the cron tick.
 */
export function settleRemovedProviders(sql: SqlStorage, now: number): void {
  // Both keys start with "provider" (providerKey, unreadableKey): a range of the open alerts' key index, so the
  // heartbeat reads the open provider alerts only, not every open alert.
  const keys = sql
    .exec<{ key: string }>(
      `SELECT key FROM alerts INDEXED BY alerts_open_by_key
       WHERE status != 'resolved' AND key >= 'provider' AND key < 'providf'`,
    )
    .toArray()
    .map((row) => row.key);
  for (const key of keys) {
    const monitorId = key.slice(key.indexOf(":") + 1);
    const live = sql.exec(`SELECT 1 FROM monitors WHERE id = ? AND removed_at IS NULL`, monitorId).toArray();
    if (live.length > 0) continue;
    resolveAlert(sql, key, now);
    sql.exec(`DELETE FROM meta WHERE key IN (?, ?)`, recordKey(monitorId), sourceKey(monitorId));
  }
}

/** The incident Lookout opened for a provider's trouble, and its revision when Lookout last wrote it. */
interface Followed {
  incidentId: string;
  revision: number;
  said: string;
}

const recordKey = (monitorId: string) => `provider_incident:${monitorId}`;

function readRecord(sql: SqlStorage, monitorId: string): Followed | null {
  const value = readMeta(sql, recordKey(monitorId));
  return value ? (JSON.parse(value) as Followed) : null;
}

function writeRecord(sql: SqlStorage, monitorId: string, incidentId: string, said: string): void {
  const { revision } = sql.exec<{ revision: number }>(`SELECT revision FROM incidents WHERE id = ?`, incidentId).one();
  writeMeta(sql, recordKey(monitorId), JSON.stringify({ incidentId, revision, said } satisfies Followed));
}

type IncidentRow = {
  id: string;
  name: string;
  status: string;
  visibility: string;
  revision: number;
  managed: string | null;
};

function openIncident(sql: SqlStorage, record: Followed | null): IncidentRow | null {
  if (!record) return null;
  return (
    sql
      .exec<IncidentRow>(
        `SELECT id, name, status, visibility, revision, managed_by_monitor AS managed FROM incidents
         WHERE id = ? AND kind = 'incident' AND status IN ('investigating', 'identified', 'monitoring')`,
        record.incidentId,
      )
      .toArray()[0] ?? null
  );
}

/**
 * Still Lookout's: nobody posted to it (that hands it to the person, auto-incidents.ts handOverToPerson)
 * nor changed it through the API or the console (every such write moves its revision).
 */
function stillOurs(incident: IncidentRow, record: Followed, monitorId: string): boolean {
  return incident.managed === monitorId && incident.revision === record.revision;
}

function followIncident(
  sql: SqlStorage,
  monitorId: string,
  mode: "none" | "internal" | "public",
  observation: ProviderObservation,
  trouble: Extract<ProviderTrouble, { kind: "trouble" }>,
  affected: AffectedByProvider[],
  now: number,
): { id: string; public: boolean; written: boolean } | null {
  const record = readRecord(sql, monitorId);
  const open = openIncident(sql, record);
  const said = troubleFingerprint(trouble);
  if (record) {
    // One incident per stretch of trouble: one a person resolved or took over is not opened again, nor written to.
    if (!open) return null;
    if (record.said === said || !stillOurs(open, record, monitorId)) {
      return { id: open.id, public: open.visibility === "public", written: false };
    }
    addIncidentUpdate(
      sql,
      open.id,
      { status: open.status as "investigating", body: troubleUpdate(observation, trouble) },
      now,
    );
    writeRecord(sql, monitorId, open.id, said);
    return { id: open.id, public: open.visibility === "public", written: true };
  }
  if (mode === "none") return null;
  const planned = troubleIncident(observation, trouble, affected);
  const id = createIncident(
    sql,
    {
      name: planned.name,
      impact: planned.impact,
      body: planned.body,
      componentIds: affected.map((c) => c.id),
      visibility: mode,
    },
    now,
  );
  sql.exec(`UPDATE incidents SET managed_by_monitor = ? WHERE id = ?`, monitorId, id);
  writeRecord(sql, monitorId, id, said);
  return { id, public: mode === "public", written: true };
}

function raise(
  sql: SqlStorage,
  monitorId: string,
  observation: ProviderObservation,
  trouble: Extract<ProviderTrouble, { kind: "trouble" }>,
  affected: AffectedByProvider[],
  incident: { id: string; public: boolean } | null,
  now: number,
): void {
  const mirrored = affected.filter((c) => c.mirrors).map((c) => c.name);
  const details: AlertDetails = {
    summary: troubleSummary(observation, trouble, affected),
    monitorId,
    components: affected.map(({ id, name }) => ({ id, name })),
    regions: [],
    firstFailingCheckAt: null,
    incidentId: incident?.id ?? null,
    incidentPublic: incident?.public ?? false,
  };
  const input = {
    key: providerKey(monitorId),
    kind: "provider_trouble" as const,
    severity: troubleSeverity(trouble),
    title: troubleHeadline(observation.name, trouble, mirrored),
    details,
  };
  const open = sql
    .exec<{ severity: string; title: string; details: string }>(
      `SELECT severity, title, details FROM alerts WHERE key = ? AND status != 'resolved'`,
      input.key,
    )
    .toArray()[0];
  // Every report of the same trouble (a sign of life every few minutes) would rewrite the same words.
  if (
    open &&
    open.severity === input.severity &&
    open.title === input.title &&
    open.details === JSON.stringify(details)
  ) {
    return;
  }
  openAlert(sql, input, now);
}

function clear(sql: SqlStorage, monitorId: string, observation: ProviderObservation, now: number): string | null {
  const record = readRecord(sql, monitorId);
  if (!record) {
    resolveAlert(sql, providerKey(monitorId), now);
    return null;
  }
  sql.exec(`DELETE FROM meta WHERE key = ?`, recordKey(monitorId));
  const open = openIncident(sql, record);
  if (open && !stillOurs(open, record, monitorId)) {
    // A person runs it now: Lookout does not resolve it for them, it tells the team the provider has.
    rewordTroubleAlert(sql, monitorId, resolvedWhileHandedOver(observation, open.name), now);
    resolveAlert(sql, providerKey(monitorId), now);
    return null;
  }
  resolveAlert(sql, providerKey(monitorId), now);
  if (!open) return null;
  addIncidentUpdate(sql, open.id, { status: "resolved", body: resolvedByProvider(observation) }, now);
  return open.id;
}

/**
 * Your components the provider's trouble reaches: those its monitor drives
 * (they mirror it), then every component depending on them, transitively.
 */
export function affectedBy(sql: SqlStorage, monitorId: string): AffectedByProvider[] {
  const driven = sql
    .exec<{ component_id: string }>(`SELECT component_id FROM monitor_components WHERE monitor_id = ?`, monitorId)
    .toArray()
    .map((r) => r.component_id);
  if (driven.length === 0) return [];
  const reached = dependentsOf(driven, readEdges(sql));
  const components = new Map(
    sql
      .exec<{ id: string; name: string; hidden: number }>(
        `SELECT id, name, hidden FROM components WHERE removed_at IS NULL`,
      )
      .toArray()
      .map((r) => [r.id, r] as const),
  );
  return reached.flatMap((r) => {
    const component = components.get(r.id);
    if (!component) return [];
    const { name, hidden } = component;
    return [{ id: r.id, name, mirrors: driven.includes(r.id), critical: r.critical, hidden: hidden === 1 }];
  });
}

export function readEdges(sql: SqlStorage): DependencyEdge[] {
  return sql
    .exec<{ component_id: string; depends_on: string; critical: number }>(
      `SELECT component_id, depends_on, critical FROM component_dependencies ORDER BY component_id, position`,
    )
    .toArray()
    .map((r) => ({ componentId: r.component_id, dependsOn: r.depends_on, critical: r.critical === 1 }));
}

export function componentNames(sql: SqlStorage): Map<string, string> {
  return new Map(
    sql
      .exec<{ id: string; name: string }>(`SELECT id, name FROM components WHERE removed_at IS NULL`)
      .toArray()
      .map((r) => [r.id, r.name]),
  );
}

/** Gives the open trouble alert of a provider its last words before it ends; false when none is open. */
function rewordTroubleAlert(sql: SqlStorage, monitorId: string, summary: string, now: number): boolean {
  const alert = sql
    .exec<{ title: string; details: string; severity: "info" }>(
      `SELECT title, details, severity FROM alerts WHERE key = ? AND status != 'resolved'`,
      providerKey(monitorId),
    )
    .toArray()[0];
  if (!alert) return false;
  const details = JSON.parse(alert.details) as AlertDetails;
  openAlert(
    sql,
    {
      key: providerKey(monitorId),
      kind: "provider_trouble",
      severity: alert.severity,
      title: alert.title,
      details: { ...details, summary },
    },
    now,
  );
  return true;
}
