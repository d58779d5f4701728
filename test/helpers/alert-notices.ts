/**
 * Alert messages for renderer and channel tests: one notice, or many grouped
 * (the delivery job groups up to 500 per message), with hostile titles when asked.
 */
import type { AlertSeverity } from "../../worker/core/alerting/alert.ts";
import type { AlertMessage, AlertNotice, NoticeKind } from "../../worker/core/alerting/message.ts";

const SEVERITIES: AlertSeverity[] = ["critical", "error", "warning", "info"];

export function notice(n = 0, overrides: Partial<AlertNotice> = {}): AlertNotice {
  return {
    alertId: `al_${String(n).padStart(4, "0")}`,
    notice: "trigger",
    kind: "monitor_down",
    severity: SEVERITIES[n % SEVERITIES.length] as AlertSeverity,
    title: `Service ${n} is down`,
    summary: `HTTP 503 from https://svc-${n}.acme.example/healthCheck`,
    components: [{ id: `cmp_${n}`, name: `Service ${n}` }],
    regions: ["weur", "enam"],
    openedAt: "2026-12-05T21:00:00.000Z",
    firstFailingCheckAt: "2026-12-05T20:59:30.000Z",
    resolvedAt: null,
    links: {
      componentPage: `https://status.acme.example/components/cmp_${n}`,
      incident: n % 2 === 0 ? `https://status.acme.example/incidents/inc_${n}` : null,
      acknowledge: `https://status.acme.example/alerts/al_${n}/ack/${"m".repeat(43)}`,
    },
    ...overrides,
  };
}

export function message(count = 1, kind: NoticeKind = "trigger", overrides: Partial<AlertNotice> = {}): AlertMessage {
  return {
    channelId: "oncall",
    id: "alert_oncall_1",
    page: { name: "Acme Status", url: "https://status.acme.example" },
    notices: Array.from({ length: count }, (_, i) =>
      notice(i, {
        notice: kind,
        ...(kind === "resolve" ? { resolvedAt: "2026-12-05T21:10:00.000Z" } : {}),
        ...overrides,
      }),
    ),
    thread: "thr_01JEXAMPLE",
  };
}

/** A title that would ping a whole channel, inject markup or links, and end a header, in every syntax at once. */
export const HOSTILE_TITLE =
  '<!channel> @everyone <b>bold</b> <a href="https://evil.example">x</a> & [click](https://evil.example) *_~`|\r\nInjected: yes';
