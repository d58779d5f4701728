import { runInDurableObject } from "cloudflare:test";
import type { AlertRow } from "../../../durable-objects/status-page/alerts/acknowledge.ts";
import { writeOverride } from "../../../durable-objects/status-page/flag-overrides.ts";
import type { StatusPage } from "../../../durable-objects/status-page/status-page.ts";
import { defineConfig } from "../../../worker/config/define-config.ts";
import type { LookoutConfig } from "../../../worker/core/config/schema.ts";
import type { FlagName } from "../../../worker/core/flags.ts";
import type { MonitorReport } from "../../../worker/core/monitors/monitor-report.ts";
import { monitorReport } from "./monitor-report.ts";
import { scratchObject } from "./worker.ts";

/**
 * What tests of alerting read and do inside a StatusPage object: its alerts,
 * the alert notices it queued (outbox rows of channel 'alert'), its alarm, and
 * a controlled clock for escalation — an alert moved back in time, as if it
 * had opened that long ago, rather than a test that waits.
 */
type Page = DurableObjectStub<StatusPage>;

export const MIN = 60_000;

export type { AlertRow };

export function alerts(page: Page): Promise<AlertRow[]> {
  return runInDurableObject(page, (_: StatusPage, state) =>
    state.storage.sql.exec<AlertRow & Record<string, SqlStorageValue>>(`SELECT * FROM alerts ORDER BY key`).toArray(),
  );
}

export interface NoticeRow {
  recipient: string;
  dedupe_key: string;
  kind: string;
  ref: string | null;
}

/** Alert notices queued, oldest first. */
export function notices(page: Page, ref?: string): Promise<NoticeRow[]> {
  return runInDurableObject(page, (_: StatusPage, state) =>
    state.storage.sql
      .exec<NoticeRow & Record<string, SqlStorageValue>>(
        `SELECT recipient, dedupe_key, kind, ref FROM outbox WHERE channel = 'alert' AND (?1 IS NULL OR ref = ?1)
         ORDER BY seq`,
        ref ?? null,
      )
      .toArray(),
  );
}

/** "recipient kind dedupe-key-without-the-alert-id", for compact expectations. */
export const brief = (rows: NoticeRow[]) =>
  rows.map((r) => `${r.recipient} ${r.kind} ${r.dedupe_key.replace(`${r.ref}:`, "")}`);

/** The alert as if it had opened `minutes` earlier: its escalation's due time moves back with it. */
export function moveBack(page: Page, alertId: string, minutes: number): Promise<void> {
  return runInDurableObject(page, (_: StatusPage, state) => {
    state.storage.sql.exec(
      `UPDATE alerts SET opened_at = opened_at - ?1, next_escalation_at = next_escalation_at - ?1,
         escalation_started_at = escalation_started_at - ?1 WHERE id = ?2`,
      minutes * MIN,
      alertId,
    );
  });
}

/** Runs the object's alarm (every job, the escalation among them) to its end. */
export function runAlarm(page: Page): Promise<void> {
  return runInDurableObject(page, (instance: StatusPage) => instance.alarm());
}

export function alarmAt(page: Page): Promise<number | null> {
  return runInDurableObject(page, (_: StatusPage, state) => state.storage.getAlarm());
}

/**
 * Every Monitor object counts as started just now, so the alarm kicks none
 * (the test speaks for the monitors itself).
 */
export function markMonitorsStarted(page: Page): Promise<void> {
  return runInDurableObject(page, (_: StatusPage, state) => {
    state.storage.sql.exec(
      `UPDATE monitor_instances SET kicked_at = ?, last_report_at = COALESCE(last_report_at, ?),
         started_fingerprint = (SELECT fingerprint FROM monitors m WHERE m.id = monitor_id)`,
      Date.now(),
      Date.now(),
    );
  });
}

const transitions = {
  down: { summary: "HTTP 503 from https://api.acme.example/healthCheck", from: "up" },
  degraded: { summary: "HTTP 200 in 2400 ms, above 1000 ms", from: "up" },
  up: { summary: "HTTP 200 in 80 ms", from: "down" },
} as const;

/** A monitor's report of a change to `state` now, its first failing check 20 s before. */
export function changeTo(monitorId: string, state: "down" | "degraded" | "up", region = "default"): MonitorReport {
  const now = Date.now();
  const { summary, from } = transitions[state];
  const firstFailure = state === "up" ? null : { at: now - 20_000, summary };
  return { ...monitorReport(monitorId, now, state, { from, to: state, at: now, summary, firstFailure }), region };
}

/**
 * A page with two monitors (heartbeat: nothing is probed; the test speaks for them), four channels and two
 * policies: critical alerts page through Slack, mail, PagerDuty (a handover) and ntfy; warnings and errors go to a
 * chat channel, reminded every 10 minutes.
 */
export const alertingConfig = defineConfig({
  page: { name: "Alerts", url: "https://status.alerts.test" },
  components: [
    { id: "api", name: "REST API" },
    { id: "web", name: "Website" },
  ],
  monitors: [
    { id: "api", kind: "heartbeat", components: ["api"], intervalSeconds: 60 },
    { id: "web", kind: "heartbeat", components: ["web"], intervalSeconds: 60, downStatus: "partial_outage" },
  ],
  alerting: {
    channels: [
      { id: "slack", kind: "slack", urlSecret: "SLACK_ONCALL_URL" },
      { id: "mail", kind: "email", to: "oncall@acme.example" },
      { id: "pd", kind: "pagerduty", routingKeySecret: "PD_ROUTING_KEY" },
      { id: "ntfy", kind: "ntfy", urlSecret: "NTFY_URL" },
    ],
    policies: [
      {
        id: "page-me",
        steps: [
          { afterMinutes: 0, channels: ["slack"] },
          { afterMinutes: 5, channels: ["mail"] },
          { afterMinutes: 15, channels: ["pd", "slack"] },
          { afterMinutes: 30, channels: ["ntfy"] },
        ],
      },
      { id: "chat", steps: [{ afterMinutes: 0, channels: ["ntfy"] }], repeatEveryMinutes: 10 },
    ],
    routes: [{ policy: "chat", severities: ["warning", "error"] }, { policy: "page-me" }],
  },
});

/**
 * A scratch page with that config applied, its monitors counted as started,
 * and these flags set on it (a scratch page has its own overrides; automatic
 * incidents off unless asked, so every flag run sees the same alerts).
 */
export async function freshPage(
  name: string,
  config: LookoutConfig = alertingConfig,
  flags: Partial<Record<FlagName, boolean>> = {},
) {
  const page = scratchObject(name);
  await page.reconcile(config);
  await markMonitorsStarted(page);
  await runInDurableObject(page, (_: StatusPage, state) => {
    for (const [flag, value] of Object.entries({ automatic_incidents: false, ...flags })) {
      writeOverride(state.storage.sql, flag as FlagName, value, "test", Date.now());
    }
  });
  return page;
}
