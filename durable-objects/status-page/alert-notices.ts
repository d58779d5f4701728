import { ackPath } from "../../worker/core/alerting/ack-link.ts";
import type { AlertDetails, AlertKind, AlertSeverity, AlertStatus } from "../../worker/core/alerting/alert.ts";
import type { AlertNotice, NoticeKind } from "../../worker/core/alerting/message.ts";
import type { PageInfo } from "../../worker/core/read-model.ts";
import type { OutboxRow } from "./outbox/rows.ts";
import { iso, isoOrNull } from "./time.ts";

/** An alert as its row holds it: what a notice about it says is read at send time. */
export interface AlertRow {
  id: string;
  kind: AlertKind;
  severity: AlertSeverity;
  title: string;
  details: AlertDetails;
  status: AlertStatus;
  openedAt: number;
  resolvedAt: number | null;
}

export function readAlert(sql: SqlStorage, id: string): AlertRow | null {
  const row = sql
    .exec<{
      id: string;
      kind: string;
      severity: string;
      title: string;
      details: string;
      status: string;
      opened_at: number;
      resolved_at: number | null;
    }>(`SELECT id, kind, severity, title, details, status, opened_at, resolved_at FROM alerts WHERE id = ?`, id)
    .toArray()[0];
  if (!row) return null;
  return {
    id: row.id,
    kind: row.kind as AlertKind,
    severity: row.severity as AlertSeverity,
    title: row.title,
    details: JSON.parse(row.details) as AlertDetails,
    status: row.status as AlertStatus,
    openedAt: row.opened_at,
    resolvedAt: row.resolved_at,
  };
}

/** Where links in a notice point: PUBLIC_URL when set (the address readers use), else the page's own URL. */
export function linkBase(env: Env, page: PageInfo): string {
  return (env.PUBLIC_URL || page.url).replace(/\/$/, "");
}

/**
 * One outbox row as the notice a message lists. The acknowledgement link goes
 * only with a trigger or reminder (nothing is left to acknowledge once it
 * recovered, and a test pages nobody). Null when the alert is gone.
 */
export async function noticeOf(
  row: OutboxRow,
  alert: AlertRow | null,
  page: PageInfo,
  env: Env,
  now: number,
): Promise<AlertNotice | null> {
  if (row.kind === "test") return testNotice(row.dedupeKey, page, now);
  if (!alert) return null;
  const base = linkBase(env, page);
  const notice = row.kind as NoticeKind;
  const first = alert.details.components[0];
  const acknowledge =
    (notice === "trigger" || notice === "reminder") && env.LINK_SECRET
      ? `${base}${await ackPath(env.LINK_SECRET, alert.id)}`
      : null;
  return {
    alertId: alert.id,
    notice,
    kind: alert.kind,
    severity: alert.severity,
    title: alert.title,
    summary: alert.details.summary,
    components: alert.details.components,
    regions: alert.details.regions,
    openedAt: iso(alert.openedAt),
    firstFailingCheckAt: alert.details.firstFailingCheckAt,
    resolvedAt: notice === "resolve" ? isoOrNull(alert.resolvedAt) : null,
    links: {
      componentPage: first ? `${base}/components/${encodeURIComponent(first.id)}` : null,
      incident:
        alert.details.incidentId && alert.details.incidentPublic
          ? `${base}/incidents/${encodeURIComponent(alert.details.incidentId)}`
          : null,
      acknowledge,
    },
  };
}

/** `POST /api/v1/alert-channels/:id/test`: proves the channel works; pages nobody. */
function testNotice(key: string, page: PageInfo, now: number): AlertNotice {
  return {
    alertId: key,
    notice: "test",
    kind: "test",
    severity: "info",
    title: `Test alert from ${page.name}`,
    summary: "A test sent from Lookout to check this channel. Nobody needs to act.",
    components: [],
    regions: [],
    openedAt: iso(now),
    firstFailingCheckAt: null,
    resolvedAt: null,
    links: { componentPage: null, incident: null, acknowledge: null },
  };
}
