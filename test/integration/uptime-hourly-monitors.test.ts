import { runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { defineConfig } from "../../worker/config/define-config.ts";
import type { MonitorReport } from "../../worker/core/monitors/monitor-report.ts";
import { pinFlagsForFile } from "../helpers/workers/flags.ts";
import { monitorReport } from "../helpers/workers/monitor-report.ts";
import { pageObject } from "../helpers/workers/worker.ts";

/**
 * A page whose only monitor checks once an hour hears from it once an hour:
 * the hour between two checks is observed time, not a silence. Only a missed
 * check (Lookout not running) is no data (docs/decisions/0023).
 */

const MIN = 60_000;
let now = 0;

const hourly = defineConfig({
  page: { name: "Hourly", url: "https://status.hourly.test" },
  components: [{ id: "jobs", name: "Nightly jobs" }],
  monitors: [{ id: "jobs-hourly", url: "http://127.0.0.1:9/healthCheck", components: ["jobs"], intervalSeconds: 3600 }],
});

const report = (at: number, state: MonitorReport["state"], transition: MonitorReport["transition"] = null) =>
  monitorReport("jobs-hourly", at, state, transition);

// The test sends the monitor's reports itself.
pinFlagsForFile({ probing: false });

beforeAll(async () => {
  const page = pageObject();
  await page.reconcile(hourly);
  now = Date.now();
  await runInDurableObject(page, (_instance, state) => {
    state.storage.sql.exec(`UPDATE components SET created_at = ? WHERE id = 'jobs'`, now - 300 * MIN);
    state.storage.sql.exec(`UPDATE component_status_history SET at = ? WHERE component_id = 'jobs'`, now - 300 * MIN);
  });
  const first = now - 300 * MIN;
  await page.reportMonitor(
    report(first, "up", { from: "unknown", to: "up", at: first, summary: "HTTP 200", firstFailure: null }),
  );
  // Checks at -240 and -180 min; the two due at -120 and -60 never ran (Lookout was not running); then now.
  for (const ago of [240, 180, 0]) await page.reportMonitor(report(now - ago * MIN, "up"));
});

describe("uptime with hourly monitors", () => {
  it("counts the hours between checks as observed and only the missed check's silence as no data", async () => {
    const snapshot = await pageObject().snapshot();
    const day = snapshot.components.find((c) => c.id === "jobs")?.uptimeWindows.find((w) => w.label === "24 hours");
    // 300 min since it existed; the 180 min from the check at -180 to now are longer than two checks and a
    // minute (121 min), so they are no data; the hours between the checks before them are observed.
    expect(day?.observedSeconds).toBeCloseTo(120 * 60, -1);
    expect(day?.uptime).toBe(1);
  });
});
