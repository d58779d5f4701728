import type { AlertMessage, AlertNotice } from "../message.ts";
import { noticeLabel, worstFirst } from "../severity.ts";

/**
 * The words every renderer shares, so a notice reads the same in Slack, a
 * Telegram chat and a PagerDuty incident: the headline, the facts, the links,
 * and how a grouped message is cut to a provider's size limits without ever
 * losing the count ("…and N more").
 */

/** Text on one line (titles and summaries come from config and checks; a line break would break a header). */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** At most `max` UTF-16 units, ending in "…" when cut, never splitting a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return "";
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** UTF-8 bytes, for limits counted in bytes (ntfy's message, Teams' card). */
export function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).length;
}

/**
 * "REST API is down" for one notice; "12 alerts on Acme Status: 10 firing, 2
 * resolved" for a group. Counted in alerts: an alert named twice (a reminder
 * beside the trigger it repeats) is one, as its latest notice says.
 */
export function headline(message: AlertMessage): string {
  const latest = [...new Map(message.notices.map((n) => [n.alertId, n])).values()];
  const only = latest.length === 1 ? latest[0] : undefined;
  if (only) return oneLine(`${noticeLabel(only)}: ${only.title}`);
  const count = (kinds: AlertNotice["notice"][]) => latest.filter((n) => kinds.includes(n.notice)).length;
  const parts = [
    [count(["trigger", "reminder"]), "firing"],
    [count(["resolve"]), "resolved"],
    [count(["test"]), "test"],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, word]) => `${n} ${word}`);
  return oneLine(`${latest.length} alerts on ${message.page.name}: ${parts.join(", ")}`);
}

/** The facts about one notice, label and value, in the order they are shown. */
export function noticeFacts(notice: AlertNotice): [string, string][] {
  const facts: [string, string][] = [];
  if (notice.components.length) facts.push(["Components", notice.components.map((c) => c.name).join(", ")]);
  if (notice.regions.length) facts.push(["Regions", notice.regions.join(", ")]);
  if (notice.firstFailingCheckAt) facts.push(["First failing check", notice.firstFailingCheckAt]);
  facts.push(["Opened", notice.openedAt]);
  if (notice.resolvedAt) facts.push(["Resolved", notice.resolvedAt]);
  return facts.map(([label, value]) => [label, oneLine(value)]);
}

export interface NoticeLink {
  text: string;
  href: string;
}

/**
 * The URL when it is an absolute http(s) one, else null. Every provider
 * refuses a malformed link (a 400: nothing sent), so a link Lookout cannot
 * vouch for is left out rather than risk the whole message.
 */
export function httpUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

/** The page's name, linked when its URL is one. */
export function pageLink(message: AlertMessage): { name: string; href: string | null } {
  return { name: clip(oneLine(message.page.name), 100) || "Lookout", href: httpUrl(message.page.url) };
}

/** Acknowledge (only while it fires: a recovered alert needs no one), the component page, the incident. */
export function noticeLinks(notice: AlertNotice): NoticeLink[] {
  const links: NoticeLink[] = [];
  const firing = notice.notice === "trigger" || notice.notice === "reminder";
  const add = (text: string, href: string | null) => {
    const url = httpUrl(href);
    if (url) links.push({ text, href: url });
  };
  if (firing) add("Acknowledge", notice.links.acknowledge);
  add("Component", notice.links.componentPage);
  add("Incident", notice.links.incident);
  return links;
}

/** The line that keeps the count when notices did not fit. */
export function moreLine(more: number): string {
  return `…and ${more} more`;
}

/** The notices in the order every renderer shows them (severity.ts, worst first). */
export function shownOrder(message: AlertMessage): AlertNotice[] {
  return worstFirst(message.notices);
}

/**
 * The largest count k (0…total) for which `fits(k)` holds, when showing k
 * notices and "…and total−k more" grows with k. Renderers build their
 * request for k and check every limit of their provider, so whatever is
 * sent fits by construction.
 */
export function largestFitting(total: number, fits: (k: number) => boolean): number {
  let low = 0;
  let high = total;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(mid)) low = mid;
    else high = mid - 1;
  }
  return low;
}
