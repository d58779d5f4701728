import {
  addToFilter,
  buildFilter,
  encodeFilter,
  filterBits,
  type KnownEvents,
} from "../../worker/core/known-events.ts";
import { hourlyMeans, type LatencyPoint } from "../../worker/core/monitors/latency.ts";
import type { ComponentView, GroupView, PageSnapshot } from "../../worker/core/read-model.ts";
import type { ComponentStatus } from "../../worker/core/statuses.ts";
import {
  DAY_MS,
  dailyUptime,
  type Span,
  type StatusTransition,
  startOfUtcDay,
  type Timeline,
  uptimeWindows,
} from "../../worker/core/uptime.ts";
import { loadIncidents, loadMaintenances } from "./events.ts";
import { noDataSpans } from "./no-data.ts";
import { pageInfo } from "./page-info.ts";
import { unreadableByComponent } from "./provider-unreadable.ts";
import { readMeta } from "./schema.ts";
import { thirdParties } from "./third-parties.ts";
import { iso } from "./time.ts";

export const UPTIME_DAYS = 90;
const RECENT_LIMIT = 50;

type ComponentRow = {
  id: string;
  name: string;
  description: string | null;
  group_id: string | null;
  position: number;
  status: ComponentStatus;
  only_show_if_degraded: number;
  start_date: string | null;
  created_at: number;
  updated_at: number;
};

type GroupRow = {
  id: string;
  name: string;
  description: string | null;
  position: number;
  created_at: number;
  updated_at: number;
};

/**
 * Assembles the page's read model. Every query is bounded (current rows, a
 * 90-day window, the 50 most recent events), so its cost does not grow with
 * the length of the history.
 */
export function buildSnapshot(sql: SqlStorage, now: number): PageSnapshot {
  const page = pageInfo(sql);
  if (!page) throw new Error("StatusPage has not been reconciled with a config yet");

  const groups: GroupView[] = sql
    .exec<GroupRow>(`SELECT * FROM groups WHERE removed_at IS NULL ORDER BY position`)
    .toArray()
    .map((row) => ({
      id: row.id,
      name: row.name,
      description: row.description,
      position: row.position,
      createdAt: iso(row.created_at),
      updatedAt: iso(row.updated_at),
    }));

  // Every figure of the snapshot is taken at this one `now` (decision 0023).
  // The first day of the bars; the 24-hour window starts later.
  const windowStart = startOfUtcDay(now) - (UPTIME_DAYS - 1) * DAY_MS;
  const latency = latencyByComponent(sql, now - 24 * 3_600_000);
  const noDataFor = noDataByComponent(sql, now);
  const providers = thirdParties(sql);
  // A hidden component is on no public surface, and this snapshot is what every one of them reads (decision 0042).
  const components: ComponentView[] = sql
    .exec<ComponentRow>(`SELECT * FROM components WHERE removed_at IS NULL AND hidden = 0 ORDER BY position`)
    .toArray()
    .map((row) => {
      const timeline = componentTimeline(sql, row, windowStart, noDataFor(row.id));
      const provider = providers.get(row.id);
      return {
        id: row.id,
        name: row.name,
        description: row.description,
        groupId: row.group_id,
        position: row.position,
        status: row.status,
        onlyShowIfDegraded: row.only_show_if_degraded === 1,
        startDate: row.start_date,
        createdAt: iso(row.created_at),
        updatedAt: iso(row.updated_at),
        uptimeDays: dailyUptime(timeline, now, UPTIME_DAYS),
        uptimeWindows: uptimeWindows(timeline, now),
        latencyHourly: latency.has(row.id) ? hourlyMeans(latency.get(row.id) ?? [], now, 24) : [],
        ...(provider ? { provider } : {}),
      };
    });

  const byStatus = "incidents_by_visibility_and_status";
  const version = Number(readMeta(sql, "version") ?? 0);
  return {
    version,
    updatedAt: iso(Number(readMeta(sql, "updated_at") ?? now)),
    generatedAt: iso(now),
    page,
    // A group whose components are all hidden would be an empty heading.
    groups: groups.filter((group) => components.some((c) => c.groupId === group.id)),
    components,
    activeIncidents: loadIncidents(sql, {
      where: `visibility = 'public' AND status IN ('investigating', 'identified', 'monitoring')`,
      order: "ORDER BY created_at DESC",
      index: byStatus,
    }),
    recentIncidents: loadIncidents(sql, {
      where: `visibility = 'public'`,
      order: `ORDER BY created_at DESC LIMIT ${RECENT_LIMIT}`,
    }),
    activeMaintenances: loadMaintenances(sql, {
      where: `visibility = 'public' AND status IN ('in_progress', 'verifying')`,
      order: "ORDER BY scheduled_for ASC",
      index: byStatus,
    }),
    upcomingMaintenances: loadMaintenances(sql, {
      where: `visibility = 'public' AND status = 'scheduled'`,
      order: "ORDER BY scheduled_for ASC",
      index: byStatus,
    }),
    recentMaintenances: loadMaintenances(sql, {
      where: `visibility = 'public'`,
      order: `ORDER BY scheduled_for DESC LIMIT ${RECENT_LIMIT}`,
    }),
    knownEvents: knownPublicEvents(sql, version),
  };
}

interface KeptFilter {
  version: number;
  known: KnownEvents;
  bytes: Uint8Array;
  count: number;
  /** The highest incident rowid the filter has looked at: later rows are added, not the whole table read again. */
  lastRowid: number;
}

