/**
 * A provider's summary.json over an incident's life, built from a real
 * Statuspage sample (test/fixtures/statuspage/instructure-summary.json,
 * see its README): the sample's own components, groups and incident, with
 * statuses set the way Statuspage sets them at each stage. Plain data, so the
 * local provider page (provider-page.ts), the tests inside workerd and the
 * benchmark all serve the same thing.
 */

export const PROVIDER_SCENARIOS = [
  "operational",
  "degraded",
  "incident",
  "resolved",
  "maintenance",
  "hostile",
] as const;
export type ProviderScenario = (typeof PROVIDER_SCENARIOS)[number];

/** The parts of a Statuspage summary a scenario rewrites; the rest is the sample's. */
export interface SummaryJson {
  page: { id: string; name: string; url: string; updated_at?: string; [key: string]: unknown };
  status: { indicator: string; description: string };
  components: {
    id: string;
    name: string;
    status: string;
    group?: boolean;
    group_id?: string | null;
    [k: string]: unknown;
  }[];
  incidents: {
    id: string;
    name: string;
    status: string;
    impact: string;
    shortlink?: string;
    incident_updates: { id?: string; body: string; status: string; created_at: string; [k: string]: unknown }[];
    components?: { id: string; [k: string]: unknown }[];
    [k: string]: unknown;
  }[];
  [key: string]: unknown;
}

/** The sample's group the scenarios put in trouble: its name, to follow it by name. */
export const TROUBLED_GROUP = "Canvas";

/**
 * The summary at one stage. `at` stamps what changed (an update's time), so
 * two stages never serve the same bytes and a page's validators change with
 * its content, as a real provider's do.
 */
export function summaryFor(base: SummaryJson, scenario: ProviderScenario, at: Date, pageName?: string): SummaryJson {
  const summary = structuredClone(base);
  if (pageName) summary.page.name = pageName;
  summary.page.updated_at = at.toISOString();
  const group = summary.components.find((c) => c.group && c.name === TROUBLED_GROUP);
  const troubled = new Set(
    summary.components.filter((c) => c.id === group?.id || c.group_id === group?.id).map((c) => c.id),
  );
  const setAll = (status: string, only?: Set<string>) => {
    for (const c of summary.components) c.status = !only || only.has(c.id) ? status : "operational";
  };
  const incident = base.incidents[0];
  summary.incidents = [];
  switch (scenario) {
    case "operational":
      setAll("operational");
      summary.status = { indicator: "none", description: "All Systems Operational" };
      break;
    case "degraded":
      setAll("degraded_performance", troubled);
      summary.status = { indicator: "minor", description: "Minor Service Outage" };
      break;
    case "maintenance":
      setAll("under_maintenance", troubled);
      summary.status = { indicator: "maintenance", description: "Service Under Maintenance" };
      break;
    case "incident":
    case "resolved": {
      const resolved = scenario === "resolved";
      setAll(resolved ? "operational" : "partial_outage", troubled);
      summary.status = resolved
        ? { indicator: "none", description: "All Systems Operational" }
        : { indicator: "major", description: "Partial System Outage" };
      if (incident) {
        const update = {
          ...incident.incident_updates[0],
          status: resolved ? "resolved" : "identified",
          body: resolved ? "This incident has been resolved." : (incident.incident_updates[0]?.body ?? ""),
          created_at: at.toISOString(),
        };
        summary.incidents = [
          {
            ...incident,
            status: resolved ? "resolved" : "identified",
            impact: resolved ? incident.impact : "major",
            incident_updates: [update, ...incident.incident_updates],
            components: [...troubled].map((id) => ({ id })),
          },
        ];
      }
      break;
    }
    case "hostile":
      // The incident stage as a page that tries to inject: markup in every text, script and data "links".
      return hostile(summaryFor(base, "incident", at, pageName));
  }
  return summary;
}

/** Markup where a page states text, `javascript:` and `data:` where it states links: none may run on Lookout's page. */
function hostile(summary: SummaryJson): SummaryJson {
  summary.page.name = `<b id="injected-name">Evil</b> & Co`;
  summary.page.url = "javascript:alert('page')";
  for (const incident of summary.incidents) {
    incident.name = `<script id="injected-title">alert(1)</script>Outage`;
    incident.shortlink = "javascript:alert('incident')";
    const [latest] = incident.incident_updates;
    if (latest) latest.body = `<img id="injected-body" src=x onerror="alert(2)"> We are "looking" into it`;
  }
  return summary;
}
