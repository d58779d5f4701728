import { defineConfig } from "../worker/config/define-config.ts";
import type { ComponentStatus } from "../worker/core/statuses.ts";
import { affectedComponentName } from "../worker/core/statuspage/affected-name.ts";
import { api, expectStatus } from "./api-client.ts";
import type { RunningWorker } from "./harness.ts";
import { HistoryDocument } from "./history-document.ts";

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

type ActiveIncident = {
  name: string;
  status: "investigating" | "identified" | "monitoring";
  impact: "minor" | "major" | "critical";
  components: Record<string, ComponentStatus>;
};

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

/** How an update's `affected_components` names a component of the reference page ("Group - Component"). */
export function affectedName(componentId: string): string {
  const component = referenceConfig.components.find((c) => c.id === componentId);
  const group = referenceConfig.groups.find((g) => g.id === component?.group);
  return affectedComponentName(component?.name ?? componentId, group?.name ?? null);
}

/** An open incident of the seeded page, and the impact it was declared with. */
export interface SeededIncident {
  id: string;
  impact: ActiveIncident["impact"];
}

/**
 * Makes the object named `name` the reference page with `resolvedIncidents`
 * resolved incidents in its history, written the way a communicator writes:
 * the config applied as a deploy does, the history (past status changes and
 * resolved incidents, which the API can only date "now") in one
 * `POST /api/v1/import` of a document made in Node, then the active incidents
 * through `POST /api/v1/incidents` and their updates. Returns the active ones.
 */
export async function seedReferencePage(
  worker: RunningWorker,
  name: string,
  resolvedIncidents: number,
): Promise<SeededIncident[]> {
  await worker.object(name).reconcile(referenceConfig);
  const base = worker.apiAt(name);
  const now = Date.now();
  const history = new HistoryDocument();
  for (const [id, status, at] of pastTransitions(now)) history.statusChange(id, status, at);
  // Resolved incidents name a component as operational: linked to it, with no status change,
  // which keeps the bars the same whatever the length of the history. Spread over the past
  // three years, oldest first, as a page that has lived that long would hold them, each
  // resolved an hour after it began, in one update, as an incident declared already resolved is.
  const step = Math.floor((3 * 365 * DAY_MS) / Math.max(1, resolvedIncidents));
  for (let i = 0; i < resolvedIncidents; i++) {
    const component = componentIds[i % componentIds.length] as string;
    const startedAt = now - (resolvedIncidents - i) * step;
    history.incident({
      startedAt,
      name: `Past incident ${i + 1}: increased latency`,
      impact: i % 4 === 0 ? "major" : "minor",
      components: [component],
      updates: [
        {
          status: "resolved",
          body: "This incident has been resolved. Latency is back to normal for all customers.",
          at: startedAt + 3_600_000,
          affected: [
            { code: component, name: affectedName(component), oldStatus: "operational", newStatus: "operational" },
          ],
        },
      ],
    });
  }
  await history.importInto(base);

  // Active incidents last, through the API as a communicator posts them: newest on the page, two updates each.
  const active: SeededIncident[] = [];
  for (const incident of ACTIVE) {
    const declared = expectStatus(
      await api(base, "POST", "/incidents", {
        name: incident.name,
        status: incident.status,
        impact: incident.impact,
        components: incident.components,
        message: `We are looking into reports of ${incident.name.toLowerCase()}.`,
      }),
      201,
      "declaring an active incident",
    );
    const id = (JSON.parse(declared.text) as { id: string }).id;
    expectStatus(
      await api(base, "POST", `/incidents/${id}/updates`, {
        status: incident.status,
        message: "Engineers have narrowed the cause down and are applying a fix. Next update within 30 minutes.",
      }),
      201,
      "updating an active incident",
    );
    active.push({ id, impact: incident.impact });
  }
  return active;
}

/** Components no active incident touches. */
export const quietComponents = componentIds.filter((id) => !ACTIVE.some((incident) => id in incident.components));

/**
 * A change readers see, through the API: an open incident's impact moved
 * (`there` = true) to another level, or back to its own. Two calls leave the
 * page as it was, no row added: the page the figures measure stays the same.
 */
export async function changeImpact(base: URL, incident: SeededIncident, there: boolean): Promise<void> {
  const other = incident.impact === "critical" ? "major" : "critical";
  expectStatus(
    await api(
      base,
      "PATCH",
      `/incidents/${incident.id}`,
      { impact: there ? other : incident.impact },
      { "if-match": "*" },
    ),
    200,
    "changing an incident's impact",
  );
}

/** An incident declared already resolved, through the API: one row in the history, there to be edited. */
export async function declareResolved(base: URL, name: string): Promise<SeededIncident> {
  const declared = expectStatus(
    await api(base, "POST", "/incidents", { name, status: "resolved", impact: "minor", message: "Resolved." }),
    201,
    "declaring a resolved incident",
  );
  return { id: (JSON.parse(declared.text) as { id: string }).id, impact: "minor" };
}

/**
 * Forces the object to rebuild its snapshot on the next read: a real write
 * and its undoing (an open incident's impact changed and back), as a
 * communicator's edit would cause.
 */
export async function invalidateSnapshot(base: URL, active: readonly SeededIncident[], round: number): Promise<void> {
  const incident = active[round % active.length];
  if (!incident) throw new Error("the page has no open incident to edit");
  await changeImpact(base, incident, true);
  await changeImpact(base, incident, false);
}
