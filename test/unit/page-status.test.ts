import { describe, expect, it } from "vitest";
import { derivePageStatus } from "../../worker/core/page-status.ts";
import { COMPONENT_STATUSES, type ComponentStatus, IMPACTS, INDICATORS } from "../../worker/core/statuses.ts";

const rank = (indicator: string) => INDICATORS.indexOf(indicator as (typeof INDICATORS)[number]);

/** Every list of `length` statuses. */
function* combinations(length: number): Generator<ComponentStatus[]> {
  if (length === 0) {
    yield [];
    return;
  }
  for (const rest of combinations(length - 1)) for (const status of COMPONENT_STATUSES) yield [...rest, status];
}

describe("derivePageStatus", () => {
  it.each([
    ["operational", "none", "All Systems Operational"],
    ["under_maintenance", "maintenance", "Service Under Maintenance"],
    ["degraded_performance", "minor", "Partially Degraded Service"],
    ["partial_outage", "minor", "Minor Service Outage"],
    ["major_outage", "major", "Partial System Outage"],
  ] as const)("one of two components %s → %s", (status, indicator, description) => {
    expect(
      derivePageStatus({
        componentStatuses: ["operational", status],
        incidentImpacts: [],
        maintenanceInProgress: false,
      }),
    ).toEqual({ indicator, description });
  });

  it("every component in major outage is a major system outage", () => {
    expect(
      derivePageStatus({
        componentStatuses: ["major_outage", "major_outage"],
        incidentImpacts: [],
        maintenanceInProgress: false,
      }),
    ).toEqual({ indicator: "critical", description: "Major System Outage" });
  });

  it.each([
    ["none", "none"],
    ["minor", "minor"],
    ["major", "major"],
    ["critical", "critical"],
  ] as const)("an open incident of impact %s raises the indicator to %s", (impact, indicator) => {
    const status = derivePageStatus({
      componentStatuses: ["operational"],
      incidentImpacts: [impact],
      maintenanceInProgress: false,
    });
    expect(status.indicator).toBe(indicator);
  });

  it("an in-progress maintenance shows when nothing is worse, and yields to any failure", () => {
    expect(
      derivePageStatus({ componentStatuses: ["operational"], incidentImpacts: [], maintenanceInProgress: true }),
    ).toEqual({ indicator: "maintenance", description: "Service Under Maintenance" });
    expect(
      derivePageStatus({
        componentStatuses: ["degraded_performance"],
        incidentImpacts: [],
        maintenanceInProgress: true,
      }).indicator,
    ).toBe("minor");
  });

  // Exhaustive over every combination of statuses for up to three components,
  // with and without incidents: the invariants that make a roll-up trustworthy.
  for (const length of [1, 2, 3]) {
    it(`holds its invariants for all ${COMPONENT_STATUSES.length ** length} combinations of ${length} component(s)`, () => {
      for (const statuses of combinations(length)) {
        for (const impact of [undefined, ...IMPACTS]) {
          const input = {
            componentStatuses: statuses,
            incidentImpacts: impact ? [impact] : [],
            maintenanceInProgress: false,
          };
          const result = derivePageStatus(input);
          const allOperational = statuses.every((s) => s === "operational");
          // Operational only when nothing says otherwise.
          expect(result.indicator === "none").toBe(allOperational && (impact === undefined || impact === "none"));
          // Order of components never matters.
          expect(derivePageStatus({ ...input, componentStatuses: [...statuses].reverse() })).toEqual(result);
          // Making one component worse never makes the page look better.
          statuses.forEach((status, i) => {
            const worse = COMPONENT_STATUSES[COMPONENT_STATUSES.indexOf(status) + 1];
            if (!worse) return;
            const degraded = [...statuses];
            degraded[i] = worse;
            expect(rank(derivePageStatus({ ...input, componentStatuses: degraded }).indicator)).toBeGreaterThanOrEqual(
              rank(result.indicator),
            );
          });
          // Any outage is never reported as mere maintenance or all-clear.
          if (statuses.some((s) => s === "partial_outage" || s === "major_outage")) {
            expect(rank(result.indicator)).toBeGreaterThanOrEqual(rank("minor"));
          }
        }
      }
    });
  }
});
