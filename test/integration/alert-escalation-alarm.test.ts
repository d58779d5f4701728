import { runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import { defineConfig } from "../../worker/config/define-config.ts";
import {
  alarmAt,
  alertingConfig,
  alerts,
  brief,
  changeTo,
  freshPage,
  MIN,
  moveBack,
  notices,
  runAlarm,
} from "../helpers/workers/alerts.ts";

/**
 * Escalation through the alarm path (jobs/alert-escalation.ts), with a
 * controlled clock: an alert is moved back in time as if it had opened that
 * long ago, and the object's alarm runs. The policies are
 * test/helpers/workers/alerts.ts alertingConfig's: critical alerts go to Slack
 * at once, mail after 5 min, PagerDuty and Slack after 15 (a handover), ntfy
 * after 30; warnings to ntfy, reminded every 10 min.
 */

it("queues each step when it falls due, and sets the alarm for the next one", async () => {
  const page = await freshPage("escalation-steps");
  await page.reportMonitor(changeTo("api", "down"));
  const [opened] = await alerts(page);
  const id = opened?.id ?? "";

  // Four minutes in: nothing is due yet, however often the alarm runs.
  await moveBack(page, id, 4);
  await runAlarm(page);
  expect(brief(await notices(page, id))).toEqual(["slack trigger step:0"]);

  await moveBack(page, id, 1);
  await runAlarm(page);
  expect(brief(await notices(page, id))).toEqual(["slack trigger step:0", "mail trigger step:1"]);
  const [after] = await alerts(page);
  expect(after).toMatchObject({ steps: 2, status: "open" });
  expect(after?.next_escalation_at).toBe((after?.opened_at ?? 0) + 15 * MIN);
  // The alarm comes back for step 2 at its time (not at the next heartbeat).
  const alarm = await alarmAt(page);
  expect(alarm).not.toBeNull();
  expect(alarm).toBeLessThanOrEqual((after?.opened_at ?? 0) + 15 * MIN);
});

it("stops escalating once acknowledged, and still tells the alerted channels when it recovers", async () => {
  const page = await freshPage("escalation-ack");
  await page.reportMonitor(changeTo("api", "down"));
  const [opened] = await alerts(page);
  const id = opened?.id ?? "";
  await moveBack(page, id, 6);
  await runAlarm(page);
  // Acknowledged through the signed link's path (alerts/acknowledge.ts), as the on-call person would.
  expect((await page.acknowledgeAlertByLink(id)).outcome).toBe("acknowledged");

  await moveBack(page, id, 60);
  await runAlarm(page);
  expect(brief(await notices(page, id))).toEqual(["slack trigger step:0", "mail trigger step:1"]);
  // Reported down again (another transition): still acknowledged, nobody paged again.
  await page.reportMonitor(changeTo("api", "down"));
  expect((await alerts(page))[0]).toMatchObject({ status: "acknowledged", next_escalation_at: null });
  expect(await notices(page, id)).toHaveLength(2);

  await page.reportMonitor(changeTo("api", "up"));
  expect(
    brief(await notices(page, id))
      .slice(2)
      .sort(),
  ).toEqual(["mail resolve resolve", "slack resolve resolve"]);
});

it("goes no further than the step that hands over to PagerDuty", async () => {
  const page = await freshPage("escalation-handover");
  await page.reportMonitor(changeTo("api", "down"));
  const [opened] = await alerts(page);
  const id = opened?.id ?? "";
  await moveBack(page, id, 16);
  await runAlarm(page);
  const [handed] = await alerts(page);
  expect(handed?.handed_over_at).not.toBeNull();
  expect(handed?.next_escalation_at).toBeNull();

  // Past the ntfy step's 30 minutes: PagerDuty pages and acknowledges from here; Lookout adds nothing.
  await moveBack(page, id, 60);
  await runAlarm(page);
  expect(brief(await notices(page, id))).toEqual([
    "slack trigger step:0",
    "mail trigger step:1",
    "pd trigger step:2",
    "slack trigger step:2",
  ]);
});

it("reminds every channel alerted while unacknowledged, once per reminder, only the latest after a long gap", async () => {
  const page = await freshPage("escalation-reminders");
  await page.reportMonitor(changeTo("web", "degraded"));
  const [opened] = await alerts(page);
  const id = opened?.id ?? "";
  expect(opened).toMatchObject({ policy: "chat", severity: "warning" });
  expect(opened?.next_escalation_at).toBe((opened?.opened_at ?? 0) + 10 * MIN);

  await moveBack(page, id, 10);
  await runAlarm(page);
  await runAlarm(page);
  expect(brief(await notices(page, id))).toEqual(["ntfy trigger step:0", "ntfy reminder reminder:0"]);

  // The object was away for half an hour: the reminders at 20 and 30 min are passed over, the one at 40 goes.
  await moveBack(page, id, 35);
  await runAlarm(page);
  expect(brief(await notices(page, id))).toEqual([
    "ntfy trigger step:0",
    "ntfy reminder reminder:0",
    "ntfy reminder reminder:3",
  ]);
  const [after] = await alerts(page);
  expect(after?.next_escalation_at).toBe((after?.opened_at ?? 0) + 50 * MIN);
});

it("comes back by itself when a step is due: the step is queued within 5 s of its time", async () => {
  // A step 6 s after the alert opens; no test runs the alarm: the object's own alarm must come for it.
  const quick = {
    ...alertingConfig,
    alerting: {
      ...alertingConfig.alerting,
      policies: [
        {
          id: "quick",
          steps: [
            { afterMinutes: 0, channels: ["slack"] },
            { afterMinutes: 0.1, channels: ["mail"] },
          ],
        },
      ],
      routes: [{ policy: "quick" }],
    },
  } as typeof alertingConfig;
  const page = await freshPage("escalation-on-time", quick);
  await page.reportMonitor(changeTo("api", "down"));
  const [opened] = await alerts(page);
  const dueAt = (opened?.opened_at ?? 0) + 6_000;
  const queuedAt = () =>
    runInDurableObject(page, (_: StatusPage, state) =>
      state.storage.sql
        .exec<{ at: number }>(`SELECT created_at AS at FROM outbox WHERE dedupe_key = ?`, `${opened?.id}:step:1`)
        .toArray(),
    );
  for (let i = 0; i < 300 && (await queuedAt()).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  const [row] = await queuedAt();
  expect(row, "step 1 was queued by the object's own alarm").toBeDefined();
  // Recorded times, not the test's clock: when the row was written against when the policy says.
  const error = (row?.at ?? 0) - dueAt;
  console.log(`escalation step timing error: ${error} ms`);
  expect(error).toBeGreaterThanOrEqual(0);
  expect(error).toBeLessThanOrEqual(5_000);
}, 40_000);

it("puts off an alert that cannot advance by a minute rather than looping the alarm on it", async () => {
  const page = await freshPage("escalation-broken");
  await page.reportMonitor(changeTo("api", "down"));
  const [opened] = await alerts(page);
  const id = opened?.id ?? "";
  await moveBack(page, id, 6);
  // The stored alerting config is unreadable (a partial write of a future version, say).
  await runInDurableObject(page, (_: StatusPage, state) => {
    state.storage.sql.exec(`UPDATE meta SET value = '{' WHERE key = 'alerting'`);
  });
  const before = Date.now();
  await runAlarm(page);
  const [after] = await alerts(page);
  expect(after?.next_escalation_at).toBeGreaterThanOrEqual(before + MIN);
  expect(await alarmAt(page)).toBeGreaterThan(before);
});

it("starts over under the critical policy when a warning becomes critical: every step queued, timed from the change", async () => {
  // A warning policy with steps of its own, through to Slack at 20 min.
  const config = defineConfig({
    ...alertingConfig,
    alerting: {
      ...alertingConfig.alerting,
      policies: [
        ...alertingConfig.alerting.policies.filter((p) => p.id !== "chat"),
        {
          id: "chat",
          steps: [
            { afterMinutes: 0, channels: ["ntfy"] },
            { afterMinutes: 10, channels: ["ntfy", "mail"] },
            { afterMinutes: 20, channels: ["slack"] },
          ],
        },
      ],
    },
  });
  const page = await freshPage("escalation-worse", config);
  await page.reportMonitor(changeTo("api", "degraded"));
  const [opened] = await alerts(page);
  const id = opened?.id ?? "";
  await moveBack(page, id, 25);
  await runAlarm(page);
  const warned = ["ntfy trigger step:0", "ntfy trigger step:1", "mail trigger step:1", "slack trigger step:2"];
  expect(brief(await notices(page, id))).toEqual(warned);

  // Critical now: page-me starts from its first step at once, its later steps timed from this moment.
  await page.reportMonitor(changeTo("api", "down"));
  const [worse] = await alerts(page);
  expect(worse).toMatchObject({
    severity: "critical",
    policy: "page-me",
    steps: 1,
    reminders: 0,
    handed_over_at: null,
  });
  const changedAt = worse?.escalation_started_at ?? 0;
  expect(changedAt).toBeGreaterThan(worse?.opened_at ?? 0);
  expect(worse?.next_escalation_at).toBe(changedAt + 5 * MIN);
  expect(brief(await notices(page, id))).toEqual([...warned, "slack trigger page-me:step:0"]);

  // Fifteen minutes after the change (forty after the opening): mail, then the handover to PagerDuty.
  await moveBack(page, id, 15);
  await runAlarm(page);
  expect(brief(await notices(page, id))).toEqual([
    ...warned,
    "slack trigger page-me:step:0",
    "mail trigger page-me:step:1",
    "pd trigger page-me:step:2",
    "slack trigger page-me:step:2",
  ]);
  const [handed] = await alerts(page);
  expect(handed).toMatchObject({ steps: 3, next_escalation_at: null });
  expect(handed?.handed_over_at).not.toBeNull();
});
