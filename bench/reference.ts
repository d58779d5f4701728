import { defineConfig } from "../worker/config/define-config.ts";
import type { ComponentStatus } from "../worker/core/statuses.ts";
import type { Call, NewIncident, RunningWorker, StatusPageRpc } from "./harness.ts";

/**
 * The reference page of docs/budgets.md: 50 components in 8 groups,
 * 90 days of uptime with outages on some days, 5 active incidents. Everything
 * is derived from a fixed seed so two runs render the same page.
 */

const DAY_MS = 86_400_000;
const GROUP_SIZES = [8, 7, 7, 6, 6, 6, 5, 5] as const;
const GROUP_NAMES = [
  "Core platform",
  "Data services",
  "Compute",
  "Networking",
  "Integrations",
  "Developer tools",
  "Americas",
  "Europe & Asia",
] as const;

export const REFERENCE_PAGE_NAME = "Bench Reference Cloud";

export const referenceConfig = defineConfig({
  page: {
    name: REFERENCE_PAGE_NAME,
    url: "https://status.bench.example",
    homepage: "https://bench.example",
    timeZone: "Europe/Berlin",
  },
  groups: GROUP_NAMES.map((name, g) => ({
    id: `group-${g + 1}`,
    name,
    ...(g % 3 === 0 ? { description: `Everything under ${name.toLowerCase()}.` } : {}),
  })),
  components: GROUP_SIZES.flatMap((size, g) =>
    Array.from({ length: size }, (_, i) => ({
      id: `c${g + 1}-${i + 1}`,
      name: `${GROUP_NAMES[g]} service ${i + 1}`,
      group: `group-${g + 1}`,
      ...(i % 3 === 0 ? { description: `Serves ${GROUP_NAMES[g]?.toLowerCase()} requests in every region.` } : {}),
    })),
  ),
});

export const componentIds = referenceConfig.components.map((component) => component.id);

/** mulberry32: a tiny deterministic generator, so the "random" outages are the same every run. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Status transitions over the last 100 days: each component starts operational
 * before the 90-day window, and on about one day in twenty has an outage of
 * 5 minutes to 3 hours, so bars mix quiet stretches with marked days.
 */
function pastTransitions(now: number): [componentId: string, status: ComponentStatus, at: number][] {
  const random = generator(0x100c0);
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const troubles: ComponentStatus[] = ["degraded_performance", "partial_outage", "major_outage", "under_maintenance"];
  const rows: [string, ComponentStatus, number][] = [];
  for (const id of componentIds) {
    rows.push([id, "operational", today - 100 * DAY_MS]);
    for (let daysAgo = 89; daysAgo >= 1; daysAgo--) {
      if (random() >= 0.05) continue;
      const start = today - daysAgo * DAY_MS + Math.floor(random() * 20 * 3_600_000);
      const status = troubles[Math.floor(random() * troubles.length)] ?? "major_outage";
      rows.push([id, status, start], [id, "operational", start + (5 + Math.floor(random() * 175)) * 60_000]);
    }
  }
  return rows;
}

