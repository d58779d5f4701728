import type { z } from "zod";
import type { teamsChannel } from "../channels.ts";
import type { AlertMessage, AlertNotice, ChannelRequest } from "../message.ts";
import { lookOf, messageLook, noticeLabel } from "../severity.ts";
import { jsonToSecretUrl, type MissingSecrets, type ReadSecret } from "./secrets.ts";
import {
  clip,
  headline,
  largestFitting,
  moreLine,
  noticeFacts,
  noticeLinks,
  oneLine,
  pageLink,
  shownOrder,
  utf8Bytes,
} from "./words.ts";

/**
 * Microsoft Teams through a Workflows webhook ("When a Teams webhook request
 * is received"; docs/reference/alerting-providers.md): a `message` whose one
 * attachment is an Adaptive Card (1.4, which Teams renders everywhere). A
 * Teams message holds about 28 KB, so the body is kept ≤ 24,000 bytes; one
 * notice gets a fact set and buttons, a group one container per notice.
 */
export const TEAMS_LIMITS = { bytes: 24_000, title: 300, summary: 1000 };

type Element = Record<string, unknown>;

export function teamsRequest(
  channel: z.output<typeof teamsChannel>,
  secret: ReadSecret,
  message: AlertMessage,
): ChannelRequest | MissingSecrets {
  return jsonToSecretUrl(secret, channel.urlSecret, teamsPayload(message));
}

export function teamsPayload(message: AlertMessage) {
  const notices = shownOrder(message);
  const build = (k: number) => envelope(card(message, notices, k));
  const shown = largestFitting(notices.length, (k) => utf8Bytes(JSON.stringify(build(k))) <= TEAMS_LIMITS.bytes);
  return build(shown);
}

function envelope(content: Element) {
  return {
    type: "message",
    attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content }],
  };
}

function card(message: AlertMessage, notices: AlertNotice[], k: number): Element {
  const single = notices.length === 1 && k === 1 ? notices[0] : undefined;
  const body: Element[] = [
    {
      type: "TextBlock",
      text: escapeCard(clip(headline(message), TEAMS_LIMITS.title)),
      weight: "Bolder",
      size: "Medium",
      color: messageLook(notices).teams,
      wrap: true,
    },
    ...notices.slice(0, k).map((notice) => container(notice, notice === single)),
  ];
  if (k < notices.length)
    body.push({ type: "TextBlock", text: moreLine(notices.length - k), weight: "Bolder", wrap: true });
  body.push({
    type: "TextBlock",
    text: `${pageLink(message).href ? `[${escapeCard(pageLink(message).name)}](${pageLink(message).href})` : escapeCard(pageLink(message).name)} · Lookout`,
    isSubtle: true,
    size: "Small",
    wrap: true,
  });
  const actions = single
    ? noticeLinks(single).map((link) => ({ type: "Action.OpenUrl", title: link.text, url: link.href }))
    : [];
  return {
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    type: "AdaptiveCard",
    version: "1.4",
    msteams: { width: "Full" },
    body,
    ...(actions.length ? { actions } : {}),
  };
}

function container(notice: AlertNotice, alone: boolean): Element {
  const look = lookOf(notice);
  const items: Element[] = [
    {
      type: "TextBlock",
      text: `${look.emoji} ${noticeLabel(notice)}: ${escapeCard(clip(oneLine(notice.title), TEAMS_LIMITS.title))}`,
      weight: "Bolder",
      color: look.teams,
      wrap: true,
    },
    { type: "TextBlock", text: escapeCard(clip(oneLine(notice.summary), TEAMS_LIMITS.summary)), wrap: true },
  ];
  const facts = noticeFacts(notice);
  if (alone) {
    items.push({
      type: "FactSet",
      facts: facts.map(([title, value]) => ({ title, value: escapeCard(clip(value, 300)) })),
    });
  } else {
    const links = noticeLinks(notice).map((link) => `[${link.text}](${link.href})`);
    const line = facts
      .filter(([label]) => label === "Components" || label === "Regions")
      .map(([, value]) => escapeCard(clip(value, 200)));
    items.push({
      type: "TextBlock",
      text: [...line, ...links].join(" · "),
      isSubtle: true,
      wrap: true,
      spacing: "None",
    });
  }
  return { type: "Container", separator: true, items };
}

/** Adaptive Card markdown: a title's `**`, `_` or `[text](url)` stays text. */
export function escapeCard(text: string): string {
  return text.replace(/[\\*_[\]()`]/g, (c) => `\\${c}`);
}
