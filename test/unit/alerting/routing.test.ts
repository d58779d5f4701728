import { describe, expect, it } from "vitest";
import type { AlertRoute } from "../../../worker/core/alerting/policies.ts";
import { type Routable, routeAlert } from "../../../worker/core/alerting/routing.ts";

const down: Routable = { kind: "monitor_down", severity: "critical", monitorId: "api", componentIds: ["api", "web"] };

describe("routeAlert", () => {
  it("takes the first route, in config order, whose every filter matches", () => {
    const routes: AlertRoute[] = [
      { policy: "warnings", severities: ["warning"] },
      { policy: "api-pager", monitors: ["api"], kinds: ["monitor_down"] },
      { policy: "catch-all" },
    ];
    expect(routeAlert(routes, down)).toBe("api-pager");
    expect(routeAlert(routes, { ...down, severity: "warning" })).toBe("warnings");
    expect(routeAlert(routes, { ...down, monitorId: "search" })).toBe("catch-all");
  });

  it("matches a component filter when any of the alert's components is listed", () => {
    const routes: AlertRoute[] = [{ policy: "web", components: ["web"] }];
    expect(routeAlert(routes, down)).toBe("web");
    expect(routeAlert(routes, { ...down, componentIds: ["api"] })).toBeNull();
  });

  it("never matches a monitor filter for an alert about no monitor", () => {
    const routes: AlertRoute[] = [{ policy: "api", monitors: ["api"] }];
    expect(routeAlert(routes, { ...down, kind: "lookout_connectivity", monitorId: null, componentIds: [] })).toBeNull();
  });

  it("needs every filter a route sets to match", () => {
    const routes: AlertRoute[] = [
      { policy: "p", monitors: ["api"], severities: ["critical"], kinds: ["monitor_silent"] },
    ];
    expect(routeAlert(routes, down)).toBeNull();
    expect(routeAlert(routes, { ...down, kind: "monitor_silent" })).toBe("p");
  });

  it("sends an alert nowhere when no route matches, or there are none", () => {
    expect(routeAlert([], down)).toBeNull();
  });
});
