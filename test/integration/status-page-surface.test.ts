import { runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import { scratchObject } from "../helpers/workers/worker.ts";

/**
 * Incidents, maintenances and component statuses change through the
 * communicator API (`api()`), the monitors' reports or the config, never
 * through a write method only tests or benchmarks call (issue 11, item 12):
 * such a method skips the API's checks and audit line, and anyone holding
 * the binding could call it.
 */
const GONE = ["setComponentStatus", "createIncident", "addIncidentUpdate", "createMaintenance", "setMaintenanceStatus"];

it("the StatusPage object has no write methods beside the API's", async () => {
  const stub = scratchObject("surface");
  const methods = await runInDurableObject(stub, (instance: StatusPage) =>
    Object.getOwnPropertyNames(Object.getPrototypeOf(instance)),
  );
  // The inspection itself works: the API's entry point is found.
  expect(methods).toContain("api");
  expect(methods.filter((name) => GONE.includes(name))).toEqual([]);
});
