import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { availabilityCeiling } from "../../../worker/core/providers/availability-ceiling.ts";
import { dependencyCycle } from "../../../worker/core/providers/dependency-cycles.ts";
import { observe } from "../../../worker/core/providers/provider-observation.ts";
import { providerSource } from "../../../worker/core/providers/provider-source.ts";
import { providerIncidents, providerStatus } from "../../../worker/core/providers/provider-status.ts";
import { type ProviderSummary, parseProviderSummary } from "../../../worker/core/providers/provider-summary.ts";
import { COMPONENT_STATUSES } from "../../../worker/core/statuses.ts";
import instructureSummary from "../../fixtures/statuspage/instructure-summary.json";

/** The real summary, as bytes a provider serves (the parser takes text, as from a response body). */
const instructure = JSON.stringify(instructureSummary);

function parsed(text: string): ProviderSummary {
  const result = parseProviderSummary(text);
  if (!result.ok) throw new Error(result.problem);
  return result.summary;
}

describe("a provider's summary.json", () => {
  it("reads a real Statuspage summary: its components, groups and open incident", () => {
    const summary = parsed(instructure);
    expect(summary.page.name).toBeTruthy();
    expect(summary.components.length).toBe(24);
    expect(summary.components.some((c) => c.group)).toBe(true);
    expect(summary.incidents.length).toBe(1);
    // The page says "minor": some of its components are degraded or partially down.
    expect(summary.status.indicator).toBe("minor");
    expect(["degraded_performance", "partial_outage"]).toContain(providerStatus(summary));
  });

  it("refuses HTML, other JSON and a cut-off body with a reason, never a status", () => {
    expect(parseProviderSummary("<!doctype html><title>Status</title>")).toEqual({ ok: false, problem: "not JSON" });
    expect(parseProviderSummary(instructure.slice(0, 500))).toEqual({ ok: false, problem: "not JSON" });
    const other = parseProviderSummary(JSON.stringify({ hello: "world" }));
    expect(other.ok).toBe(false);
    expect(other.ok ? "" : other.problem).toMatch(/^not a Statuspage summary \(page/);
  });
});

const summaryWith = (components: { id: string; name: string; status: string; group_id?: string; group?: boolean }[]) =>
  parsed(
    JSON.stringify({
      page: { id: "p", name: "Provider", url: "https://status.provider.test" },
      status: { indicator: "none", description: "All Systems Operational" },
      components: components.map((c) => ({ group: false, group_id: null, ...c })),
      incidents: [
        { id: "i1", name: "CDN errors", status: "investigating", components: [{ id: "cdn" }], incident_updates: [] },
        { id: "i2", name: "Old", status: "resolved", components: [{ id: "cdn" }], incident_updates: [] },
      ],
    }),
  );

describe("what a provider's page means for you", () => {
  it("maps every Statuspage component status to the same status of yours", () => {
    for (const status of COMPONENT_STATUSES) {
      expect(providerStatus(summaryWith([{ id: "cdn", name: "CDN", status }]))).toBe(status);
    }
  });

  it("narrows to the components you follow, by id, name or their group, worst first", () => {
    const summary = summaryWith([
      { id: "edge", name: "Edge", status: "operational", group: true },
      { id: "cdn", name: "CDN", status: "partial_outage", group_id: "edge" },
      { id: "dns", name: "DNS", status: "operational" },
      { id: "api", name: "API", status: "degraded_performance" },
    ]);
    expect(providerStatus(summary, { components: ["dns"] })).toBe("operational");
    expect(providerStatus(summary, { components: ["DNS", "API"] })).toBe("degraded_performance");
    expect(providerStatus(summary, { components: ["Edge"] })).toBe("partial_outage");
    expect(providerStatus(summary)).toBe("partial_outage");
    expect(providerIncidents(summary, { components: ["dns"] })).toEqual([]);
    expect(providerIncidents(summary, { components: ["edge"] }).map((i) => i.name)).toEqual(["CDN errors"]);
  });

  it("counts an incident naming no component only when you follow the whole page", () => {
    const base = JSON.parse(JSON.stringify(summaryWith([{ id: "cdn", name: "CDN", status: "operational" }])));
    base.incidents.push({
      id: "i3",
      name: "Billing emails delayed",
      status: "identified",
      components: [],
      incident_updates: [],
    });
    const summary = parsed(JSON.stringify(base));
    expect(providerIncidents(summary).map((i) => i.name)).toEqual(["CDN errors", "Billing emails delayed"]);
    expect(providerIncidents(summary, { components: ["CDN"] }).map((i) => i.name)).toEqual(["CDN errors"]);
  });

  it("says unknown, never down, for what it cannot tell", () => {
    // Followed components renamed away, and a status no Statuspage page uses.
    expect(
      providerStatus(summaryWith([{ id: "cdn", name: "CDN", status: "operational" }]), { components: ["gone"] }),
    ).toBe("unknown");
    expect(providerStatus(summaryWith([{ id: "cdn", name: "CDN", status: "melting" }]))).toBe("unknown");
    // A failure it does name still counts.
    expect(
      providerStatus(
        summaryWith([
          { id: "cdn", name: "CDN", status: "melting" },
          { id: "dns", name: "DNS", status: "major_outage" },
        ]),
      ),
    ).toBe("major_outage");
  });
});

describe("what a statuspage monitor follows", () => {
  it("is the same for the page and its summary.json, and another for another page or other components", () => {
    const page = providerSource({ url: "https://www.githubstatus.com" });
    expect(providerSource({ url: "https://www.githubstatus.com/api/v2/summary.json" })).toBe(page);
    expect(providerSource({ url: "https://www.cloudflarestatus.com" })).not.toBe(page);
    expect(providerSource({ url: "https://www.githubstatus.com", providerComponents: ["Actions"] })).not.toBe(page);
    // The same choice in another order, or named twice, is the same source: no second incident for one trouble.
    const two = providerSource({ url: "https://www.githubstatus.com", providerComponents: ["Actions", "Git"] });
    expect(providerSource({ url: "https://www.githubstatus.com", providerComponents: ["Git", "Actions", "Git"] })).toBe(
      two,
    );
  });
});

describe("the availability ceiling", () => {
  it("is the product of the critical dependencies' availability", () => {
    expect(availabilityCeiling([])).toBe(1);
    expect(
      availabilityCeiling([
        { critical: true, availability: 0.9995 },
        { critical: true, availability: 0.9998 },
        { critical: false, availability: 0.5 },
      ]),
    ).toBeCloseTo(0.9993001, 7);
    expect(availabilityCeiling([{ critical: true, availability: null }])).toBeNull();
    expect(availabilityCeiling([{ critical: false, availability: null }])).toBe(1);
  });

  it("never exceeds its weakest critical dependency, never goes below zero, and ignores non-critical ones", () => {
    const dependency = fc.record({
      critical: fc.boolean(),
      availability: fc.double({ min: 0, max: 1, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(dependency, { maxLength: 8 }), (deps) => {
        const ceiling = availabilityCeiling(deps) ?? Number.NaN;
        const critical = deps.filter((d) => d.critical).map((d) => d.availability);
        expect(ceiling).toBeGreaterThanOrEqual(0);
        expect(ceiling).toBeLessThanOrEqual(Math.min(1, ...critical) + 1e-12);
        expect(availabilityCeiling(deps.filter((d) => d.critical))).toBe(ceiling);
      }),
    );
  });
});

describe("dependency cycles", () => {
  it("names the path that closes a cycle, and finds none in a tree", () => {
    const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));
    expect(dependencyCycle(graph({ api: ["db", "cdn"], db: ["disk"], cdn: [] }))).toBeNull();
    expect(dependencyCycle(graph({ api: ["db"], db: ["cache"], cache: ["api"] }))).toEqual([
      "api",
      "db",
      "cache",
      "api",
    ]);
    expect(dependencyCycle(graph({ web: ["web"] }))).toEqual(["web", "web"]);
  });

  it("finds a cycle whenever an edge closes a chain, whatever the order of the map", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 8 }), fc.integer({ min: 0, max: 7 }), (n, start) => {
        const ids = Array.from({ length: n }, (_, i) => `c${i}`);
        const edges = new Map(ids.map((id, i) => [id, i + 1 < n ? [ids[i + 1] as string] : []]));
        expect(dependencyCycle(edges)).toBeNull();
        edges.set(ids[n - 1] as string, [ids[start % n] as string]);
        const cycle = dependencyCycle(edges);
        expect(cycle?.[0]).toBe(cycle?.at(-1));
        expect(cycle?.length).toBe(n - (start % n) + 1);
      }),
    );
  });
});

