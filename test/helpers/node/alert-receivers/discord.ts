/**
 * Discord webhooks (docs/reference/alerting-providers.md): POST JSON to
 * /api/webhooks/{id}/{token}; 204 (200 with ?wait=true); content ≤ 2,000,
 * ≤ 10 embeds (title ≤ 256, description ≤ 4,096, ≤ 25 fields of name ≤ 256
 * and value ≤ 1,024, footer ≤ 2,048, author ≤ 256), all embeds ≤ 6,000
 * characters; an empty message is refused; 400 {message, code, errors}; 429
 * {message, retry_after (float seconds), global} with Retry-After and
 * X-RateLimit-* headers.
 */
import { z } from "zod";
import { type IncomingAlert, issues, jsonBody, type ProviderContract } from "./contract.ts";

const embed = z.strictObject({
  title: z.string().max(256).optional(),
  description: z.string().max(4096).optional(),
  url: z.url().optional(),
  timestamp: z.iso.datetime({ offset: true }).optional(),
  color: z.number().int().min(0).max(0xffffff).optional(),
  footer: z.strictObject({ text: z.string().min(1).max(2048), icon_url: z.url().optional() }).optional(),
  author: z
    .strictObject({ name: z.string().min(1).max(256), url: z.url().optional(), icon_url: z.url().optional() })
    .optional(),
  fields: z
    .array(
      z.strictObject({
        name: z.string().min(1).max(256),
        value: z.string().min(1).max(1024),
        inline: z.boolean().optional(),
      }),
    )
    .max(25)
    .optional(),
});

export const discordPayload = z
  .strictObject({
    content: z.string().max(2000).optional(),
    username: z.string().min(1).max(80).optional(),
    avatar_url: z.url().optional(),
    tts: z.boolean().optional(),
    embeds: z.array(embed).max(10).optional(),
    allowed_mentions: z
      .strictObject({
        parse: z.array(z.enum(["roles", "users", "everyone"])).optional(),
        roles: z.array(z.string()).optional(),
        users: z.array(z.string()).optional(),
      })
      .optional(),
  })
  .refine((m) => (m.content ?? "").length > 0 || (m.embeds ?? []).length > 0, "Cannot send an empty message")
  .refine(
    (m) =>
      (m.embeds ?? []).reduce(
        (sum, e) =>
          sum +
          (e.title ?? "").length +
          (e.description ?? "").length +
          (e.footer?.text ?? "").length +
          (e.author?.name ?? "").length +
          (e.fields ?? []).reduce((s, f) => s + f.name.length + f.value.length, 0),
        0,
      ) <= 6000,
    "embeds: the combined sum of characters in all embeds must be 6000 or fewer",
  );

export const discordContract: ProviderContract = {
  provider: "discord",
  check(request: IncomingAlert) {
    if (request.method !== "POST") return [`method must be POST, was ${request.method}`];
    if (!/^\/api\/webhooks\/\d{17,20}\/[A-Za-z0-9_-]{60,100}$/.test(request.path)) {
      return [`not a webhook path: ${request.path}`];
    }
    const body = jsonBody(request);
    if ("violations" in body) return body.violations;
    const parsed = discordPayload.safeParse(body.json);
    return parsed.success ? [] : issues(parsed.error);
  },
  ok: (request) =>
    request.query.wait === "true"
      ? json(200, { id: "1187654321098765433", type: 0, channel_id: "1187654321098765430" })
      : { status: 204 },
  invalid: (violations) =>
    json(400, {
      message: "Invalid Form Body",
      code: 50035,
      errors: Object.fromEntries(
        violations.map((v) => [v.split(":")[0], { _errors: [{ code: "BASE_TYPE_INVALID", message: v }] }]),
      ),
    }),
  tooMany: (seconds) => ({
    status: 429,
    headers: {
      "content-type": "application/json",
      "retry-after": String(Math.ceil(seconds)),
      "x-ratelimit-limit": "5",
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset-after": String(seconds),
      "x-ratelimit-scope": "shared",
    },
    body: JSON.stringify({ message: "You are being rate limited.", retry_after: seconds, global: false }),
  }),
};

function json(status: number, body: unknown) {
  return { status, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}
