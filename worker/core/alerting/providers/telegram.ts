import type { z } from "zod";
import type { telegramChannel } from "../channels.ts";
import type { AlertMessage, AlertNotice, ChannelRequest } from "../message.ts";
import { lookOf, noticeLabel } from "../severity.ts";
import { isMissing, type MissingSecrets, type ReadSecret, secrets } from "./secrets.ts";
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
} from "./words.ts";

/**
 * Telegram Bot API `sendMessage` (docs/reference/alerting-providers.md):
 * `{chat_id, text, parse_mode: "HTML"}`, text ≤ 4,096 characters after the
 * markup is parsed; the markup itself is kept within 4,096 too, so the limit
 * holds whatever Telegram counts. Every piece of text is HTML-escaped: a
 * title with `<b>` is shown, not obeyed, and cannot break the markup (which
 * Telegram would refuse with a 400).
 */
export const TELEGRAM_LIMITS = { text: 4096 };

export function telegramRequest(
  channel: z.output<typeof telegramChannel>,
  secret: ReadSecret,
  message: AlertMessage,
): ChannelRequest | MissingSecrets {
  const values = secrets(secret, { token: channel.botTokenSecret });
  if (isMissing(values)) return values;
  // A numeric chat id is sent as a number, "@channel" as text: both are what the Bot API accepts.
  const chatId = /^-?\d+$/.test(channel.chatId) ? Number(channel.chatId) : channel.chatId;
  return {
    url: `${channel.apiBase.replace(/\/$/, "")}/bot${values.token}/sendMessage`,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      chat_id: chatId,
      text: telegramText(message),
      parse_mode: "HTML",
      link_preview_options: { is_disabled: true },
    }),
    redact: [values.token],
  };
}

export function telegramText(message: AlertMessage): string {
  const notices = shownOrder(message);
  const single = notices.length === 1;
  const build = (k: number) =>
    [
      `<b>${escapeHtml(headline(message))}</b>`,
      ...notices.slice(0, k).map((n) => block(n, single)),
      ...(k < notices.length ? [`<i>${moreLine(notices.length - k)}</i>`] : []),
      `${pageName(message)} · Lookout`,
    ].join("\n\n");
  return build(largestFitting(notices.length, (k) => build(k).length <= TELEGRAM_LIMITS.text));
}

function block(notice: AlertNotice, single: boolean): string {
  const title = `${lookOf(notice).emoji} <b>${escapeHtml(clip(oneLine(notice.title), 200))}</b> · ${noticeLabel(notice)}`;
  const links = noticeLinks(notice).map((link) => `<a href="${escapeHtml(link.href)}">${link.text}</a>`);
  if (!single) {
    // A group lists one short line each, with the acknowledge link (the others are a click away on the page).
    const summary = escapeHtml(clip(oneLine(notice.summary), 120));
    return `${title}\n${summary}${links[0] && noticeLinks(notice)[0]?.text === "Acknowledge" ? ` · ${links[0]}` : ""}`;
  }
  const lines = [
    title,
    escapeHtml(clip(oneLine(notice.summary), 1000)),
    ...noticeFacts(notice).map(([label, value]) => `${label}: ${escapeHtml(clip(value, 300))}`),
  ];
  if (links.length) lines.push(links.join(" · "));
  return lines.join("\n");
}

function pageName(message: AlertMessage): string {
  const page = pageLink(message);
  return page.href ? `<a href="${escapeHtml(page.href)}">${escapeHtml(page.name)}</a>` : escapeHtml(page.name);
}

/** The four characters Telegram's HTML mode requires escaped (& first). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