describe("an observation of a provider", () => {
  it("keeps every word of the provider bounded, however long the provider makes them", () => {
    const long = fc.string({ maxLength: 5_000, size: "max" });
    fc.assert(
      fc.property(long, long, long, long, long, (name, incident, body, url, word) => {
        const summary = parsed(
          JSON.stringify({
            page: { id: word, name, url },
            status: { indicator: "major", description: word },
            components: [{ id: "c", name: "C", status: "major_outage" }],
            incidents: [
              {
                id: word,
                name: incident,
                status: word,
                impact: word,
                shortlink: url,
                incident_updates: [{ body, status: word, created_at: word }],
                components: [],
              },
            ],
          }),
        );
        const seen = observe(null, { ok: true, summary }, {}, 0);
        expect(seen.name?.length ?? 0).toBeLessThanOrEqual(200);
        expect(seen.pageUrl?.length ?? 0).toBeLessThanOrEqual(2_048);
        const [first] = seen.incidents;
        expect(first?.name.length).toBeLessThanOrEqual(200);
        expect(first?.url.length).toBeLessThanOrEqual(2_048);
        expect(first?.latestUpdate?.body.length).toBeLessThanOrEqual(500);
        for (const w of [
          first?.id,
          first?.status,
          first?.impact,
          first?.latestUpdate?.status,
          first?.latestUpdate?.at,
        ]) {
          expect(w?.length ?? 0).toBeLessThanOrEqual(64);
        }
      }),
      { numRuns: 50 },
    );
  });
});
