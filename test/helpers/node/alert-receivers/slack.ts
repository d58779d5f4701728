/**
 * Slack incoming webhooks (docs/reference/alerting-providers.md): POST JSON
 * `{text, blocks}` to the webhook URL; 200 "ok"; 400 with a plain-text reason
 * (`invalid_blocks`, `no_text`, `invalid_payload`); 429 with Retry-After.
 * Block limits: ≤ 50 blocks, header text ≤ 150 (plain_text), section text ≤ 3,000,
 * context ≤ 10 elements, actions ≤ 25 elements, button text ≤ 75, button url ≤ 3,000.
 */
import { z } from "zod";
import { type IncomingAlert, issues, jsonBody, type ProviderContract } from "./contract.ts";

const plain = (max: number) =>
  z.strictObject({ type: z.literal("plain_text"), text: z.string().min(1).max(max), emoji: z.boolean().optional() });
const text = (max: number) =>
  z.union([
    plain(max),
    z.strictObject({ type: z.literal("mrkdwn"), text: z.string().min(1).max(max), verbatim: z.boolean().optional() }),
  ]);

const block = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("header"), text: plain(150), block_id: z.string().max(255).optional() }),
  z
    .strictObject({
      type: z.literal("section"),
      text: text(3000).optional(),
      fields: z.array(text(2000)).max(10).optional(),
      block_id: z.string().max(255).optional(),
    })
    .refine((s) => s.text || s.fields, "a section needs text or fields"),
  z.strictObject({
    type: z.literal("context"),
    elements: z.array(text(3000)).min(1).max(10),
    block_id: z.string().max(255).optional(),
  }),
  z.strictObject({ type: z.literal("divider"), block_id: z.string().max(255).optional() }),
  z.strictObject({
    type: z.literal("actions"),
    block_id: z.string().max(255).optional(),
    elements: z
      .array(
        z.strictObject({
          type: z.literal("button"),
          text: plain(75),
          action_id: z.string().max(255).optional(),
          url: z.url().max(3000).optional(),
          value: z.string().max(2000).optional(),
          style: z.enum(["primary", "danger"]).optional(),
        }),
      )
      .min(1)
      .max(25),
  }),
]);

export const slackPayload = z.strictObject({
  text: z.string().min(1).max(40_000),
  blocks: z.array(block).max(50).optional(),
  username: z.string().optional(),
  icon_emoji: z.string().optional(),
  unfurl_links: z.boolean().optional(),
  unfurl_media: z.boolean().optional(),
});

export const slackContract: ProviderContract = {
  provider: "slack",
  check(request: IncomingAlert) {
    if (request.method !== "POST") return [`method must be POST, was ${request.method}`];
    if (!/^\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+$/.test(request.path)) {
      return [`not an incoming-webhook path: ${request.path}`];
    }
    const body = jsonBody(request);
    if ("violations" in body) return body.violations;
    const parsed = slackPayload.safeParse(body.json);
    return parsed.success ? [] : issues(parsed.error);
  },
  ok: () => ({ status: 200, headers: { "content-type": "text/html" }, body: "ok" }),
  invalid: (violations) => ({
    status: 400,
    headers: { "content-type": "text/html" },
    body: violations.some((v) => v.startsWith("blocks")) ? "invalid_blocks" : "invalid_payload",
  }),
  tooMany: (seconds) => ({
    status: 429,
    headers: { "content-type": "text/html", "retry-after": String(Math.ceil(seconds)) },
    body: "rate_limited",
  }),
};
