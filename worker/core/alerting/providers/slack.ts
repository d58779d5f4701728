import type { z } from "zod";
import type { slackChannel } from "../channels.ts";
import type { AlertMessage, AlertNotice, ChannelRequest } from "../message.ts";
import { lookOf, noticeLabel } from "../severity.ts";
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
} from "./words.ts";

/**
 * Slack incoming webhook: Block Kit `blocks` with a `text` fallback (what
 * notifications and old clients show). Limits from
 * docs/reference/alerting-providers.md: ≤ 50 blocks, a section's text ≤ 3,000,
 * a header ≤ 150; the whole message is kept ≤ 12,000 characters of block
 * text, because Slack refuses long messages (msg_blocks_too_long) well before
 * its documented 40,000.
 */
export const SLACK_LIMITS = { blocks: 50, section: 3000, header: 150, button: 75, totalText: 12_000, text: 3000 };

type Text = { type: "mrkdwn" | "plain_text"; text: string; emoji?: boolean };
type Block =
  | { type: "header"; text: Text }
  | { type: "section"; text: Text }
  | { type: "context"; elements: Text[] }
  | { type: "actions"; elements: { type: "button"; action_id: string; text: Text; url: string }[] };

export function slackRequest(
  channel: z.output<typeof slackChannel>,
  secret: ReadSecret,
  message: AlertMessage,
): ChannelRequest | MissingSecrets {
  return jsonToSecretUrl(secret, channel.urlSecret, slackPayload(message), "application/json; charset=utf-8");
}

export function slackPayload(message: AlertMessage): { text: string; blocks: Block[] } {
  const notices = shownOrder(message);
  const build = (k: number) => blocksFor(message, notices, k);
  const shown = largestFitting(notices.length, (k) => fits(build(k)));
  const only = message.notices.length === 1 ? message.notices[0] : undefined;
  const fallback = only ? `${headline(message)} — ${oneLine(only.summary)}` : headline(message);
  return { text: clip(escapeMrkdwn(fallback), SLACK_LIMITS.text), blocks: build(shown) };
}

function blocksFor(message: AlertMessage, notices: AlertNotice[], k: number): Block[] {
  const blocks: Block[] = [
    { type: "header", text: { type: "plain_text", text: clip(headline(message), SLACK_LIMITS.header), emoji: true } },
  ];
  for (const notice of notices.slice(0, k)) blocks.push({ type: "section", text: mrkdwn(noticeText(notice)) });
  const only = notices.length === 1 && k === 1 ? notices[0] : undefined;
  const buttons = only ? noticeLinks(only) : [];
  if (buttons.length) {
    blocks.push({
      type: "actions",
      elements: buttons.map((link) => ({
        type: "button",
        action_id: link.text.toLowerCase(),
        text: { type: "plain_text", text: clip(link.text, SLACK_LIMITS.button) },
        url: link.href,
      })),
    });
  }
  const page = pageLink(message);
  const name = escapeMrkdwn(page.name);
  const footer = [`${page.href ? `<${safeUrl(page.href)}|${name}>` : name} · Lookout`];
  if (notices.length > k) footer.unshift(`*${moreLine(notices.length - k)}*`);
  blocks.push({ type: "context", elements: footer.map(mrkdwn) });
  return blocks;
}

function noticeText(notice: AlertNotice): string {
  const look = lookOf(notice);
  const lines = [
    `${look.emoji} *${escapeMrkdwn(clip(oneLine(notice.title), 200))}* · ${noticeLabel(notice)}`,
    escapeMrkdwn(clip(oneLine(notice.summary), 800)),
    noticeFacts(notice)
      .map(([label, value]) => `_${label}:_ ${escapeMrkdwn(clip(value, 300))}`)
      .join(" · "),
  ];
  const links = noticeLinks(notice).map((link) => `<${safeUrl(link.href)}|${link.text}>`);
  if (links.length) lines.push(links.join(" · "));
  return lines.filter(Boolean).join("\n");
}

function fits(blocks: Block[]): boolean {
  if (blocks.length > SLACK_LIMITS.blocks) return false;
  let total = 0;
  for (const block of blocks) {
    const texts = block.type === "context" ? block.elements : block.type === "actions" ? [] : [block.text];
    for (const text of texts) {
      if (text.text.length > SLACK_LIMITS.section) return false;
      total += text.text.length;
    }
  }
  return total <= SLACK_LIMITS.totalText;
}

function mrkdwn(text: string): Text {
  return { type: "mrkdwn", text };
}

/**
 * Slack's three control characters: without this a title could write
 * `<!channel>` (pinging everyone) or a link of its own.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A URL inside `<url|text>` must not hold the characters that end it. */
function safeUrl(url: string): string {
  return url.replace(/[<>|\s]/g, (c) => encodeURIComponent(c));
}
