import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../worker/app.tsx";
import type { MonitorReport } from "../../worker/core/monitors/monitor-report.ts";
import { NOTHING_OBSERVED } from "../../worker/core/reports/monitor-evidence.ts";
import { api } from "../helpers/workers/api.ts";
import { pinFlagsForFile } from "../helpers/workers/flags.ts";
import { monitorReport } from "../helpers/workers/monitor-report.ts";
import { pageObject } from "../helpers/workers/worker.ts";

/**
 * One set of numbers (docs/decisions/0023-one-uptime-definition.md): a component created an hour ago whose
 * monitor saw a 2-minute outage (first failing check → recovery; declared
 * down one minute in). Every surface must tell the same story: the uptime
 * over the hour that was observed, not over 90 days; the incident lasting
 * the outage, not the outage plus the quiet period before it was resolved.
 */

const MIN = 60_000;
const HOUR = 60 * MIN;

// The deployed config (lookout.config.ts): monitor "api" drives component "api", named "REST API". The
// page is not reconciled with another config: the cron tick below applies the deployed one.
/** The Worker as deployed, without the edge cache, so each read shows the object's state. */
const app = createApp({ freshMs: 0, maxStaleMs: 0, sharedCache: () => null });
const get = async (path: string) => (await app.request(`https://status.test${path}`, {}, env)).text();

let now = 0;
let firstFailure = 0;
let declared = 0;
let recovered = 0;
let incidentId = "";

const report = (state: MonitorReport["state"], transition: MonitorReport["transition"], at = now) =>
  monitorReport("api", at, state, transition);

// The test drives the monitor's reports itself (no Monitor object may check the demo targets meanwhile)
// and measures an automatic incident: it needs them on in every run.
pinFlagsForFile({ automatic_incidents: true, probing: false });

beforeAll(async () => {
  const page = pageObject();
  now = Date.now();
  // The component was added an hour ago: its creation and first status move back by an hour.
  await runInDurableObject(page, (_instance, state) => {
    state.storage.sql.exec(
      `UPDATE components SET created_at = ?, updated_at = ? WHERE id = 'api'`,
      now - HOUR,
      now - HOUR,
    );
    state.storage.sql.exec(`UPDATE component_status_history SET at = ? WHERE component_id = 'api'`, now - HOUR);
  });
  firstFailure = now - 30 * MIN;
  declared = now - 29 * MIN;
  recovered = now - 28 * MIN;
  // What the Monitor object reports, with its own times (a report may arrive after the change it carries).
  await page.reportMonitor(
    report("up", { from: "unknown", to: "up", at: now - 59 * MIN, summary: "HTTP 200 in 80 ms", firstFailure: null }),
  );
  // Its sign of life every five minutes: the hour was observed throughout.
  for (let ago = 55; ago > 29; ago -= 5) await page.reportMonitor(report("up", null, now - ago * MIN));
  const down = await page.reportMonitor(
    report("down", {
      from: "up",
      to: "down",
      at: declared,
      summary: "HTTP 503",
      firstFailure: { at: firstFailure, summary: "HTTP 502" },
    }),
  );
  expect(down.incidentId, "an automatic incident was opened").not.toBeNull();
  incidentId = down.incidentId ?? "";
  await page.reportMonitor(
    report("up", { from: "down", to: "up", at: recovered, summary: "HTTP 200 in 90 ms", firstFailure: null }),
  );
  // Ten quiet minutes have long passed: the cron tick resolves it.
  expect((await page.tick()).resolvedIncidents).toContain(incidentId);
});