/** Runs `task` for every item with at most `width` in flight. */
async function inParallel<T>(items: readonly T[], width: number, task: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await task(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
}

type ActiveIncident = Omit<NewIncident, "body">;

/** Open incidents of every unresolved status, each marking a component or two as affected. */
const ACTIVE: ActiveIncident[] = [
  {
    name: "Elevated API error rates",
    status: "investigating",
    impact: "major",
    components: { "c1-1": "partial_outage" },
  },
  {
    name: "Slow dashboard loads",
    status: "identified",
    impact: "minor",
    components: { "c1-3": "degraded_performance" },
  },
  {
    name: "Database failover in Frankfurt",
    status: "monitoring",
    impact: "minor",
    components: { "c2-2": "degraded_performance", "c8-1": "degraded_performance" },
  },
  {
    name: "Webhook deliveries delayed",
    status: "identified",
    impact: "major",
    components: { "c5-1": "partial_outage" },
  },
  {
    name: "Build runners unavailable",
    status: "investigating",
    impact: "critical",
    components: { "c6-4": "major_outage" },
  },
];

/**
 * Makes the object named `name` the reference page with `resolvedIncidents`
 * resolved incidents in its history. The history goes in through the
 * object's own createIncident RPC; only past status changes, which no RPC can
 * date, are written with SQL.
 */
export async function seedReferencePage(worker: RunningWorker, name: string, resolvedIncidents: number): Promise<void> {
  const page: StatusPageRpc = worker.object(name);
  await page.reconcile(referenceConfig);

  // The object's limit is 100 bound parameters per statement: 3 per row, 30 rows per INSERT.
  const rows = pastTransitions(Date.now());
  for (let i = 0; i < rows.length; i += 30) {
    const chunk = rows.slice(i, i + 30);
    await worker.sql(
      name,
      `INSERT INTO component_status_history (component_id, status, at) VALUES ${chunk.map(() => "(?, ?, ?)").join(", ")}`,
      ...chunk.flat(),
    );
  }

  // Resolved incidents name a component as operational: linked to it, with no status change today,
  // which keeps today's bars the same whatever the length of the history.
  // Batches of 250 calls, a few in flight: each call is still one createIncident RPC and one transaction.
  const history: Call[] = Array.from({ length: resolvedIncidents }, (_, i) => [
    "createIncident",
    {
      name: `Past incident ${i + 1}: increased latency`,
      status: "resolved",
      impact: i % 4 === 0 ? "major" : "minor",
      body: "This incident has been resolved. Latency is back to normal for all customers.",
      components: { [componentIds[i % componentIds.length] as string]: "operational" },
    },
  ]);
  const batches = Array.from({ length: Math.ceil(history.length / 250) }, (_, i) =>
    history.slice(i * 250, i * 250 + 250),
  );
  await inParallel(batches, 4, (calls) => worker.batch(name, calls));
  // Spread the history over the past three years, oldest first, as a page that has lived that long would hold
  // it; created all at once, it would crowd into today. Rowids follow the order of creation.
  const step = Math.floor((3 * 365 * DAY_MS) / Math.max(1, resolvedIncidents));
  const age = `((SELECT MAX(rowid) FROM incidents) - rowid + 1) * ?2`;
  await worker.sql(
    name,
    `UPDATE incidents SET started_at = ?1 - ${age}, created_at = ?1 - ${age},
       updated_at = ?1 - ${age} + 3600000, resolved_at = ?1 - ${age} + 3600000
     WHERE kind = 'incident' AND status = 'resolved'`,
    Date.now(),
    step,
  );
  await worker.sql(
    name,
    `UPDATE incident_updates SET
       created_at = (SELECT resolved_at FROM incidents WHERE incidents.id = incident_updates.incident_id),
       updated_at = (SELECT resolved_at FROM incidents WHERE incidents.id = incident_updates.incident_id),
       display_at = (SELECT resolved_at FROM incidents WHERE incidents.id = incident_updates.incident_id)
     WHERE incident_id IN (SELECT id FROM incidents WHERE kind = 'incident' AND status = 'resolved')`,
  );

  // Active incidents last, through the RPCs a communicator would use: newest on the page, two updates each.
  for (const incident of ACTIVE) {
    const id = await page.createIncident({
      ...incident,
      body: `We are looking into reports of ${incident.name.toLowerCase()}.`,
    });
    await page.addIncidentUpdate(id, {
      status: incident.status,
      body: "Engineers have narrowed the cause down and are applying a fix. Next update within 30 minutes.",
    });
  }
}

/** Components no active incident touches: toggling them and back leaves the page as it was. */
export const quietComponents = componentIds.filter((id) => !ACTIVE.some((incident) => id in incident.components));

/**
 * Forces the object to rebuild its snapshot on the next read: a real write
 * (a status change and back), as a communicator's update would cause.
 */
export async function invalidateSnapshot(page: StatusPageRpc, round: number): Promise<void> {
  const id = quietComponents[round % quietComponents.length] as string;
  await page.setComponentStatus(id, "degraded_performance");
  await page.setComponentStatus(id, "operational");
}
