import { describe, expect, it } from "vitest";
import {
  type AutoIncidentContext,
  isQuietLongEnough,
  planAutoIncident,
  QUIET_PERIOD_MS,
  resolvedText,
} from "../../worker/core/monitors/auto-incident.ts";

const at = Date.parse("2026-11-22T10:00:00Z");
const down: AutoIncidentContext = {
  region: "default",
  transition: { from: "up", to: "down", at: at + 20_000, summary: "unexpected status 503 (expected 2xx)" },
  firstFailure: { at, summary: "timeout after 10000 ms" },
  components: [
    { id: "api", name: "REST API", status: "major_outage" },
    { id: "web", name: "Website", status: "operational" },
  ],
  managed: null,
  coveredByPerson: false,
  timeZone: "Europe/Berlin",
};

describe("planAutoIncident", () => {
  it("opens one incident for the components that went down, citing the evidence", () => {
    const action = planAutoIncident(down);
    expect(action).toMatchObject({
      kind: "open",
      name: "REST API is unavailable",
      impact: "major",
      components: { api: "major_outage" },
    });
    if (action.kind !== "open") throw new Error("expected open");
    expect(action.body).toContain("First failing check at 22 Nov 2026, 11:00:00 CET: timeout after 10000 ms.");
    expect(action.body).toContain("Latest at 11:00:20 CET: unexpected status 503 (expected 2xx).");
  });

  it("names the components a reader knows, never the monitor's id", () => {
    const action = planAutoIncident(down);
    if (action.kind !== "open") throw new Error("expected open");
    expect(action.body).toMatch(/^Lookout's checks of REST API and Website are failing\./);
    const recovered = planAutoIncident({
      ...down,
      transition: { from: "down", to: "up", at: at + 300_000, summary: "200 in 12 ms" },
      managed: { id: "inc1", status: "investigating" },
    });
    if (recovered.kind !== "update") throw new Error("expected update");
    expect(recovered.body).toBe(
      "REST API and Website have answered correctly since 22 Nov 2026, 11:05:00 CET (200 in 12 ms). We are monitoring the recovery.",
    );
    const relapse = planAutoIncident({
      ...down,
      components: [{ id: "api", name: "REST API", status: "major_outage" }],
      managed: { id: "inc1", status: "monitoring" },
    });
    if (relapse.kind !== "update") throw new Error("expected update");
    expect(relapse.body).toBe(
      "REST API is failing again since 22 Nov 2026, 11:00:20 CET: unexpected status 503 (expected 2xx). We are investigating.",
    );
  });

  it("says when it resolved in the page's time zone, to the second", () => {
    expect(resolvedText(at + 65_000, "America/New_York")).toBe(
      "This incident has been resolved: checks have passed since 22 Nov 2026, 05:01:05 GMT-5 without a relapse.",
    );
  });

  it("never opens a second incident for the same outage", () => {
    expect(planAutoIncident({ ...down, managed: { id: "inc1", status: "investigating" } })).toEqual({ kind: "none" });
  });

  it("stays out of an incident a person is already running", () => {
    expect(planAutoIncident({ ...down, coveredByPerson: true })).toEqual({ kind: "none" });
  });

  it("does nothing when no component is actually down (maintenance, or no quorum)", () => {
    const quiet = { ...down, components: [{ id: "api", name: "REST API", status: "under_maintenance" as const }] };
    expect(planAutoIncident(quiet)).toEqual({ kind: "none" });
  });

  it("says so when the target recovers, and again if it relapses", () => {
    const recovered = planAutoIncident({
      ...down,
      transition: { from: "down", to: "up", at: at + 300_000, summary: "200 in 12 ms" },
      managed: { id: "inc1", status: "investigating" },
    });
    expect(recovered).toMatchObject({ kind: "update", incidentId: "inc1", status: "monitoring" });
    const relapse = planAutoIncident({ ...down, managed: { id: "inc1", status: "monitoring" } });
    expect(relapse).toMatchObject({ kind: "update", incidentId: "inc1", status: "investigating" });
  });

  it("names several components readably and uses minor impact for partial outages", () => {
    const action = planAutoIncident({
      ...down,
      components: [
        { id: "a", name: "A", status: "partial_outage" },
        { id: "b", name: "B", status: "partial_outage" },
        { id: "c", name: "C", status: "partial_outage" },
      ],
    });
    expect(action).toMatchObject({ kind: "open", name: "A, B and C are unavailable", impact: "minor" });
  });

  it("resolves only after the quiet period", () => {
    expect(isQuietLongEnough(at, at + QUIET_PERIOD_MS - 1)).toBe(false);
    expect(isQuietLongEnough(at, at + QUIET_PERIOD_MS)).toBe(true);
  });
});
