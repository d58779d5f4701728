import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { createApp } from "../../worker/app.tsx";
import type { MonitorReport } from "../../worker/core/monitors/monitor-report.ts";
import { pinFlagsForFile } from "../helpers/workers/flags.ts";
import { monitorReport } from "../helpers/workers/monitor-report.ts";
import { setComponentStatus } from "../helpers/workers/page-writes.ts";
import { pageObject } from "../helpers/workers/worker.ts";

/**
 * Statuspage fidelity (docs/decisions/0024-statuspage-fidelity.md): every update of an automatic incident names
 * its components as every other update does, "Group - Component" for a
 * grouped one, so a consumer of /api/v2/incidents.json sees one component
 * under one name. The deployed config (lookout.config.ts): monitor "api"
 * drives component "api", "REST API", in group "core", "Core platform".
 */

type Update = {
  status: string;
  affected_components: { code: string; name: string; old_status: string; new_status: string }[] | null;
};

const MIN = 60_000;
/** The Worker as deployed, without the edge cache, so the read shows the object's state. */
const app = createApp({ freshMs: 0, maxStaleMs: 0, sharedCache: () => null });

// The test drives the monitor's reports itself (no Monitor object may check the demo targets meanwhile),
// and is about automatic incidents: it needs them on in every run.
pinFlagsForFile({ automatic_incidents: true, probing: false });

it("names a grouped component 'Group - Component' in every update of an automatic incident", async () => {
  const page = pageObject();
  await setComponentStatus(page, "api", "operational");
  const now = Date.now();
  const report = (state: MonitorReport["state"], transition: MonitorReport["transition"]) =>
    monitorReport("api", now, state, transition);
  await page.reportMonitor(
    report("up", { from: "unknown", to: "up", at: now - 10 * MIN, summary: "HTTP 200 in 80 ms", firstFailure: null }),
  );
  const down = await page.reportMonitor(
    report("down", {
      from: "up",
      to: "down",
      at: now - 5 * MIN,
      summary: "HTTP 503",
      firstFailure: { at: now - 6 * MIN, summary: "HTTP 502" },
    }),
  );
  const incidentId = down.incidentId ?? "";
  expect(incidentId, "an automatic incident was opened").not.toBe("");
  await page.reportMonitor(
    report("up", { from: "down", to: "up", at: now - 4 * MIN, summary: "HTTP 200 in 90 ms", firstFailure: null }),
  );
  // The quiet period has passed (moved back in time rather than waited for): the cron tick resolves it.
  await runInDurableObject(page, (_instance, state) => {
    state.storage.sql.exec(`UPDATE incidents SET recovered_at = recovered_at - 11 * ? WHERE id = ?`, MIN, incidentId);
  });
  expect((await page.tick()).resolvedIncidents).toContain(incidentId);

  const v2 = await (await app.request("https://status.test/api/v2/incidents.json", {}, env)).json<{
    incidents: { id: string; incident_updates: Update[] }[];
  }>();
  const updates = v2.incidents.find((i) => i.id === incidentId)?.incident_updates ?? [];
  expect(updates.map((u) => u.status)).toEqual(["resolved", "monitoring", "investigating"]);
  const named = { code: "api", name: "Core platform - REST API" };
  expect(updates.map((u) => u.affected_components)).toEqual([
    [{ ...named, old_status: "operational", new_status: "operational" }],
    [{ ...named, old_status: "major_outage", new_status: "operational" }],
    [{ ...named, old_status: "operational", new_status: "major_outage" }],
  ]);
});