describe("one set of numbers", () => {
  it("uptime figures on every surface agree for a component created an hour ago with a 2-minute outage", async () => {
    // Down from the declaration (29 min ago) to the recovery (28 min ago): 1 minute of 60 observed.
    const figure = "98.33%";
    const caption = `${figure} uptime over 1 h of data in the last 90 days`;

    const front = await get("/");
    expect(front).toContain(`aria-label="REST API: ${caption}"`);
    expect(front).toMatch(new RegExp(`href="/components/api">${caption}<`));

    const detail = await get("/components/api");
    const windows = [...detail.matchAll(/<dt>([^<]+)<\/dt><dd>([^<]+)<span class="meta"> \(([^)]+)\)<\/span><\/dd>/g)];
    expect(windows.map((w) => w.slice(1))).toEqual(
      ["24 hours", "7 days", "30 days", "90 days"].map((label) => [label, figure, "1 h of data"]),
    );
    expect(detail).toContain(`aria-label="REST API: ${caption}"`);
    expect(detail).toContain(`Uptime of REST API per day, newest first; ${caption}`);
    const rows = [
      ...detail.matchAll(/<tr><th scope="row"><time[^>]*>[^<]+<\/time><\/th><td>([^<]+)<\/td><td>([^<]+)<\/td>/g),
    ];
    expect(rows).toHaveLength(90);
    // Today, then the day before the component existed: no data, not uptime. (If the hour began before
    // midnight UTC it spans two rows; the day before those is still no data.)
    const oneDay = new Date(now - HOUR).toISOString().slice(0, 10) === new Date(now).toISOString().slice(0, 10);
    if (oneDay) expect(rows[0]?.slice(1)).toEqual([figure, `${figure} uptime over 1 h of data; major outage 1 min`]);
    else {
      // The day the outage fell on names it over the part of the hour it holds; the other part is whole.
      const outageToday = new Date(declared).toISOString().slice(0, 10) === new Date(now).toISOString().slice(0, 10);
      const [withOutage, without] = outageToday ? [rows[0], rows[1]] : [rows[1], rows[0]];
      expect(withOutage?.[2]).toMatch(/^\S+ uptime( over .+ of data)?; major outage 1 min$/);
      expect(without?.[1]).toBe("100.00%");
    }
    expect(rows[oneDay ? 1 : 2]?.slice(1)).toEqual(["No data", "no data"]);

    // The snapshot the JSON and the pages render from carries the same figures, taken at one instant.
    const snapshot = await pageObject().snapshot();
    const api = snapshot.components.find((c) => c.id === "api");
    expect(api?.uptimeWindows.map((w) => w.majorOutageSeconds)).toEqual([60, 60, 60, 60]);
    // The outage's minute is on today's bar, or yesterday's when the hour began before midnight UTC.
    const lastTwo = api?.uptimeDays.slice(-2).map((d) => d.majorOutageSeconds) ?? [];
    expect(oneDay ? lastTwo[1] : (lastTwo[0] ?? 0) + (lastTwo[1] ?? 0)).toBe(60);

    // Statuspage's v2 JSON has no uptime; its component is the same one, operational again.
    const v2 = JSON.parse(await get("/api/v2/components.json"));
    expect(v2.components.find((c: { id: string }) => c.id === "api")?.status).toBe("operational");
  });

  it("automatic incident duration and time to detect", async () => {
    const v2 = JSON.parse(await get("/api/v2/incidents.json"));
    const incident = v2.incidents.find((i: { id: string }) => i.id === incidentId);
    // Impact began at the first failing check; the incident ended when checks passed again.
    expect(incident.started_at).toBe(new Date(firstFailure).toISOString());
    expect(incident.created_at).toBe(new Date(declared).toISOString());
    expect(incident.resolved_at).toBe(new Date(recovered).toISOString());
    expect(incident.status).toBe("resolved");

    const page = await get(`/incidents/${incidentId}`);
    expect(page).toContain("<dt>Duration</dt><dd>2 min</dd>");

    const { status, body } = await api("GET", `/incidents/${incidentId}/report`);
    expect(status).toBe(200);
    const draft = body.draft;
    expect(draft.figures.timeToDetectMs).toBe(declared - firstFailure);
    expect(draft.figures.timeToResolveMs).toBe(recovered - firstFailure);
    expect(draft.summary).toMatch(/, 2 min in all\.$/);
    expect(draft.components).toEqual([
      { id: "api", name: "REST API", worstStatus: "major_outage", notOperationalMs: MIN },
    ]);
    expect(draft.whatHappened).toContain("- Time to detect: 1 min");
    const evidence = draft.whatHappened.slice(draft.whatHappened.indexOf("#### Probe evidence"));
    expect(evidence.split("\n").slice(2)).toEqual([
      expect.stringMatching(/ api: first failing check, HTTP 502$/),
      expect.stringMatching(/ api: passing → failing, HTTP 503$/),
      expect.stringMatching(/ api: failing → passing, HTTP 200 in 90 ms$/),
    ]);
  });

  it("lists no status a person set as probe evidence, and says so when the monitors saw nothing", async () => {
    const created = await api("POST", "/incidents", {
      body: { name: "Search is down", message: "Looking.", components: { search: "major_outage" } },
    });
    expect(created.status).toBe(201);
    const { body } = await api("GET", `/incidents/${created.body.id}/report`);
    expect(body.draft.whatHappened).toContain(`#### Probe evidence\n\n${NOTHING_OBSERVED}`);
  });
});
