import type { AlertChannelConfig } from "../../../worker/core/alerting/channels.ts";
import type { LookoutConfig } from "../../../worker/core/config/schema.ts";
import { readMeta, writeMeta } from "../schema.ts";

export type AlertingConfig = LookoutConfig["alerting"];

const NONE: AlertingConfig = { channels: [], policies: [], routes: [] };

/**
 * The alerting section of the config the page last applied, kept in meta so
 * that every alert, escalation and send follows the same config the page
 * shows (a test, or `reconcile(next)`, applies another than the deployed one).
 * One row per channel holds its send state and health. Call inside a transaction.
 */
export function applyAlertingConfig(sql: SqlStorage, alerting: AlertingConfig): void {
  // Only a change is written: rewriting the same value still costs a row written.
  const json = JSON.stringify(alerting);
  if (readMeta(sql, "alerting") !== json) writeMeta(sql, "alerting", json);
  for (const channel of alerting.channels) {
    sql.exec(`INSERT INTO alert_channels (id) VALUES (?) ON CONFLICT DO NOTHING`, channel.id);
  }
}

export function readAlertingConfig(sql: SqlStorage): AlertingConfig {
  const stored = readMeta(sql, "alerting");
  return stored ? (JSON.parse(stored) as AlertingConfig) : NONE;
}

export function alertChannel(sql: SqlStorage, id: string): AlertChannelConfig | null {
  return readAlertingConfig(sql).channels.find((channel) => channel.id === id) ?? null;
}