const knownByStorage = new WeakMap<SqlStorage, KeptFilter>();

/**
 * The filter of public event ids (worker/core/known-events.ts), built once
 * per object from every public id, then grown at each new page version by
 * the incidents created since (a range of rowids: the history is not read
 * again: "Flat with history" in docs/budgets.md). An event made public later, or a restore,
 * calls forgetKnownEvents so the next snapshot builds it afresh; one made
 * internal stays in it, which only sends its made-up-looking address on to the
 * object like a false positive.
 */
function knownPublicEvents(sql: SqlStorage, version: number): KnownEvents {
  const kept = knownByStorage.get(sql);
  if (kept?.version === version) return kept.known;
  if (kept) {
    const rows = sql
      .exec<{ r: number; id: string; visibility: string }>(
        `SELECT rowid AS r, id, visibility FROM incidents WHERE rowid > ?`,
        kept.lastRowid,
      )
      .toArray();
    const added = rows.filter((row) => row.visibility === "public").map((row) => row.id);
    if (filterBits(kept.count + added.length) === kept.known.bits) {
      addToFilter(kept.bytes, kept.known.bits, added);
      const lastRowid = rows.reduce((most, row) => Math.max(most, row.r), kept.lastRowid);
      const grown = { ...kept, version, count: kept.count + added.length, lastRowid };
      grown.known = added.length > 0 ? encodeFilter(kept.bytes, kept.known.bits) : kept.known;
      knownByStorage.set(sql, grown);
      return grown.known;
    }
  }
  const rows = sql
    .exec<{ r: number; id: string; visibility: string }>(`SELECT rowid AS r, id, visibility FROM incidents`)
    .toArray();
  const ids = rows.filter((row) => row.visibility === "public").map((row) => row.id);
  const { bytes, known } = buildFilter(ids);
  const lastRowid = rows.reduce((most, row) => Math.max(most, row.r), 0);
  knownByStorage.set(sql, { version, known, bytes, count: ids.length, lastRowid });
  return known;
}

/** The next snapshot builds the filter of public events afresh (an event made public, a restore). */
export function forgetKnownEvents(sql: SqlStorage): void {
  knownByStorage.delete(sql);
}

/** Each component's hourly response times since `from`, as points at the start of their hour. */
export function latencyByComponent(sql: SqlStorage, from: number, componentId?: string): Map<string, LatencyPoint[]> {
  const rows = sql
    .exec<{ component_id: string; hour: number; checks: number; total_ms: number }>(
      `SELECT component_id, hour, checks, total_ms FROM latency_hourly
       WHERE hour >= ? AND (? IS NULL OR component_id = ?)`,
      Math.floor(from / 3_600_000),
      componentId ?? null,
      componentId ?? null,
    )
    .toArray();
  const byComponent = new Map<string, LatencyPoint[]>();
  for (const row of rows) {
    const list = byComponent.get(row.component_id) ?? [];
    list.push({ at: row.hour * 3_600_000 + 1, checks: row.checks, meanMs: row.total_ms / row.checks });
    byComponent.set(row.component_id, list);
  }
  return byComponent;
}

/**
 * What the uptime arithmetic needs of one component from `from` on. It counts
 * from the later of its start date and its first recorded status: a start date
 * before Lookout knew the component is not data.
 */
export function componentTimeline(
  sql: SqlStorage,
  row: { id: string; start_date: string | null },
  from: number,
  noData: readonly Span[] = [],
): Timeline {
  const first = firstTransitionAt(sql, row.id);
  const since = row.start_date ? Math.max(Date.parse(row.start_date), first) : first;
  return { transitions: transitionsSince(sql, row.id, from), since, noData };
}

/**
 * When nobody observed, per component: the page's no-data spans apply to the
 * components monitors drive; a status only people set stands as declared.
 */
export function noDataByComponent(sql: SqlStorage, now: number): (componentId: string) => Span[] {
  const spans = noDataSpans(sql);
  // A provider's page that could not be read: nobody knew its status either (provider-unreadable.ts).
  const unreadable = unreadableByComponent(sql, now - (UPTIME_DAYS + 1) * DAY_MS, now);
  if (spans.length === 0) return (componentId) => unreadable.get(componentId) ?? [];
  const monitored = new Set(
    sql
      .exec<{ component_id: string }>(`SELECT DISTINCT component_id FROM monitor_components`)
      .toArray()
      .map((row) => row.component_id),
  );
  return (componentId) => [...(monitored.has(componentId) ? spans : []), ...(unreadable.get(componentId) ?? [])];
}

export function transitionsSince(sql: SqlStorage, componentId: string, from: number): StatusTransition[] {
  const before = sql
    .exec<StatusTransition>(
      `SELECT at, status FROM component_status_history WHERE component_id = ? AND at < ? ORDER BY at DESC, seq DESC LIMIT 1`,
      componentId,
      from,
    )
    .toArray();
  const inWindow = sql
    .exec<StatusTransition>(
      `SELECT at, status FROM component_status_history WHERE component_id = ? AND at >= ? ORDER BY at, seq`,
      componentId,
      from,
    )
    .toArray();
  return [...before, ...inWindow];
}

export function firstTransitionAt(sql: SqlStorage, componentId: string): number {
  const row = sql
    .exec<{ at: number }>(`SELECT MIN(at) AS at FROM component_status_history WHERE component_id = ?`, componentId)
    .toArray()[0];
  return row?.at ?? Number.MAX_SAFE_INTEGER;
}
