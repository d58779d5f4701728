import { runInDurableObject } from "cloudflare:test";
import { applyAlertingConfig } from "../../../durable-objects/status-page/alerts/alerting-config.ts";
import { newId } from "../../../durable-objects/status-page/ids.ts";
import { WRITE } from "../../../durable-objects/status-page/page-write.ts";
import type { StatusPage } from "../../../durable-objects/status-page/status-page.ts";
import type { AlertDetails } from "../../../worker/core/alerting/alert.ts";
import { type AlertChannelConfig, channelSchema } from "../../../worker/core/alerting/channels.ts";
import { pageObject } from "./worker.ts";

/**
 * Alerts and alert channels a test puts in the page through its own write
 * path (one transaction, the outbox woken), as the alerting code would leave
 * them, without opening them through a monitor.
 */

type Page = DurableObjectStub<StatusPage>;

function write<T>(change: (sql: SqlStorage, now: number) => T, page: Page = pageObject()): Promise<T> {
  return runInDurableObject(page, (instance: StatusPage) => instance[WRITE](change, () => false));
}

/** The page's alerting section from now on: these channels (parsed as the config would be), no policies. */
export function applyChannels(channels: unknown[], page?: Page): Promise<AlertChannelConfig[]> {
  const parsed = channels.map((channel) => channelSchema.parse(channel));
  return write((sql) => {
    applyAlertingConfig(sql, { channels: parsed, policies: [], routes: [] });
    return parsed;
  }, page);
}

export interface NewAlert {
  status?: "open" | "acknowledged" | "resolved";
  title?: string;
  openedAt?: number;
  resolvedAt?: number | null;
  steps?: number;
  nextEscalationAt?: number | null;
  policy?: string | null;
}

export const DETAILS: AlertDetails = {
  summary: "HTTP 503 from https://api.acme.example/healthCheck",
  monitorId: "api-health",
  components: [{ id: "api", name: "API" }],
  regions: [],
  firstFailingCheckAt: null,
  incidentId: null,
  incidentPublic: false,
};

/** One alert row (a fresh key each time, so several may be open at once); returns its id. */
export function insertAlert(input: NewAlert = {}, page?: Page): Promise<string> {
  const id = newId();
  return write((sql, now) => {
    const openedAt = input.openedAt ?? now;
    const status = input.status ?? "open";
    sql.exec(
      `INSERT INTO alerts (id, key, kind, severity, title, details, policy, status, opened_at, acknowledged_at,
         acknowledged_by, resolved_at, steps, next_escalation_at)
       VALUES (?, ?, 'monitor_down', 'critical', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      id,
      `monitor:test-${id}`,
      input.title ?? "API is down",
      JSON.stringify(DETAILS),
      input.policy === undefined ? "default" : input.policy,
      status,
      openedAt,
      status === "acknowledged" ? openedAt + 1_000 : null,
      status === "acknowledged" ? "someone earlier" : null,
      status === "resolved" ? (input.resolvedAt ?? openedAt + 60_000) : null,
      input.steps ?? 1,
      status === "open" ? (input.nextEscalationAt === undefined ? openedAt + 300_000 : input.nextEscalationAt) : null,
    );
    return id;
  }, page);
}

/** An outbox row for an alert as the escalation would queue it (state as given, for the listing). */
export function queueNotice(
  alertId: string,
  channel: string,
  kind: string,
  dedupeKey: string,
  state: "pending" | "sent" = "sent",
): Promise<void> {
  return write((sql, now) => {
    sql.exec(
      `INSERT INTO outbox (channel, recipient, dedupe_key, kind, ref, state, next_attempt_at, created_at, sent_at, attempts)
       VALUES ('alert', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      channel,
      dedupeKey,
      kind,
      alertId,
      state,
      now,
      now,
      state === "sent" ? now : null,
      state === "sent" ? 1 : 0,
    );
  });
}

/** Every row of a table, in a stable order, as the object holds it. */
export function rowsOf(table: string, order: string): Promise<Record<string, SqlStorageValue>[]> {
  return runInDurableObject(pageObject(), (_: StatusPage, state) =>
    state.storage.sql.exec<Record<string, SqlStorageValue>>(`SELECT * FROM ${table} ORDER BY ${order}`).toArray(),
  );
}
