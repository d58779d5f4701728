import type { z } from "zod";
import type { pagerdutyChannel } from "../channels.ts";
import type { AlertMessage, AlertNotice, ChannelRequest } from "../message.ts";
import { worstFiringSeverity } from "../severity.ts";
import { isMissing, type MissingSecrets, type ReadSecret, secrets } from "./secrets.ts";
import { clip, headline, moreLine, noticeLinks, oneLine, pageLink, shownOrder } from "./words.ts";

/**
 * PagerDuty Events API v2 (docs/reference/alerting-providers.md): one event
 * per message, `dedup_key` = the message's thread, so the resolve closes the
 * incident the trigger opened. A message whose notices all resolve is a
 * `resolve`; anything else is a `trigger` (PagerDuty folds a second trigger
 * with the same dedup_key into the open incident). Limits: summary ≤ 1,024,
 * dedup_key ≤ 255, the event ≤ 512 KB (kept far below: ≤ 100 notices in
 * custom_details, ≤ 5 links).
 */
export const PAGERDUTY_LIMITS = { summary: 1024, dedupKey: 255, details: 100, links: 5, field: 255 };

export function pagerdutyRequest(
  channel: z.output<typeof pagerdutyChannel>,
  secret: ReadSecret,
  message: AlertMessage,
): ChannelRequest | MissingSecrets {
  const values = secrets(secret, { key: channel.routingKeySecret });
  if (isMissing(values)) return values;
  return {
    url: `${channel.apiBase.replace(/\/$/, "")}/v2/enqueue`,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(pagerdutyEvent(values.key, message)),
    redact: [values.key],
  };
}

export function pagerdutyEvent(routingKey: string, message: AlertMessage) {
  const dedupKey = message.thread.slice(0, PAGERDUTY_LIMITS.dedupKey);
  const severity = worstFiringSeverity(message.notices);
  const resolving = message.notices.every((n) => n.notice === "resolve");
  if (resolving) return { routing_key: routingKey, event_action: "resolve" as const, dedup_key: dedupKey };
  const notices = shownOrder(message);
  const first = notices[0] as AlertNotice;
  const only = notices.length === 1 ? first : undefined;
  const test = notices.every((n) => n.notice === "test");
  const summary = only
    ? `${headline(message)} — ${oneLine(only.summary)}`
    : `${headline(message)}. Worst: ${oneLine(first.title)}`;
  const shown = Math.min(notices.length, PAGERDUTY_LIMITS.details);
  const links = uniqueLinks(notices).slice(0, PAGERDUTY_LIMITS.links);
  return {
    routing_key: routingKey,
    event_action: "trigger" as const,
    dedup_key: dedupKey,
    client: "Lookout",
    ...(pageLink(message).href ? { client_url: pageLink(message).href as string } : {}),
    payload: {
      summary: clip(summary, PAGERDUTY_LIMITS.summary),
      // PagerDuty asks for "the unique location of the affected system": the page is what watches it.
      source: clip(hostOf(message.page.url), PAGERDUTY_LIMITS.field),
      // A test pages nobody on a sanely routed service: info is PagerDuty's low-urgency severity.
      severity: test ? ("info" as const) : (severity ?? "info"),
      timestamp: first.firstFailingCheckAt ?? first.openedAt,
      component: clip(first.components.map((c) => c.name).join(", ") || oneLine(first.title), PAGERDUTY_LIMITS.field),
      group: clip(oneLine(message.page.name), PAGERDUTY_LIMITS.field),
      class: first.kind,
      custom_details: {
        alerts: notices.length,
        notices: notices.slice(0, shown).map((n) => ({
          notice: n.notice,
          title: n.title,
          severity: n.severity,
          summary: n.summary,
          components: n.components.map((c) => c.name),
          regions: n.regions,
          first_failing_check: n.firstFailingCheckAt,
          opened: n.openedAt,
        })),
        ...(notices.length > shown ? { more: moreLine(notices.length - shown) } : {}),
      },
    },
    links: links.map((link) => ({ href: link.href, text: link.text })),
  };
}

/**
 * The component and incident pages. Not Lookout's acknowledge link: an alert
 * handed to PagerDuty is acknowledged there (README "Acknowledgement").
 */
function uniqueLinks(notices: AlertNotice[]) {
  const seen = new Set<string>();
  const named = (n: AlertNotice, text: string) =>
    notices.length > 1 ? `${text}: ${clip(oneLine(n.title), 80)}` : text;
  return notices
    .flatMap((n) => noticeLinks(n).map((link) => ({ href: link.href, text: named(n, link.text) })))
    .filter((link) => !link.text.startsWith("Acknowledge") && !seen.has(link.href) && seen.add(link.href));
}

function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url || "lookout";
  }
}
