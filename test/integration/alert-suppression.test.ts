import { expect, it } from "vitest";
import { defineConfig } from "../../worker/config/define-config.ts";
import { alerts, brief, changeTo, freshPage, notices } from "../helpers/workers/alerts.ts";
import { createMaintenance } from "../helpers/workers/page-writes.ts";

/**
 * When Lookout keeps quiet on purpose: a monitor whose components are all
 * under a running maintenance raises no alert, and while the canary fails
 * (Lookout suspects its own connectivity) one alert says so instead of one
 * per monitor.
 */

it("raises no alert for a monitor whose components are all under a running maintenance", async () => {
  const page = await freshPage("suppress-maintenance");
  const hour = 3_600_000;
  await createMaintenance(page, {
    name: "Website migration",
    body: "Moving the website.",
    scheduledFor: new Date(Date.now() - hour).toISOString(),
    scheduledUntil: new Date(Date.now() + hour).toISOString(),
    componentIds: ["web"],
    status: "in_progress",
  });
  await page.reportMonitor(changeTo("web", "down"));
  await page.reportMonitor(changeTo("api", "down"));
  expect((await alerts(page)).map((a) => a.key)).toEqual(["monitor:api"]);
});

const MONITORS = 20;
const ids = Array.from({ length: MONITORS }, (_, i) => `m${i + 1}`);
const canaryConfig = defineConfig({
  page: { name: "Canary", url: "https://status.canary.test" },
  components: ids.map((id) => ({ id, name: `Service ${id}` })),
  monitors: [
    { id: "canary", role: "canary", kind: "heartbeat", intervalSeconds: 60 },
    ...ids.map((id) => ({ id, kind: "heartbeat" as const, components: [id], intervalSeconds: 60 })),
  ],
  alerting: {
    channels: [{ id: "slack", kind: "slack", urlSecret: "SLACK_ONCALL_URL" }],
    policies: [{ id: "all", steps: [{ afterMinutes: 0, channels: ["slack"] }] }],
    routes: [{ policy: "all" }],
  },
});

it("raises one connectivity alert, not one per monitor, while the canary fails; monitors still down alert once it is back", async () => {
  const page = await freshPage("suppress-canary", canaryConfig);
  await page.reportMonitor(changeTo("canary", "up"));
  await page.reportMonitor(changeTo("canary", "down"));
  for (const id of ids) await page.reportMonitor(changeTo(id, "down"));
  // The canary's sign of life while still failing changes nothing.
  await page.reportMonitor({ ...changeTo("canary", "down"), transition: null });

  const during = await alerts(page);
  expect(during.map((a) => `${a.key} ${a.kind} ${a.status} ${a.title}`)).toEqual([
    "connectivity lookout_connectivity open Lookout suspects its own connectivity",
  ]);
  const connectivity = during[0]?.id ?? "";
  expect(JSON.parse(during[0]?.details ?? "{}").summary).toContain(
    "HTTP 503 from https://api.acme.example/healthCheck",
  );
  expect(brief(await notices(page))).toEqual(["slack trigger step:0"]);

  // Two of them recover meanwhile; the canary comes back; the other eighteen are still down.
  await page.reportMonitor(changeTo("m1", "up"));
  await page.reportMonitor(changeTo("m2", "up"));
  await page.reportMonitor(changeTo("canary", "up"));
  const after = await alerts(page);
  expect(after.find((a) => a.id === connectivity)?.status).toBe("resolved");
  const monitorAlerts = after.filter((a) => a.kind === "monitor_down");
  expect(monitorAlerts.map((a) => a.key).sort()).toEqual(
    ids
      .slice(2)
      .map((id) => `monitor:${id}`)
      .sort(),
  );
  expect(monitorAlerts.every((a) => a.status === "open")).toBe(true);
  expect(brief(await notices(page, connectivity))).toEqual(["slack trigger step:0", "slack resolve resolve"]);
  expect((await notices(page)).filter((n) => n.kind === "trigger")).toHaveLength(1 + MONITORS - 2);
});
