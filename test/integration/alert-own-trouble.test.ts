import { runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { watchSilentMonitors } from "../../durable-objects/status-page/alerts/watchdog.ts";
import { KICK_GRACE_MS } from "../../durable-objects/status-page/probe-groups.ts";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import deployed from "../../lookout.config.ts";
import type { LookoutConfig } from "../../worker/core/config/schema.ts";
import { alertingConfig, alerts, freshPage } from "../helpers/workers/alerts.ts";
import { monitorReport } from "../helpers/workers/monitor-report.ts";
import { scratchObject } from "../helpers/workers/worker.ts";

/**
 * Lookout's own trouble raises alerts too: a Monitor object that stopped
 * reporting (the heartbeat's watchdog), mail or webhook deliveries failing
 * repeatedly, a config that failed to apply. The heartbeat (tick) applies
 * the deployed config, so these pages run it (lookout.config.ts).
 */

const HOUR = 3_600_000;
type Page = DurableObjectStub<StatusPage>;

function sql<T>(page: Page, body: (sql: SqlStorage) => T): Promise<T> {
  return runInDurableObject(page, (_: StatusPage, state) => body(state.storage.sql));
}

it("raises a monitor_silent alert for a Monitor object silent past its restart, resolved when it reports", async () => {
  const page = await freshPage("trouble-watchdog", deployed);
  // The heartbeat monitor's object (its own) last reported two hours ago and was restarted since: the kick did not
  // bring it back. The HTTP monitors' shared group went quiet as long ago, but the heartbeat has not restarted it yet
  // (Lookout was away): no alert for them.
  await sql(page, (db) => {
    const now = Date.now();
    db.exec(
      `UPDATE probe_groups SET last_report_at = ?, kicked_at = ? WHERE name = 'billing-run@default'`,
      now - 2 * HOUR,
      now - 3 * 60_000,
    );
    db.exec(
      `UPDATE probe_groups SET last_report_at = ?, kicked_at = ? WHERE name = 'group:1@default'`,
      now - 2 * HOUR,
      now - 3 * HOUR,
    );
  });
  // (The tick's own kicks, run later by the alarm, restart both: only this tick's look is asserted on.)
  await page.tick();
  const silent = (await alerts(page)).filter((a) => a.kind === "monitor_silent");
  expect(silent.map((a) => `${a.key} ${a.status} ${a.title}`)).toEqual([
    "silent:billing-run open Monitor billing-run stopped reporting",
  ]);
  expect(JSON.parse(silent[0]?.details ?? "{}").components).toEqual([{ id: "billing", name: "Billing" }]);

  await page.reportMonitor(monitorReport("billing-run", Date.now(), "up"));
  const billing = async () => (await alerts(page)).filter((a) => a.key === "silent:billing-run").map((a) => a.status);
  expect(await billing()).toEqual(["resolved"]);
  // Its group heard from again: the next look finds nothing silent.
  await sql(page, (db) =>
    db.exec(`UPDATE probe_groups SET last_report_at = ? WHERE name = 'billing-run@default'`, Date.now()),
  );
  await page.tick();
  expect(await billing()).toEqual(["resolved"]);
});

it("raises one alert per monitor of a silent shared group, naming each", async () => {
  // Two more monitors beside the api monitor, at its interval: one group's worth of three.
  const api = deployed.monitors.find((m) => m.id === "api");
  if (api?.kind !== "http") throw new Error("the example config has an HTTP api monitor");
  const page = await freshPage("trouble-watchdog-group", {
    ...deployed,
    monitors: [...deployed.monitors, { ...api, id: "api-extra-1" }, { ...api, id: "api-extra-2" }],
  });
  const members = await sql(page, (db) => {
    const group = db
      .exec<{ probe_group: string }>(`SELECT probe_group FROM monitor_instances WHERE monitor_id = 'api'`)
      .one().probe_group;
    db.exec(
      `UPDATE probe_groups SET last_report_at = ?, kicked_at = ? WHERE name = ?`,
      Date.now() - 2 * HOUR,
      Date.now() - 3 * 60_000,
      group,
    );
    return db
      .exec<{ monitor_id: string }>(
        `SELECT monitor_id FROM monitor_instances WHERE probe_group = ? AND removed_at IS NULL`,
        group,
      )
      .toArray()
      .map((row) => `silent:${row.monitor_id}`);
  });
  expect(members).toEqual(expect.arrayContaining(["silent:api", "silent:api-extra-1", "silent:api-extra-2"]));
  await runInDurableObject(page, (_: StatusPage, state) =>
    state.storage.transactionSync(() => watchSilentMonitors(state.storage.sql, Date.now())),
  );
  const keys = (await alerts(page)).filter((a) => a.kind === "monitor_silent").map((a) => a.key);
  expect(keys.sort()).toEqual(members.sort());
});

it("gives a Monitor object restarted a moment ago its grace before the watchdog calls it silent", async () => {
  const page = await freshPage("trouble-watchdog-grace", deployed);
  // Quiet for twenty minutes (Lookout was away), restarted by the heartbeat's kick a second ago.
  const now = Date.now();
  await sql(page, (db) =>
    db.exec(
      `UPDATE probe_groups SET last_report_at = ?, kicked_at = ? WHERE name = 'billing-run@default'`,
      now - 20 * 60_000,
      now - 1_000,
    ),
  );
  await runInDurableObject(page, (_: StatusPage, state) =>
    state.storage.transactionSync(() => watchSilentMonitors(state.storage.sql, now)),
  );
  expect((await alerts(page)).filter((a) => a.kind === "monitor_silent")).toEqual([]);
  // Past the grace with still no word: now it is silent.
  await runInDurableObject(page, (_: StatusPage, state) =>
    state.storage.transactionSync(() => watchSilentMonitors(state.storage.sql, now + KICK_GRACE_MS + 1_000)),
  );
  expect((await alerts(page)).filter((a) => a.kind === "monitor_silent").map((a) => a.key)).toEqual([
    "silent:billing-run",
  ]);
});

/** An outbox row as a delivery job leaves it after `attempts` tries. */
function row(
  db: SqlStorage,
  channel: string,
  key: string,
  state: string,
  attempts: number,
  error: string | null,
  recipient = "r1",
) {
  const now = Date.now();
  db.exec(
    `INSERT INTO outbox (channel, recipient, dedupe_key, kind, ref, state, attempts, next_attempt_at, last_error, created_at, sent_at)
     VALUES (?, ?, ?, 'update', NULL, ?, ?, ?, ?, ?, ?)`,
    channel,
    recipient,
    key,
    state,
    attempts,
    now + 60_000,
    error,
    now - 30 * 60_000,
    state === "sent" ? now : null,
  );
}

it("raises delivery_failing per channel kind while mail keeps failing and none gets through, resolved when it flows", async () => {
  const page = await freshPage("trouble-deliveries", deployed);
  await sql(page, (db) => {
    // Mail: tried three times, still failing, to two mailboxes. Webhooks: a first failure only. Alerts: never judged this way.
    row(db, "email", "update:1", "pending", 3, "421 4.7.0 try again later");
    row(db, "email", "update:1", "pending", 4, "421 4.7.0 try again later", "r2");
    row(db, "webhook", "update:1", "pending", 1, "HTTP 503");
    row(db, "alert", "x:step:0", "failed", 12, "HTTP 500");
  });
  await page.tick();
  const failing = (await alerts(page)).filter((a) => a.kind === "delivery_failing");
  expect(failing.map((a) => `${a.key} ${a.status}`)).toEqual(["delivery:email open"]);
  expect(JSON.parse(failing[0]?.details ?? "{}").summary).toContain("421 4.7.0 try again later");

  // Mail gets through again.
  await sql(page, (db) => row(db, "email", "update:2", "sent", 1, null));
  await page.tick();
  expect((await alerts(page)).filter((a) => a.kind === "delivery_failing").map((a) => `${a.key} ${a.status}`)).toEqual([
    "delivery:email resolved",
  ]);
});

it("leaves one receiver's failing deliveries to that receiver: delivery_failing needs two failing recipients", async () => {
  const page = await freshPage("trouble-one-receiver", deployed);
  // One customer's webhook endpoint keeps failing in a quiet hour (nothing else was sent): not the team's trouble.
  await sql(page, (db) => {
    row(db, "webhook", "update:1", "pending", 5, "HTTP 500", "hook-a");
    row(db, "webhook", "update:2", "failed", 12, "HTTP 500", "hook-a");
  });
  await page.tick();
  expect((await alerts(page)).filter((a) => a.kind === "delivery_failing")).toEqual([]);
  // A second endpoint fails as well: now it is failing deliveries.
  await sql(page, (db) => row(db, "webhook", "update:2", "pending", 3, "HTTP 502", "hook-b"));
  await page.tick();
  expect((await alerts(page)).filter((a) => a.kind === "delivery_failing").map((a) => `${a.key} ${a.status}`)).toEqual([
    "delivery:webhook open",
  ]);
});

it("reads the outbox for delivery health and an alert's notices through indexes, not the whole table", async () => {
  const page = await freshPage("trouble-indexes", deployed);
  const plan = (query: string) =>
    sql(page, (db) =>
      db
        .exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${query}`)
        .toArray()
        .map((r) => r.detail)
        .join("; "),
    );
  // alerts/delivery-failing.ts: anything of the channel delivered in the last hour.
  expect(await plan(`SELECT 1 FROM outbox WHERE channel = 'email' AND state = 'sent' AND sent_at > 0 LIMIT 1`)).toMatch(
    /USING (COVERING )?INDEX outbox_by_channel_state \(channel=\? AND state=\? AND sent_at>\?\)/,
  );
  // alerts/lifecycle.ts resolveAlert: the channels an alert's triggers and reminders went to.
  expect(
    await plan(
      `SELECT DISTINCT recipient FROM outbox WHERE channel = 'alert' AND ref = 'a1' AND kind IN ('trigger', 'reminder')`,
    ),
  ).toMatch(/USING INDEX outbox_by_channel_ref \(channel=\? AND ref=\?\)/);
});

it("keeps the last config when one fails to apply, raises config_failed, and resolves it on the next apply", async () => {
  const page = scratchObject("trouble-config");
  await page.reconcile(alertingConfig);
  // A config the page cannot apply (its monitors are not a list): the apply throws half way through.
  const broken = {
    ...alertingConfig,
    components: [...alertingConfig.components, { ...alertingConfig.components[0], id: "extra", name: "Extra" }],
    monitors: null,
  } as unknown as LookoutConfig;
  const result = await page.reconcile(broken);
  expect(result.changed).toBe(false);
  const [failed] = await alerts(page);
  expect(failed).toMatchObject({ key: "config", kind: "config_failed", status: "open", policy: "chat" });
  // Nothing of the failed apply stayed: no new component.
  expect(await sql(page, (db) => db.exec(`SELECT id FROM components WHERE id = 'extra'`).toArray())).toEqual([]);

  await page.reconcile(alertingConfig);
  expect((await alerts(page)).map((a) => `${a.key} ${a.status}`)).toEqual(["config resolved"]);
});
