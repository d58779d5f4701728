/**
 * Telegram Bot API sendMessage (docs/reference/alerting-providers.md): POST
 * JSON to /bot<token>/sendMessage; 200 {ok: true, result: Message}; text
 * 1–4,096 characters after entities parsing; in parse_mode "HTML" only
 * b/strong/i/em/u/ins/s/strike/del/a href/code/pre/tg-spoiler/blockquote tags,
 * properly nested, and every <, > and & that is not markup escaped (&lt; &gt;
 * &amp; &quot; or numeric); otherwise 400 "Bad Request: can't parse
 * entities"; 429 {ok: false, error_code: 429, description, parameters: {retry_after}}.
 */
import { z } from "zod";
import { type IncomingAlert, issues, jsonBody, type ProviderContract } from "./contract.ts";

export const sendMessage = z.strictObject({
  chat_id: z.union([z.number().int(), z.string().regex(/^(-?\d+|@[A-Za-z][A-Za-z0-9_]{4,})$/)]),
  text: z.string().min(1),
  parse_mode: z.enum(["HTML", "MarkdownV2", "Markdown"]).optional(),
  link_preview_options: z.strictObject({ is_disabled: z.boolean().optional() }).optional(),
  disable_notification: z.boolean().optional(),
  message_thread_id: z.number().int().optional(),
  protect_content: z.boolean().optional(),
});

const TAGS = new Set([
  "b",
  "strong",
  "i",
  "em",
  "u",
  "ins",
  "s",
  "strike",
  "del",
  "a",
  "code",
  "pre",
  "tg-spoiler",
  "blockquote",
  "span",
]);

/** The text Telegram would show, or why it cannot parse the markup. */
export function parseTelegramHtml(html: string): { text: string } | { error: string } {
  const open: string[] = [];
  let text = "";
  const token = /<(\/?)([a-z-]+)((?:\s+[a-z-]+="[^"<>]*")*)\s*>|&(?:lt|gt|amp|quot|#\d+|#x[0-9a-f]+);|[<>&]|[^<>&]+/giy;
  for (let m = token.exec(html); m && m[0] !== ""; m = token.exec(html)) {
    const [whole, closing, tag, attrs] = m;
    if (tag !== undefined) {
      const name = tag.toLowerCase();
      if (!TAGS.has(name)) return { error: `Unsupported start tag "${name}"` };
      if (closing) {
        if (open.pop() !== name) return { error: `Unmatched end tag "${name}"` };
      } else {
        if (name === "a" && !/^\s+href="[^"]+"$/.test(attrs ?? ""))
          return { error: `the a tag needs exactly one href` };
        open.push(name);
      }
    } else if (whole === "<" || whole === ">" || whole === "&") {
      return { error: `Unescaped "${whole}"` };
    } else if (whole.startsWith("&")) {
      text +=
        whole === "&amp;" ? "&" : whole === "&lt;" ? "<" : whole === "&gt;" ? ">" : whole === "&quot;" ? '"' : "?";
    } else text += whole;
  }
  if (token.lastIndex !== 0 && token.lastIndex < html.length) return { error: "unparsable markup" };
  if (open.length) return { error: `Can't find end tag corresponding to start tag "${open.at(-1)}"` };
  return { text };
}

export const telegramContract: ProviderContract = {
  provider: "telegram",
  check(request: IncomingAlert) {
    const match = /^\/bot(\d{5,}:[A-Za-z0-9_-]{30,})\/sendMessage$/.exec(request.path);
    if (request.method !== "POST" || !match)
      return [`expected POST /bot<token>/sendMessage, was ${request.method} ${request.path}`];
    const body = jsonBody(request);
    if ("violations" in body) return body.violations;
    const parsed = sendMessage.safeParse(body.json);
    if (!parsed.success) return issues(parsed.error);
    const shown = parsed.data.parse_mode === "HTML" ? parseTelegramHtml(parsed.data.text) : { text: parsed.data.text };
    if ("error" in shown) return [`can't parse entities: ${shown.error}`];
    if (shown.text.trim() === "") return ["message text is empty"];
    return shown.text.length > 4096 ? [`message is too long: ${shown.text.length} characters`] : [];
  },
  ok(request) {
    const sent = JSON.parse(request.body) as { chat_id: number | string; text: string };
    return json(200, {
      ok: true,
      result: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat: { id: sent.chat_id, type: "supergroup", title: "On-call" },
        text: sent.text,
      },
    });
  },
  invalid: (violations) => json(400, { ok: false, error_code: 400, description: `Bad Request: ${violations[0]}` }),
  tooMany: (seconds) =>
    json(429, {
      ok: false,
      error_code: 429,
      description: `Too Many Requests: retry after ${Math.ceil(seconds)}`,
      parameters: { retry_after: Math.ceil(seconds) },
    }),
};

function json(status: number, body: unknown) {
  return { status, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}
