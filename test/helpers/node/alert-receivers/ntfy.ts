/**
 * ntfy publishing (docs/reference/alerting-providers.md): POST (or PUT) the
 * message as the body to <server>/<topic>; headers Title (X-Title, t),
 * Priority 1–5 or min/low/default/high/max/urgent, Tags (comma-separated),
 * Click (a URL), Authorization Bearer <token> or Basic for a protected topic;
 * non-ASCII header values as RFC 2047 encoded words; a body over 4,096 bytes
 * becomes an attachment (refused here: an alert must be text). 200 with the
 * message as JSON; 400/401/429 {code, http, error}.
 */
import { z } from "zod";
import { type IncomingAlert, issues, type ProviderContract } from "./contract.ts";

const ascii = z.string().regex(/^[\x20-\x7e]*$/, "header values are ASCII (encode others per RFC 2047)");
const encodedWord = /^=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=$/i;

export const ntfyHeaders = z.looseObject({
  title: ascii
    .refine((v) => !v.startsWith("=?") || decodeWord(v) !== undefined, "not a valid RFC 2047 encoded word")
    .optional(),
  priority: z.enum(["1", "2", "3", "4", "5", "min", "low", "default", "high", "max", "urgent"]).optional(),
  tags: ascii.regex(/^[^,\s][^,]*(,[^,]+)*$/, "comma-separated tags").optional(),
  click: z.url().optional(),
  authorization: z
    .string()
    .regex(/^(Bearer tk_[A-Za-z0-9]{29}|Basic [A-Za-z0-9+/=]+)$/, "Bearer tk_… or Basic")
    .optional(),
});

function decodeWord(value: string): string | undefined {
  const match = encodedWord.exec(value);
  if (!match) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(
      Uint8Array.from(atob(match[1] as string), (c) => c.charCodeAt(0)),
    );
  } catch {
    return undefined;
  }
}

export const ntfyContract: ProviderContract = {
  provider: "ntfy",
  check(request: IncomingAlert) {
    if (request.method !== "POST" && request.method !== "PUT")
      return [`method must be POST or PUT, was ${request.method}`];
    if (!/^\/[-_A-Za-z0-9]{1,64}$/.test(request.path)) return [`not a topic: ${request.path}`];
    const parsed = ntfyHeaders.safeParse(request.headers);
    const violations = parsed.success ? [] : issues(parsed.error);
    const bytes = new TextEncoder().encode(request.body).length;
    if (bytes === 0) violations.push("the message is empty");
    if (bytes > 4096) violations.push(`the message is ${bytes} bytes: over 4,096 it becomes an attachment`);
    return violations;
  },
  ok(request) {
    const title = request.headers.title;
    return json(200, {
      id: crypto.randomUUID().slice(0, 12),
      time: Math.floor(Date.now() / 1000),
      expires: Math.floor(Date.now() / 1000) + 43_200,
      event: "message",
      topic: request.path.slice(1),
      ...(title ? { title: title.startsWith("=?") ? decodeWord(title) : title } : {}),
      message: request.body,
      ...(request.headers.priority ? { priority: Number(request.headers.priority) || 3 } : {}),
      ...(request.headers.tags ? { tags: request.headers.tags.split(",") } : {}),
      ...(request.headers.click ? { click: request.headers.click } : {}),
    });
  },
  invalid: (violations) => json(400, { code: 40000, http: 400, error: `invalid request: ${violations[0]}` }),
  tooMany: () => json(429, { code: 42901, http: 429, error: "limit reached: too many requests, please be nice" }),
};

function json(status: number, body: unknown) {
  return { status, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}
