import type { z } from "zod";
import type { ntfyChannel } from "../channels.ts";
import type { AlertMessage, AlertNotice, ChannelRequest } from "../message.ts";
import { lookOf, messageLook, noticeLabel } from "../severity.ts";
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
  utf8Bytes,
} from "./words.ts";

/**
 * ntfy (docs/reference/alerting-providers.md): POST the message as plain
 * text to the topic URL, with `Title`, `Priority` (1–5, severity.ts),
 * `Tags` (emoji short codes) and `Click` headers, and `Authorization:
 * Bearer` for a protected topic. The body stays ≤ 4,000 bytes (ntfy turns a
 * longer one into an attachment); a title with other than ASCII is sent as
 * an RFC 2047 encoded word, which ntfy decodes (HTTP headers carry ASCII).
 */
export const NTFY_LIMITS = { bodyBytes: 4000, title: 250 };

const TAGS: Record<AlertNotice["notice"], string> = {
  trigger: "rotating_light",
  reminder: "repeat",
  resolve: "white_check_mark",
  test: "test_tube",
};

export function ntfyRequest(
  channel: z.output<typeof ntfyChannel>,
  secret: ReadSecret,
  message: AlertMessage,
): ChannelRequest | MissingSecrets {
  const values = secrets(secret, { url: channel.urlSecret, token: channel.tokenSecret ?? channel.urlSecret });
  if (isMissing(values)) return values;
  const token = channel.tokenSecret ? values.token : undefined;
  const notices = shownOrder(message);
  const first = notices[0] as AlertNotice;
  const only = notices.length === 1 ? first : undefined;
  const click = (only ? noticeLinks(only)[0]?.href : undefined) ?? pageLink(message).href;
  const headers: Record<string, string> = {
    "content-type": "text/plain; charset=utf-8",
    Title: headerText(clip(headline(message), NTFY_LIMITS.title)),
    Priority: String(messageLook(notices).ntfy),
    Tags: [TAGS[first.notice], lookOf(first).word.toLowerCase(), "lookout"].join(","),
  };
  if (click) headers.Click = click;
  if (token) headers.Authorization = `Bearer ${token}`;
  return {
    url: values.url,
    method: "POST",
    headers,
    body: ntfyBody(message),
    redact: token ? [values.url, token] : [values.url],
  };
}

export function ntfyBody(message: AlertMessage): string {
  const notices = shownOrder(message);
  const single = notices.length === 1;
  const build = (k: number) =>
    [
      ...notices.slice(0, k).map((n) => block(n, single)),
      ...(k < notices.length ? [moreLine(notices.length - k)] : []),
      [pageLink(message).name, pageLink(message).href].filter(Boolean).join(" · "),
    ].join("\n\n");
  return build(largestFitting(notices.length, (k) => utf8Bytes(build(k)) <= NTFY_LIMITS.bodyBytes));
}

function block(notice: AlertNotice, single: boolean): string {
  const lines = [
    single
      ? clip(oneLine(notice.summary), 1000)
      : `${lookOf(notice).emoji} ${noticeLabel(notice)}: ${clip(oneLine(notice.title), 150)} — ${clip(oneLine(notice.summary), 150)}`,
  ];
  if (single) {
    lines.push(...noticeFacts(notice).map(([label, value]) => `${label}: ${clip(value, 300)}`));
    lines.push(...noticeLinks(notice).map((link) => `${link.text}: ${link.href}`));
  }
  return lines.join("\n");
}

/** ASCII as it is; anything else as one RFC 2047 encoded word (UTF-8, base64). */
export function headerText(text: string): string {
  const line = oneLine(text);
  if (/^[\x20-\x7e]*$/.test(line)) return line;
  let binary = "";
  for (const byte of new TextEncoder().encode(line)) binary += String.fromCharCode(byte);
  return `=?UTF-8?B?${btoa(binary)}?=`;
}
