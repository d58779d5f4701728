import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../worker/app.tsx";
import type { MonitorReport } from "../../worker/core/monitors/monitor-report.ts";
import type { PageSnapshot } from "../../worker/core/read-model.ts";
import { formatUptime } from "../../worker/core/uptime.ts";
import { pinFlagsForFile } from "../helpers/workers/flags.ts";
import { monitorReport } from "../helpers/workers/monitor-report.ts";
import { pageObject } from "../helpers/workers/worker.ts";

/**
 * A window counts only the time the component existed and was observed
 * (docs/decisions/0023-one-uptime-definition.md). Component "eu-west" (monitor "eu-west" in lookout.config.ts) was
 * added three hours ago, went down 150 minutes ago, and then Lookout itself
 * stopped for two hours while it was down. The two hours are no data: neither
 * the outage's nor uptime.
 */

const MIN = 60_000;
const app = createApp({ freshMs: 0, maxStaleMs: 0, sharedCache: () => null });
const get = async (path: string) => (await app.request(`https://status.test${path}`, {}, env)).text();

let now = 0;
let afterSilence: PageSnapshot;

const report = (at: number, state: MonitorReport["state"], transition: MonitorReport["transition"]) =>
  monitorReport("eu-west", at, state, transition);

// The test drives the reports itself: no Monitor object may check the demo targets meanwhile.
pinFlagsForFile({ probing: false });

beforeAll(async () => {
  const page = pageObject();
  await page.snapshot();
  now = Date.now();
  await runInDurableObject(page, (_instance, state) => {
    for (const id of ["eu-west", "object-storage"]) {
      state.storage.sql.exec(`UPDATE components SET created_at = ? WHERE id = ?`, now - 180 * MIN, id);
      state.storage.sql.exec(`UPDATE component_status_history SET at = ? WHERE component_id = ?`, now - 180 * MIN, id);
    }
  });
  const up = (at: number) => ({
    from: "down" as const,
    to: "up" as const,
    at,
    summary: "HTTP 200",
    firstFailure: null,
  });
  await page.reportMonitor(report(now - 179 * MIN, "up", { ...up(now - 179 * MIN), from: "unknown" }));
  // A sign of life every five minutes while it is up.
  for (const ago of [175, 170, 165, 160, 155]) await page.reportMonitor(report(now - ago * MIN, "up", null));
  await page.reportMonitor(
    report(now - 150 * MIN, "down", {
      from: "up",
      to: "down",
      at: now - 150 * MIN,
      summary: "HTTP 503",
      firstFailure: { at: now - 151 * MIN, summary: "HTTP 503" },
    }),
  );
  // Its last sign of life before Lookout stopped: still down, every five minutes.
  for (const ago of [145, 140, 135, 130, 125]) await page.reportMonitor(report(now - ago * MIN, "down", null));
  const cached = await page.snapshot();
  // Lookout runs again two hours later: the first report says it is still down (no change of status), the
  // next that it passes again.
  await page.reportMonitor(report(now - 6 * MIN, "down", null));
  afterSilence = await page.snapshot();
  expect(afterSilence.version, "the silence that ended is a change readers see").toBeGreaterThan(cached.version);
  await page.reportMonitor(report(now - 5 * MIN, "up", up(now - 5 * MIN)));
});

describe("time without data", () => {
  it("leaves the time Lookout was not running out of every uptime figure, and says how much was observed", async () => {
    // Observed: 55 min before the stop and 6 min since (and the seconds this test has taken since); down 26
    // of them (25 before, 1 after): 35/61 = 57.37 % when read at once. The figure grows with every second of
    // uptime since, so the pages are checked against the snapshot they were rendered from, and that against
    // the arithmetic with the elapsed seconds allowed for.
    const snapshot = await pageObject().snapshot();
    const ninety = snapshot.components.find((c) => c.id === "eu-west")?.uptimeWindows.at(-1);
    if (!ninety || ninety.uptime === null) throw new Error("no 90-day figure for eu-west");
    expect(ninety.majorOutageSeconds).toBeCloseTo(26 * 60, 0);
    expect(ninety.observedSeconds).toBeGreaterThanOrEqual(61 * 60);
    expect(ninety.observedSeconds).toBeLessThan(62 * 60);
    const elapsed = ninety.observedSeconds - 61 * 60;
    expect(ninety.uptime).toBeCloseTo((35 * 60 + elapsed) / (61 * 60 + elapsed), 6);
    const figure = formatUptime(ninety.uptime);
    const caption = `${figure} uptime over 1 h 1 min of data in the last 90 days`;
    expect(await get("/")).toContain(`aria-label="EU West (Frankfurt): ${caption}"`);
    const detail = await get("/components/eu-west");
    expect(detail).toContain(`Uptime of EU West (Frankfurt) per day, newest first; ${caption}`);
    expect(detail).toContain(`<dt>24 hours</dt><dd>${figure}<span class="meta"> (1 h 1 min of data)</span></dd>`);
    expect(detail).toContain(`<dt>90 days</dt><dd>${figure}<span class="meta"> (1 h 1 min of data)</span></dd>`);
    // Already in the snapshot the moment the silence ended, before any status changed.
    const then = afterSilence.components.find((c) => c.id === "eu-west")?.uptimeWindows.at(-1);
    expect(then?.observedSeconds).toBeLessThan(62 * 60);
  });

  it("keeps a component no monitor drives as declared through the same time", async () => {
    // "object-storage" has no monitor in lookout.config.ts: its status is what people declare, and stands.
    const snapshot = await pageObject().snapshot();
    const ninety = snapshot.components.find((c) => c.id === "object-storage")?.uptimeWindows.at(-1);
    expect(ninety?.observedSeconds).toBeCloseTo(180 * 60, 0);
    expect(ninety?.uptime).toBe(1);
  });
});
