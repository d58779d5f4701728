import type { z } from "zod";
import type { opsgenieChannel } from "../channels.ts";
import type { AlertMessage, AlertNotice, ChannelRequest } from "../message.ts";
import { messageLook } from "../severity.ts";
import { isMissing, type MissingSecrets, type ReadSecret, secrets } from "./secrets.ts";
import {
  clip,
  headline,
  httpUrl,
  largestFitting,
  moreLine,
  noticeFacts,
  noticeLinks,
  oneLine,
  pageLink,
  shownOrder,
} from "./words.ts";

/**
 * Opsgenie Alert API (docs/reference/alerting-providers.md), authorised by
 * `GenieKey <key>`: one alert per thread, `alias` = the message's thread. A
 * message whose notices all resolve closes it (POST
 * /v2/alerts/{alias}/close?identifierType=alias); anything else creates it
 * (Opsgenie folds a create with an open alias into that alert). Limits:
 * message ≤ 130, alias ≤ 512, description ≤ 15,000, ≤ 20 tags of ≤ 50,
 * details ≤ 8,000 characters in all, source ≤ 100, entity ≤ 512.
 */
export const OPSGENIE_LIMITS = {
  message: 130,
  alias: 512,
  description: 15_000,
  tag: 50,
  tags: 20,
  details: 8000,
  source: 100,
  entity: 512,
  note: 25_000,
};

export function opsgenieRequest(
  channel: z.output<typeof opsgenieChannel>,
  secret: ReadSecret,
  message: AlertMessage,
): ChannelRequest | MissingSecrets {
  const values = secrets(secret, { key: channel.apiKeySecret });
  if (isMissing(values)) return values;
  const base = `${channel.apiBase.replace(/\/$/, "")}/v2/alerts`;
  const alias = message.thread.slice(0, OPSGENIE_LIMITS.alias);
  const headers = { "content-type": "application/json", Authorization: `GenieKey ${values.key}` };
  const closing = message.notices.every((n) => n.notice === "resolve");
  return {
    url: closing ? `${base}/${encodeURIComponent(alias)}/close?identifierType=alias` : base,
    method: "POST",
    headers,
    body: JSON.stringify(closing ? opsgenieClose(message) : opsgenieAlert(message)),
    redact: [values.key],
  };
}

export function opsgenieClose(message: AlertMessage) {
  return {
    source: "Lookout",
    note: clip(`Recovered: ${message.notices.map((n) => oneLine(n.title)).join("; ")}`, 1000),
  };
}

export function opsgenieAlert(message: AlertMessage) {
  const notices = shownOrder(message);
  const first = notices[0] as AlertNotice;
  const test = notices.every((n) => n.notice === "test");
  const tags = ["lookout", first.kind, test ? "test" : first.severity, ...first.components.map((c) => c.name)]
    .map((tag) => clip(oneLine(tag).replace(/,/g, " "), OPSGENIE_LIMITS.tag))
    .filter((tag, i, all) => tag && all.indexOf(tag) === i)
    .slice(0, OPSGENIE_LIMITS.tags);
  return {
    message: clip(headline(message), OPSGENIE_LIMITS.message),
    alias: message.thread.slice(0, OPSGENIE_LIMITS.alias),
    description: description(message, notices),
    priority: messageLook(notices).opsgenie,
    tags,
    details: details(message, first),
    entity: clip(first.components.map((c) => c.name).join(", ") || oneLine(first.title), OPSGENIE_LIMITS.entity),
    source: clip(`Lookout · ${oneLine(message.page.name)}`, OPSGENIE_LIMITS.source),
  };
}

/** Plain text, one block per notice (not Lookout's acknowledge link: an alert handed to Opsgenie is acknowledged there). */
function description(message: AlertMessage, notices: AlertNotice[]): string {
  const single = notices.length === 1;
  const block = (n: AlertNotice) =>
    [
      `${oneLine(n.title)} (${n.notice}, ${n.severity})`,
      clip(oneLine(n.summary), single ? 2000 : 300),
      ...noticeFacts(n)
        .filter(([label]) => single || label === "Components" || label === "Regions")
        .map(([label, value]) => `${label}: ${clip(value, 500)}`),
      ...noticeLinks(n)
        .filter((link) => link.text !== "Acknowledge")
        .map((link) => `${link.text}: ${link.href}`),
    ].join("\n");
  const build = (k: number) =>
    [
      ...notices.slice(0, k).map(block),
      ...(k < notices.length ? [moreLine(notices.length - k)] : []),
      pageLink(message).href ?? pageLink(message).name,
    ].join("\n\n");
  return build(largestFitting(notices.length, (k) => build(k).length <= OPSGENIE_LIMITS.description));
}

/** Key-value strings Opsgenie shows as the alert's extra properties (≤ 8,000 characters in all). */
function details(message: AlertMessage, first: AlertNotice): Record<string, string> {
  const values: Record<string, string> = {
    page: pageLink(message).href ?? pageLink(message).name,
    alerts: String(message.notices.length),
    summary: clip(oneLine(first.summary), 1000),
  };
  if (first.components.length) values.components = clip(first.components.map((c) => c.name).join(", "), 1000);
  if (first.regions.length) values.regions = clip(first.regions.join(", "), 500);
  if (first.firstFailingCheckAt) values.firstFailingCheck = first.firstFailingCheckAt;
  const component = httpUrl(first.links.componentPage);
  const incident = httpUrl(first.links.incident);
  if (component) values.componentPage = component;
  if (incident) values.incident = incident;
  return values;
}
