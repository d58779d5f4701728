import type { z } from "zod";
import type { discordChannel } from "../channels.ts";
import type { AlertMessage, AlertNotice, ChannelRequest } from "../message.ts";
import { lookOf, messageLook, noticeLabel } from "../severity.ts";
import { jsonToSecretUrl, type MissingSecrets, type ReadSecret } from "./secrets.ts";
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
 * Discord webhook (docs/reference/alerting-providers.md): `content` ≤ 2,000
 * and ≤ 10 `embeds`, each with a title ≤ 256, a description ≤ 4,096, ≤ 25
 * fields (name ≤ 256, value ≤ 1,024), a footer ≤ 2,048, and all embeds
 * together ≤ 6,000 characters. Up to ten notices get an embed each (its
 * colour the notice's severity); more are listed one line each in a single
 * embed. `allowed_mentions: {parse: []}` keeps a title's "@everyone" from pinging.
 */
export const DISCORD_LIMITS = { content: 2000, embeds: 10, title: 256, description: 4096, field: 1024, total: 6000 };

interface Embed {
  title: string;
  description: string;
  color: number;
  url?: string;
  fields?: { name: string; value: string; inline?: boolean }[];
  footer?: { text: string };
  timestamp?: string;
}

export function discordRequest(
  channel: z.output<typeof discordChannel>,
  secret: ReadSecret,
  message: AlertMessage,
): ChannelRequest | MissingSecrets {
  return jsonToSecretUrl(secret, channel.urlSecret, discordPayload(message));
}

export function discordPayload(message: AlertMessage) {
  const notices = shownOrder(message);
  const embeds = notices.length <= DISCORD_LIMITS.embeds ? embedEach(message, notices) : listEmbed(message, notices);
  return {
    content: clip(escapeDiscord(headline(message)), DISCORD_LIMITS.content),
    embeds,
    allowed_mentions: { parse: [] as string[] },
  };
}

/** One embed per notice, each given an equal share of the 6,000 characters. */
function embedEach(message: AlertMessage, notices: AlertNotice[]): Embed[] {
  const share = Math.floor((DISCORD_LIMITS.total - 100) / notices.length);
  return notices.map((notice) => {
    const title = clip(
      `${noticeLabel(notice)}: ${escapeDiscord(oneLine(notice.title))}`,
      Math.min(DISCORD_LIMITS.title, Math.floor(share / 4)),
    );
    const links = noticeLinks(notice)
      .map((link) => `[${link.text}](${safeUrl(link.href)})`)
      .join(" · ");
    const facts = noticeFacts(notice)
      .map(([label, value]) => `**${label}:** ${escapeDiscord(value)}`)
      .join("\n");
    const room = Math.min(DISCORD_LIMITS.description, share - title.length - page(message).length);
    // The links go last and are never cut (a cut link is a broken one): the words give way first.
    const words = clip(`${escapeDiscord(oneLine(notice.summary))}\n${facts}`, room - links.length - 1);
    return {
      title,
      description: links ? `${words}\n${links}` : words,
      color: colourOf(lookOf(notice).colour),
      ...(httpUrl(notice.links.componentPage) ? { url: httpUrl(notice.links.componentPage) as string } : {}),
      footer: { text: page(message) },
      timestamp: notice.resolvedAt ?? notice.openedAt,
    };
  });
}

/** More than ten: one embed that lists them, one line each, and says how many did not fit. */
function listEmbed(message: AlertMessage, notices: AlertNotice[]): Embed[] {
  const line = (n: AlertNotice) => {
    const ack = noticeLinks(n).find((link) => link.text === "Acknowledge");
    const title = escapeDiscord(clip(oneLine(n.title), 120));
    return `${lookOf(n).emoji} **${title}** — ${escapeDiscord(clip(oneLine(n.summary), 120))}${ack ? ` · [ack](${safeUrl(ack.href)})` : ""}`;
  };
  const title = clip(escapeDiscord(headline(message)), DISCORD_LIMITS.title);
  const describe = (k: number) =>
    [...notices.slice(0, k).map(line), ...(k < notices.length ? [`**${moreLine(notices.length - k)}**`] : [])].join(
      "\n",
    );
  const shown = largestFitting(notices.length, (k) => {
    const text = describe(k);
    return (
      text.length <= DISCORD_LIMITS.description &&
      text.length + title.length + page(message).length <= DISCORD_LIMITS.total - 100
    );
  });
  return [
    {
      title,
      description: describe(shown),
      color: colourOf(messageLook(notices).colour),
      ...(pageLink(message).href ? { url: pageLink(message).href as string } : {}),
      footer: { text: page(message) },
    },
  ];
}

function page(message: AlertMessage): string {
  return clip(`${oneLine(message.page.name)} · Lookout`, 200);
}

function colourOf(hex: string): number {
  return Number.parseInt(hex.slice(1), 16);
}

/** Discord markdown: a title's `*`, `_`, `[…](…)` or `@everyone` stays text (mentions are also off). */
export function escapeDiscord(text: string): string {
  return text.replace(/[\\*_~`|>#[\]()<]/g, (c) => `\\${c}`).replace(/@/g, "@\u200b");
}

function safeUrl(url: string): string {
  return url.replace(/[()\s]/g, (c) => encodeURIComponent(c));
}
