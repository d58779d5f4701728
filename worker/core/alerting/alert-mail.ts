import { escapeXml as escapeHtml } from "../feeds/xml.ts";
import type { AlertMessage, AlertNotice } from "./message.ts";
import {
  clip,
  headline,
  moreLine,
  noticeFacts,
  noticeLinks,
  oneLine,
  pageLink,
  shownOrder,
} from "./providers/words.ts";
import { lookOf, messageLook, noticeLabel } from "./severity.ts";

/**
 * An alert message as a mail to an on-call address (the `email` channel),
 * sent through the page's mail sender like subscriber mail. Same words as
 * every other channel (providers/words.ts); a grouped message lists at most
 * MAIL_NOTICES notices and says how many more there are, so a 500-monitor
 * outage is one readable mail, not a megabyte.
 */
export const MAIL_NOTICES = 100;

export interface AlertMail {
  subject: string;
  text: string;
  html: string;
}

export function alertMail(message: AlertMessage): AlertMail {
  const notices = shownOrder(message);
  const shown = notices.slice(0, MAIL_NOTICES);
  const more = notices.length - shown.length;
  const title = headline(message);
  const page = pageLink(message);
  const footer = [page.name, page.href].filter(Boolean).join(" · ");
  const text = [
    title,
    ...shown.map(textBlock),
    ...(more > 0 ? [moreLine(more)] : []),
    `--\nSent by Lookout for ${footer}`,
  ].join("\n\n");
  const html =
    `<!DOCTYPE html><html lang="en"><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#111;max-width:40em">` +
    `<h1 style="font-size:20px;border-left:6px solid ${messageLook(notices).colour};padding-left:8px">${escapeHtml(title)}</h1>` +
    shown.map(htmlBlock).join("") +
    (more > 0 ? `<p><strong>${escapeHtml(moreLine(more))}</strong></p>` : "") +
    `<hr><p style="color:#555;font-size:13px">Sent by Lookout for ${page.href ? `<a href="${escapeHtml(page.href)}">${escapeHtml(page.name)}</a>` : escapeHtml(page.name)}.</p>` +
    `</body></html>`;
  return { subject: clip(oneLine(`[Lookout] ${title}`), 200), text, html };
}

function textBlock(notice: AlertNotice): string {
  return [
    `${noticeLabel(notice)}: ${oneLine(notice.title)}`,
    oneLine(notice.summary),
    ...noticeFacts(notice).map(([label, value]) => `${label}: ${value}`),
    ...noticeLinks(notice).map((link) => `${link.text}: ${link.href}`),
  ].join("\n");
}

function htmlBlock(notice: AlertNotice): string {
  const look = lookOf(notice);
  const facts = noticeFacts(notice)
    .map(([label, value]) => `${escapeHtml(label)}: ${escapeHtml(value)}`)
    .join("<br>");
  const links = noticeLinks(notice)
    .map((link) => `<a href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a>`)
    .join(" · ");
  return (
    `<div style="border-left:4px solid ${look.colour};padding-left:8px;margin:16px 0">` +
    `<p style="margin:0"><strong>${escapeHtml(noticeLabel(notice))}: ${escapeHtml(oneLine(notice.title))}</strong></p>` +
    `<p style="margin:4px 0">${escapeHtml(oneLine(notice.summary))}</p>` +
    `<p style="margin:4px 0;color:#555;font-size:14px">${facts}</p>` +
    (links ? `<p style="margin:4px 0">${links}</p>` : "") +
    `</div>`
  );
}
