/**
 * Microsoft Teams Workflows webhooks (docs/reference/alerting-providers.md):
 * POST JSON {type: "message", attachments: [{contentType:
 * "application/vnd.microsoft.card.adaptive", content: <Adaptive Card>}]} to
 * the workflow's …/triggers/manual/paths/invoke?…&sig=… URL; 202 with no body;
 * a Teams message holds about 28 KB; 400/429 with a JSON {error: {code, message}}.
 * The card is checked for the elements Lookout uses (TextBlock, FactSet,
 * Container, Action.OpenUrl), enum values case-insensitively as Adaptive Cards read them.
 */
import { z } from "zod";
import { type IncomingAlert, issues, jsonBody, type ProviderContract } from "./contract.ts";

const oneOf = (values: string[]) =>
  z.string().refine((v) => values.includes(v.toLowerCase()), `must be one of ${values.join(", ")}`);
const common = {
  spacing: oneOf(["default", "none", "small", "medium", "large", "extralarge", "padding"]).optional(),
  separator: z.boolean().optional(),
  id: z.string().optional(),
};

type Element = { type: string };
const element: z.ZodType<Element> = z.lazy(() =>
  z.discriminatedUnion("type", [
    z.strictObject({
      ...common,
      type: z.literal("TextBlock"),
      text: z.string().min(1),
      wrap: z.boolean().optional(),
      weight: oneOf(["default", "lighter", "bolder"]).optional(),
      size: oneOf(["default", "small", "medium", "large", "extralarge"]).optional(),
      color: oneOf(["default", "dark", "light", "accent", "good", "warning", "attention"]).optional(),
      isSubtle: z.boolean().optional(),
      maxLines: z.number().int().positive().optional(),
    }),
    z.strictObject({
      ...common,
      type: z.literal("FactSet"),
      facts: z.array(z.strictObject({ title: z.string(), value: z.string() })).min(1),
    }),
    z.strictObject({
      ...common,
      type: z.literal("Container"),
      items: z.array(element).min(1),
      style: oneOf(["default", "emphasis", "good", "attention", "warning", "accent"]).optional(),
    }),
  ]),
);

const card = z.strictObject({
  $schema: z.string().optional(),
  type: z.literal("AdaptiveCard"),
  version: z.string().regex(/^1\.[0-6]$/, "Teams renders Adaptive Cards 1.0–1.6"),
  body: z.array(element).min(1),
  actions: z
    .array(z.strictObject({ type: z.literal("Action.OpenUrl"), title: z.string().min(1), url: z.url() }))
    .max(6)
    .optional(),
  msteams: z.strictObject({ width: z.literal("Full").optional() }).optional(),
});

export const teamsPayload = z.strictObject({
  type: z.literal("message"),
  attachments: z
    .array(
      z.strictObject({
        contentType: z.literal("application/vnd.microsoft.card.adaptive"),
        contentUrl: z.string().nullable().optional(),
        content: card,
      }),
    )
    .min(1),
});

/** About what Teams holds in one message. */
const MAX_BYTES = 28 * 1024;

export const teamsContract: ProviderContract = {
  provider: "teams",
  check(request: IncomingAlert) {
    if (request.method !== "POST") return [`method must be POST, was ${request.method}`];
    if (!/\/workflows\/[0-9a-f]+\/triggers\/manual\/paths\/invoke$/.test(request.path) || !request.query.sig) {
      return [`not a workflow trigger URL: ${request.path}`];
    }
    if (new TextEncoder().encode(request.body).length > MAX_BYTES) return [`the message is over ${MAX_BYTES} bytes`];
    const body = jsonBody(request);
    if ("violations" in body) return body.violations;
    const parsed = teamsPayload.safeParse(body.json);
    return parsed.success ? [] : issues(parsed.error);
  },
  ok: () => ({ status: 202 }),
  invalid: (violations) =>
    json(400, {
      error: { code: "InvalidRequestContent", message: `The request content is not valid: ${violations[0]}` },
    }),
  tooMany: (seconds) => ({
    ...json(429, {
      error: {
        code: "WorkflowTriggeredTooManyTimes",
        message: `Rate limit is exceeded. Try again in ${seconds} seconds.`,
      },
    }),
    headers: { "content-type": "application/json", "retry-after": String(Math.ceil(seconds)) },
  }),
};

function json(status: number, body: unknown) {
  return { status, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}
